/**
 * One key per purpose, derived from the encryption key (ENCRYPTION_KEY, or the sandbox's generated one) with HKDF
 * (RFC 5869, SHA-256). The purpose is HKDF's `info`, so each use gets an independent key: a Web Chat cookie
 * signature, say, never equals a transcript pseudonym, and knowing one derived key tells nothing about the master
 * key or the others. Nothing to store: the same master key and purpose always give the same key.
 */
import { hkdfSync } from 'node:crypto';

/** Fixed, public: HKDF's salt only separates this application's keys from another's derived from the same secret. */
const SALT = 'confluence-assistant/derived-keys/v1';
const KEY_BYTES = 32;

export function deriveKey(masterKey: Buffer, purpose: string): Buffer {
  if (masterKey.length < 32) throw new RangeError(`deriveKey: the master key must be at least 32 bytes (got ${masterKey.length})`);
  if (purpose.trim() === '') throw new RangeError('deriveKey: name the purpose (for example "webchat-browser-identity")');
  return Buffer.from(hkdfSync('sha256', masterKey, SALT, purpose, KEY_BYTES));
}
