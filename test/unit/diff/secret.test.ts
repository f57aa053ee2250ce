import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { diffObject } from '../../../lib/diff/object.ts';
import { maskedSecret } from '../../../lib/diff/secret.ts';
import { trustPolicy } from '../../../lib/diff/trust.ts';
import type { KubeObject } from '../../../lib/kube/object.ts';

const options = { trust: trustPolicy(), ignoreRules: [], secretDigestKey: randomBytes(32) };

function secret(fields: Record<string, unknown>): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', ...fields };
}

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('Secrets', () => {
  test('declared stringData equals live base64 data with the same value', () => {
    expect(
      diffObject(
        secret({ stringData: { password: 'hunter2' } }),
        secret({ data: { password: b64('hunter2') } }),
        options,
      ).changes,
    ).toEqual([]);
  });

  test('an empty declared value equals a null live value', () => {
    expect(diffObject(secret({ data: { smtp: '' } }), secret({ data: { smtp: null } }), options).changes).toEqual([]);
  });

  test('a changed value shows as two different keyed digests, never the value or its plain hash', () => {
    const [change] = diffObject(
      secret({ stringData: { password: 'hunter2' } }),
      secret({ data: { password: b64('letmein') } }),
      options,
    ).changes;
    expect(change?.path).toBe('/data/password');
    expect(change?.declared).toMatch(/^hmac-sha256:[0-9a-f]{12}$/);
    expect(change?.live).toMatch(/^hmac-sha256:[0-9a-f]{12}$/);
    expect(change?.declared).not.toBe(change?.live);
    const shown = JSON.stringify(change);
    for (const leak of [
      'hunter2',
      'letmein',
      b64('hunter2'),
      b64('letmein'),
      createHash('sha256').update('letmein').digest('hex').slice(0, 12),
    ]) {
      expect(shown).not.toContain(leak);
    }
  });

  test('equal values give equal digests within a run, so a reader can tell which side changed', () => {
    const first = diffObject(
      secret({ stringData: { a: 'same', b: 'x' } }),
      secret({ data: { a: b64('other'), b: b64('same') } }),
      options,
    ).changes;
    const declaredA = first.find((change) => change.path === '/data/a')?.declared;
    const liveB = first.find((change) => change.path === '/data/b')?.live;
    expect(declaredA).toBe(liveB);
  });
});

describe('the digest key is an input of the run', () => {
  const changed = (): [KubeObject, KubeObject] => [
    secret({ stringData: { password: 'hunter2' } }),
    secret({ data: { password: b64('letmein') } }),
  ];

  test("the same key gives the same digests (the diff is pure); another run's key gives others", () => {
    const key = randomBytes(32);
    const once = diffObject(...changed(), { ...options, secretDigestKey: key }).changes;
    const again = diffObject(...changed(), { ...options, secretDigestKey: Buffer.from(key) }).changes;
    const otherRun = diffObject(...changed(), { ...options, secretDigestKey: randomBytes(32) }).changes;
    expect(again).toEqual(once);
    expect(otherRun[0]?.declared).not.toBe(once[0]?.declared);
    expect(otherRun[0]?.path).toBe(once[0]?.path);
  });

  test('a Secret is never compared without a key (its values could not be redacted)', () => {
    expect(() => diffObject(...changed(), { trust: trustPolicy(), ignoreRules: [] })).toThrow(/secretDigestKey/);
  });

  test('maskedSecret digests with the key it is given', () => {
    const key = randomBytes(32);
    const declared = secret({
      stringData: { password: 'hunter2' },
      metadata: { name: 'db', namespace: 'shop', annotations: { note: 'hunter2' } },
    });
    const masked = maskedSecret(declared, key);
    expect(masked).toEqual(maskedSecret(declared, Buffer.from(key)));
    expect(masked['data']).toEqual({ password: expect.stringMatching(/^hmac-sha256:[0-9a-f]{12}$/) });
    expect(masked.metadata.annotations?.['note']).toMatch(/^hmac-sha256:/);
    expect(JSON.stringify(masked)).not.toContain('hunter2');
    expect(maskedSecret(declared, randomBytes(32))['data']).not.toEqual(masked['data']);
  });
});
