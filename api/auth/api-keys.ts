/**
 * API keys: `lf_<keyId>_<secret>`. The key id is public (it names the key in logs and lists);
 * only the SHA-256 of the secret is stored. Secrets are 32 random bytes, so a fast hash is
 * enough: there is nothing to guess by brute force, unlike a password.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^lf_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  keyId: string;
  /** Give this to the caller once; it is not stored. */
  key: string;
  secretHash: string;
}

export function generateKey(): NewKey {
  const keyId = randomBytes(9).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, '0').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { keyId, key: `lf_${keyId}_${secret}`, secretHash: hashSecret(secret) };
}

/** The key id and secret hash of a presented key, or undefined when it is not shaped like one. */
export function parseKey(key: string): { keyId: string; secretHash: string } | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match) return undefined;
  return { keyId: match[1] as string, secretHash: hashSecret(match[2] as string) };
}

/** Compares two hex hashes in constant time. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
