import { randomBytes } from 'node:crypto';
import { SecretBox, SecretBoxError } from '../../../services/crypto/secretBox.js';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32));

  it('round-trips text, including non-ASCII and empty strings', () => {
    for (const text of ['a refresh token', 'ünïcødé ✓', '']) {
      expect(box.open(box.seal(text))).toBe(text);
    }
  });

  it('writes v1:<iv>:<tag>:<ciphertext> in base64url, without the clear text', () => {
    const sealed = box.seal('secret-value');
    expect(sealed).toMatch(/^v1:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]*$/);
    expect(sealed).not.toContain('secret-value');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('throws when any part was changed', () => {
    const sealed = box.seal('secret-value');
    const [version, iv, tag, body] = sealed.split(':') as [string, string, string, string];
    const flip = (part: string): string => {
      const bytes = Buffer.from(part, 'base64url');
      bytes[0] = bytes[0]! ^ 1;
      return bytes.toString('base64url');
    };
    for (const tampered of [
      [version, flip(iv), tag, body],
      [version, iv, flip(tag), body],
      [version, iv, tag, flip(body)],
    ]) {
      expect(() => box.open(tampered.join(':'))).toThrow(SecretBoxError);
    }
  });

  it('throws for another key and for malformed input, without echoing the input', () => {
    const sealed = box.seal('secret-value');
    expect(() => new SecretBox(randomBytes(32)).open(sealed)).toThrow(SecretBoxError);
    expect(() => box.open('v2:a:b:c')).toThrow(SecretBoxError);
    try {
      box.open('not-sealed-secret');
    } catch (error) {
      expect((error as Error).message).not.toContain('not-sealed-secret');
    }
  });

  it('rejects a key that is not 32 bytes', () => {
    expect(() => new SecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
