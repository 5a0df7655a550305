/**
 * AES-256-GCM for stored secrets (node-forge). Each envelope carries its version, the key id
 * and a fresh 12-byte IV; the AAD binds it to its owner (a profile id), so ciphertext moved to
 * another profile does not decrypt. A secret that fails any check is unreadable, never wrong.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';
import { VaultLockedError } from '../errors.js';
import type { KeyEnvelope } from './state.js';

/**
 * node-forge is loaded on the first encryption or decryption, not at start: it is the largest
 * module the service loads, and the first answer (health, a list) never needs it. Only its AES
 * part (which registers AES-GCM on the shared forge object): the package's index also loads
 * TLS, RSA, PKI and the rest, four times the time, and a keyring start checks the key with it.
 */
let loadedForge: typeof forgeModule | undefined;
function forgeLib(): typeof forgeModule {
  if (loadedForge) return loadedForge;
  const require = createRequire(import.meta.url);
  require('node-forge/lib/aes');
  loadedForge = require('node-forge/lib/forge') as typeof forgeModule;
  return loadedForge;
}

/** Loads the cipher now, while the caller waits on something else (a keyring's answer). */
export function loadCipher(): void {
  forgeLib();
}

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A stored secret could not be decrypted (wrong key, tampered or foreign envelope). It is a
 * safe-storage failure to the caller: the secret cannot be used, and nothing may fall back.
 */
export class SecretUnreadableError extends VaultLockedError {
  constructor() {
    super('secret-unreadable');
  }
}

/** First 8 hex characters of SHA-256 of the key: names the key without revealing it. */
export function keyIdOf(key: Uint8Array): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

// forge works on "binary strings": one char per byte.
function binary(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** Strict base64 → binary string; null for anything that does not round-trip. */
function fromBase64(text: string, length?: number): string | null {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) return null;
  if (length !== undefined && bytes.length !== length) return null;
  return bytes.toString('latin1');
}

export function encryptSecret(key: Uint8Array, kid: string, plaintext: string, aad: string): KeyEnvelope {
  const forge = forgeLib();
  if (key.length !== KEY_BYTES) throw new Error('The vault key must be 32 bytes.');
  if (kid !== keyIdOf(key)) throw new Error('The key id does not belong to this key.');
  const iv = randomBytes(IV_BYTES);
  const cipher = forge.cipher.createCipher('AES-GCM', forge.util.createBuffer(binary(key)));
  cipher.start({ iv: binary(iv), additionalData: Buffer.from(aad, 'utf8').toString('latin1'), tagLength: TAG_BYTES * 8 });
  cipher.update(forge.util.createBuffer(Buffer.from(plaintext, 'utf8').toString('latin1')));
  cipher.finish();
  const tag = (cipher.mode as unknown as { tag: forgeModule.util.ByteStringBuffer }).tag;
  return {
    v: 1,
    alg: 'AES-256-GCM',
    kid,
    iv: iv.toString('base64'),
    tag: Buffer.from(tag.getBytes(), 'latin1').toString('base64'),
    ct: Buffer.from(cipher.output.getBytes(), 'latin1').toString('base64'),
  };
}

/** Throws SecretUnreadableError for a wrong key, a tampered envelope, a wrong AAD or an unknown version/kid. */
export function decryptSecret(key: Uint8Array, envelope: KeyEnvelope, aad: string): string {
  const forge = forgeLib();
  if (key.length !== KEY_BYTES || envelope.v !== 1 || envelope.alg !== 'AES-256-GCM' || envelope.kid !== keyIdOf(key)) {
    throw new SecretUnreadableError();
  }
  const iv = typeof envelope.iv === 'string' ? fromBase64(envelope.iv, IV_BYTES) : null;
  const tag = typeof envelope.tag === 'string' ? fromBase64(envelope.tag, TAG_BYTES) : null;
  const ct = typeof envelope.ct === 'string' ? fromBase64(envelope.ct) : null;
  if (iv === null || tag === null || ct === null) throw new SecretUnreadableError();

  const decipher = forge.cipher.createDecipher('AES-GCM', forge.util.createBuffer(binary(key)));
  decipher.start({
    iv,
    additionalData: Buffer.from(aad, 'utf8').toString('latin1'),
    tagLength: TAG_BYTES * 8,
    tag: forge.util.createBuffer(tag),
  });
  decipher.update(forge.util.createBuffer(ct));
  // forge fills the output even when authentication fails: only read it after finish() says yes.
  if (!decipher.finish()) throw new SecretUnreadableError();
  return Buffer.from(decipher.output.getBytes(), 'latin1').toString('utf8');
}
