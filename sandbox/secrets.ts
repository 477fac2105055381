/**
 * The clear value of a code or token exists only in the HTTP response that hands it out: the sandbox keeps and
 * stores its SHA-256 hash, and compares client secrets in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Lowercase hex, 64 characters: also a valid record key segment. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (their hashes have equal length whatever the inputs). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(given), 'hex'), Buffer.from(hashSecret(expected), 'hex'));
}
