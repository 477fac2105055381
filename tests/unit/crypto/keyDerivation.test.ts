import { createHmac, hkdfSync } from 'node:crypto';
import { deriveKey } from '../../../services/crypto/keyDerivation.js';

describe('deriveKey', () => {
  const master = Buffer.alloc(32, 0xab);

  it('gives 32 bytes, the same for the same master key and purpose', () => {
    const key = deriveKey(master, 'webchat-browser-identity');
    expect(key).toHaveLength(32);
    expect(deriveKey(master, 'webchat-browser-identity').equals(key)).toBe(true);
  });

  it('gives independent keys per purpose and per master key, none equal to the master key', () => {
    const keys = [deriveKey(master, 'a'), deriveKey(master, 'b'), deriveKey(Buffer.alloc(32, 0xac), 'a')].map((key) => key.toString('hex'));
    expect(new Set([...keys, master.toString('hex')]).size).toBe(4);
  });

  it('is HKDF-SHA256 with the purpose as info (RFC 5869), so another implementation can derive the same key', () => {
    const expected = Buffer.from(hkdfSync('sha256', master, 'confluence-assistant/derived-keys/v1', 'transcript-user-ids', 32));
    expect(deriveKey(master, 'transcript-user-ids').equals(expected)).toBe(true);
    // Not a bare HMAC of the purpose: the extract step is there.
    expect(deriveKey(master, 'x').equals(createHmac('sha256', master).update('x').digest())).toBe(false);
  });

  it('refuses a short master key or an empty purpose', () => {
    expect(() => deriveKey(Buffer.alloc(16), 'a')).toThrow(/at least 32 bytes/);
    expect(() => deriveKey(master, ' ')).toThrow(/purpose/);
  });
});
