/**
 * Secrets at rest (user OAuth tokens, per-repo/org hook secrets): AES-256-GCM with a random 96-bit nonce.
 * Stored form: `v1:<base64url(nonce | ciphertext | tag)>`. The version prefix lets the key or algorithm
 * change later; the auth tag makes any tampering (or a wrong key) an error instead of garbage.
 * `aad` binds a ciphertext to its row (e.g. `repo:owner/name`), so a secret copied to another row fails.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'v1:';
const NONCE = 12;
const TAG = 16;

export class SecretDecryptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretDecryptionError';
  }
}

export interface SecretBox {
  encrypt(plaintext: string, aad?: string): string;
  decrypt(stored: string, aad?: string): string;
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('secret key must be 32 bytes');
  const k = Buffer.from(key);
  return {
    encrypt(plaintext, aad = '') {
      const nonce = randomBytes(NONCE);
      const cipher = createCipheriv('aes-256-gcm', k, nonce);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return PREFIX + Buffer.concat([nonce, body, cipher.getAuthTag()]).toString('base64url');
    },
    decrypt(stored, aad = '') {
      if (!stored.startsWith(PREFIX)) throw new SecretDecryptionError('unknown secret format');
      const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
      if (raw.length < NONCE + TAG) throw new SecretDecryptionError('secret is truncated');
      const decipher = createDecipheriv('aes-256-gcm', k, raw.subarray(0, NONCE));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(raw.subarray(raw.length - TAG));
      try {
        return Buffer.concat([decipher.update(raw.subarray(NONCE, raw.length - TAG)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretDecryptionError('secret failed authentication (tampered, or encrypted with another key)');
      }
    },
  };
}

export function generateSecretKey(): Buffer {
  return randomBytes(32);
}
