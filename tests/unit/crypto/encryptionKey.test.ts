import { randomBytes } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENCRYPTION_KEY_FILE, EncryptionKeyError, resolveEncryptionKey } from '../../../services/crypto/encryptionKey.js';
import { temporaryDirectory } from '../auth/authTestKit.js';

describe('resolveEncryptionKey', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  it('uses the configured 64-hex key', () => {
    const hex = randomBytes(32).toString('hex');
    expect(resolveEncryptionKey({ keyHex: hex, dataDir: dir.path, sandbox: false }).toString('hex')).toBe(hex);
  });

  it('rejects a malformed key with a message naming ENCRYPTION_KEY and not echoing the value', () => {
    const attempt = (): Buffer => resolveEncryptionKey({ keyHex: 'abc123-not-a-key', dataDir: dir.path, sandbox: true });
    expect(attempt).toThrow(EncryptionKeyError);
    expect(attempt).toThrow(/ENCRYPTION_KEY/);
    expect(attempt).not.toThrow(/abc123-not-a-key/);
  });

  it('refuses to run without a key outside the sandbox', () => {
    expect(() => resolveEncryptionKey({ dataDir: dir.path, sandbox: false })).toThrow(/ENCRYPTION_KEY/);
  });

  it('in the sandbox, generates a key once (mode 0600) and reuses it on later starts', () => {
    const first = resolveEncryptionKey({ dataDir: dir.path, sandbox: true });
    const file = join(dir.path, ENCRYPTION_KEY_FILE);
    expect(first).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('hex'));
    const second = resolveEncryptionKey({ dataDir: dir.path, sandbox: true });
    expect(second.equals(first)).toBe(true);
  });

  it('creates the data directory when it does not exist yet', () => {
    const nested = join(dir.path, 'not', 'yet');
    expect(resolveEncryptionKey({ dataDir: nested, sandbox: true })).toHaveLength(32);
  });

  it('reports a damaged key file by name instead of replacing it', () => {
    const file = join(dir.path, ENCRYPTION_KEY_FILE);
    writeFileSync(file, 'garbage\n');
    expect(() => resolveEncryptionKey({ dataDir: dir.path, sandbox: true })).toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('garbage\n');
  });
});
