/**
 * Encryption at rest for the secrets the bot keeps (tokens, client secrets): AES-256-GCM, so a changed byte
 * is detected instead of decrypting to garbage. A sealed value is one printable string that fits in JSON:
 * `v1:<iv>:<tag>:<ciphertext>`, each part base64url; the version prefix leaves room to change the scheme.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
/** 96-bit nonces are what GCM is designed for; a fresh random one per value. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

export class SecretBox {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) {
      throw new SecretBoxError(`The encryption key must be ${KEY_BYTES} bytes (got ${key.length}).`);
    }
    this.#key = Buffer.from(key);
  }

  seal(plainText: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv);
    const cipherText = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [VERSION, iv.toString('base64url'), tag.toString('base64url'), cipherText.toString('base64url')].join(':');
  }

  /** Throws SecretBoxError when the value was changed, is malformed, or was sealed with another key. */
  open(sealed: string): string {
    const parts = sealed.split(':');
    if (parts.length !== 4 || parts[0] !== VERSION) {
      throw new SecretBoxError('Encrypted value is not in the expected format.');
    }
    const iv = Buffer.from(parts[1]!, 'base64url');
    const tag = Buffer.from(parts[2]!, 'base64url');
    const cipherText = Buffer.from(parts[3]!, 'base64url');
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
      throw new SecretBoxError('Encrypted value is not in the expected format.');
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(cipherText), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        'Encrypted value could not be decrypted: it was changed, or it was encrypted with a different ENCRYPTION_KEY.',
      );
    }
  }
}
