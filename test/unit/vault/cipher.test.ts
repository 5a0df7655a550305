import { randomBytes } from 'node:crypto';
import { VaultLockedError } from '../../../src/errors.js';
import { SecretUnreadableError, decryptSecret, encryptSecret, keyIdOf } from '../../../src/vault/cipher.js';
import type { KeyEnvelope } from '../../../src/vault/state.js';

const key = randomBytes(32);
const kid = keyIdOf(key);
const profileA = '3f1c2a4e-9b7d-4c1e-8a2f-0d6b5e4c3a21';
const profileB = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const secret = 'sk-test-0123456789abcdef';

function flipBit(base64: string, bit: number): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[bit >> 3] = (bytes[bit >> 3] as number) ^ (1 << (bit & 7));
  return bytes.toString('base64');
}

function expectUnreadable(envelope: KeyEnvelope, aad = profileA, withKey: Uint8Array = key): void {
  expect(() => decryptSecret(withKey, envelope, aad)).toThrow(SecretUnreadableError);
}

test('round-trips UTF-8 secrets, including the empty string', () => {
  for (const plaintext of [secret, 'clé-ñ-日本語-🔑', '', 'x'.repeat(2000)]) {
    expect(decryptSecret(key, encryptSecret(key, kid, plaintext, profileA), profileA)).toBe(plaintext);
  }
});

test('the envelope is versioned, names the key, uses a fresh 12-byte IV and a 16-byte tag, and hides the plaintext', () => {
  const first = encryptSecret(key, kid, secret, profileA);
  const second = encryptSecret(key, kid, secret, profileA);
  expect(first).toMatchObject({ v: 1, alg: 'AES-256-GCM', kid });
  expect(kid).toMatch(/^[0-9a-f]{8}$/);
  expect(Buffer.from(first.iv, 'base64')).toHaveLength(12);
  expect(Buffer.from(first.tag, 'base64')).toHaveLength(16);
  expect(second.iv).not.toBe(first.iv);
  expect(second.ct).not.toBe(first.ct);
  expect(JSON.stringify(first)).not.toContain(secret);
  expect(Buffer.from(first.ct, 'base64').toString('latin1')).not.toContain(secret);
});

test.each(['iv', 'tag', 'ct'] as const)('every 1-bit flip in %s makes the secret unreadable', (field) => {
  const envelope = encryptSecret(key, kid, secret, profileA);
  const bits = Buffer.from(envelope[field], 'base64').length * 8;
  expect(bits).toBeGreaterThanOrEqual(96);
  for (let bit = 0; bit < bits; bit += 1) {
    expectUnreadable({ ...envelope, [field]: flipBit(envelope[field], bit) });
  }
});

test('ciphertext moved to another profile (a different AAD) is unreadable', () => {
  const forA = encryptSecret(key, kid, 'key-of-a', profileA);
  const forB = encryptSecret(key, kid, 'key-of-b', profileB);
  expectUnreadable(forA, profileB);
  expectUnreadable(forB, profileA);
});

test('a wrong key is refused, whether or not the envelope claims its id', () => {
  const other = randomBytes(32);
  const envelope = encryptSecret(key, kid, secret, profileA);
  expectUnreadable(envelope, profileA, other);
  // Past the key-id check, only the GCM tag stands between a wrong key and garbage output.
  expectUnreadable({ ...envelope, kid: keyIdOf(other) }, profileA, other);
});

test('unknown versions, algorithms, key ids and malformed fields are unreadable', () => {
  const envelope = encryptSecret(key, kid, secret, profileA);
  const variants: unknown[] = [
    { ...envelope, v: 2 },
    { ...envelope, alg: 'AES-128-GCM' },
    { ...envelope, kid: '00000000' },
    { ...envelope, iv: Buffer.alloc(16).toString('base64') },
    { ...envelope, tag: Buffer.from(envelope.tag, 'base64').subarray(0, 12).toString('base64') },
    { ...envelope, ct: `${envelope.ct}!` },
    { ...envelope, ct: Buffer.from(envelope.ct, 'base64').subarray(1).toString('base64') },
    { ...envelope, iv: 42 },
  ];
  for (const variant of variants) expectUnreadable(variant as KeyEnvelope);
  expectUnreadable(envelope, profileA, key.subarray(0, 16));
});

test('an unreadable secret is a safe-storage failure whose message carries nothing secret', () => {
  const envelope = encryptSecret(key, kid, secret, profileA);
  let caught: unknown;
  try {
    decryptSecret(key, envelope, profileB);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(VaultLockedError);
  expect(caught).toMatchObject({ code: 'SAFE_STORAGE_UNAVAILABLE', reason: 'secret-unreadable', name: 'SecretUnreadableError' });
  const text = `${(caught as Error).message} ${JSON.stringify(caught)}`;
  expect(text).not.toContain(secret);
  expect(text).not.toContain(key.toString('hex'));
  expect(text).not.toContain(key.toString('base64'));
});

test('encryption refuses a key of the wrong size or a key id that is not its own', () => {
  expect(() => encryptSecret(randomBytes(16), kid, secret, profileA)).toThrow(/32 bytes/);
  expect(() => encryptSecret(key, '00000000', secret, profileA)).toThrow(/key id/);
});
