import { describe, expect, test } from 'vitest';
import { displayLocation } from '../../../lib/source/display.ts';

describe('displayLocation', () => {
  test('an https URL loses user info, query string and fragment', () => {
    const shown = displayLocation(
      'https://deploy:glpat-secret@git.example.com/api/v4/projects/7/repository/archive.tar.gz?private_token=x&sha=main#frag',
    );
    expect(shown).toBe('https://git.example.com/api/v4/projects/7/repository/archive.tar.gz');
  });

  test('http (loopback test servers) too, whatever the scheme case', () => {
    expect(displayLocation('HTTP://user:pw@127.0.0.1:8080/repo.tgz?token=x')).toBe('http://127.0.0.1:8080/repo.tgz');
  });

  test('folders, archives and s3:// stay as given', () => {
    for (const location of ['/srv/gitops', './gitops.tar.gz', 's3://bucket/key?odd#name'])
      expect(displayLocation(location)).toBe(location);
  });

  test('an unparseable http URL is not echoed', () => {
    expect(displayLocation('https://user:pass word@[bad/x?token=secret')).toBe('(invalid URL)');
  });
});
