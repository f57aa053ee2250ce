import { describe, expect, test } from 'vitest';
import { excerpt } from '../../../lib/checks/message-text.ts';
import { redact } from '../../../lib/io/redact.ts';

describe('redact', () => {
  test('masks bearer tokens, key=value credentials and URL userinfo, on one line', () => {
    const text =
      'denied: Authorization: Bearer eyJhbGciOi.abc\n token=s3cr3t password: hunter2 https://bob:pw@git.example.com/x';
    const masked = redact(text);
    for (const secret of ['eyJhbGciOi.abc', 's3cr3t', 'hunter2', 'bob:pw']) expect(masked).not.toContain(secret);
    expect(masked).not.toContain('\n');
  });

  test('finding excerpts of cluster messages (events, container states) are masked too', () => {
    const message =
      'admission webhook "policy.example.com" denied the request: env DB_PASSWORD=topsecret is not allowed';
    expect(excerpt(message)).not.toContain('topsecret');
    expect(excerpt(message)).toContain('denied the request');
  });
});
