/** GitHub App JWTs (RS256): verification against the app's public key, and key generation for new apps. */
import { createPublicKey, createVerify, generateKeyPairSync, createSign } from 'node:crypto';
import { GitHubError } from '../http/errors.js';

export function generateAppKeys(): { private_key: string; public_key: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    // PKCS#1, like the .pem GitHub lets you download.
    private_key: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    public_key: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

function b64urlJson(part: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Reads the (unverified) issuer so the caller can find which app's key to check against. */
export function jwtIssuer(token: string): number | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const payload = b64urlJson(parts[1]);
  const iss = payload?.iss;
  const n = typeof iss === 'number' ? iss : typeof iss === 'string' && /^\d{1,12}$/.test(iss) ? Number(iss) : NaN;
  return Number.isSafeInteger(n) ? n : null;
}

export function looksLikeJwt(token: string): boolean {
  return /^eyJ[\w-]*\.[\w-]+\.[\w-]*$/.test(token);
}

/**
 * Verifies signature and times the way GitHub does: RS256 only, `exp` in the future and at most 10 minutes
 * ahead of `iat`, `iat` not in the future (60 s of drift allowed). Throws 401 with GitHub's wording.
 */
export function verifyAppJwt(token: string, publicKeyPem: string, nowMs: number): void {
  const parts = token.split('.');
  const header = parts.length === 3 ? b64urlJson(parts[0]) : null;
  const payload = parts.length === 3 ? b64urlJson(parts[1]) : null;
  if (!header || !payload) throw new GitHubError(401, 'A JSON web token could not be decoded');
  if (header.alg !== 'RS256') throw new GitHubError(401, 'A JSON web token could not be decoded');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(`${parts[0]}.${parts[1]}`);
  let ok: boolean;
  try {
    ok = verifier.verify(createPublicKey(publicKeyPem), Buffer.from(parts[2], 'base64url'));
  } catch {
    ok = false;
  }
  if (!ok) throw new GitHubError(401, 'A JSON web token could not be decoded');
  const now = Math.floor(nowMs / 1000);
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || !Number.isInteger(iat) || iat > now + 60) {
    throw new GitHubError(401, "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued.");
  }
  if (typeof exp === 'number' && exp - iat > 600 + 60) {
    throw new GitHubError(401, "'Expiration time' claim ('exp') is too far in the future");
  }
  if (typeof exp !== 'number' || exp <= now) {
    throw new GitHubError(401, "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires.");
  }
}

/** Signs an app JWT (used by the emulator's own tests and the control API's convenience endpoint). */
export function signAppJwt(appId: number, privateKeyPem: string, nowMs: number): string {
  const now = Math.floor(nowMs / 1000);
  const head = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify({ iat: now - 30, exp: now + 570, iss: appId })).toString('base64url');
  const signer = createSign('RSA-SHA256');
  signer.update(`${head}.${body}`);
  return `${head}.${body}.${signer.sign(privateKeyPem).toString('base64url')}`;
}
