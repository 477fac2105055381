/**
 * Where the AES key comes from. Production: ENCRYPTION_KEY (64 hex characters). Sandbox without a key: one is
 * generated on the first start and kept next to the data it protects, so restarts (and the admin CLI, a separate
 * process) can still read what was stored. Never a generated key outside the sandbox: losing it would silently
 * make every stored token unreadable.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEY_HEX = /^[0-9a-fA-F]{64}$/;
export const ENCRYPTION_KEY_FILE = 'encryption.key';

export class EncryptionKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

export interface EncryptionKeySource {
  keyHex?: string;
  dataDir: string;
  sandbox: boolean;
}

export function resolveEncryptionKey({ keyHex, dataDir, sandbox }: EncryptionKeySource): Buffer {
  if (keyHex !== undefined && keyHex.trim() !== '') {
    const trimmed = keyHex.trim();
    if (!KEY_HEX.test(trimmed)) {
      throw new EncryptionKeyError(
        'ENCRYPTION_KEY must be 32 bytes written as 64 hexadecimal characters (generate one with: openssl rand -hex 32).',
      );
    }
    return Buffer.from(trimmed, 'hex');
  }
  if (!sandbox) {
    throw new EncryptionKeyError(
      'ENCRYPTION_KEY is not set: it is required with a real Atlassian app (generate one with: openssl rand -hex 32).',
    );
  }
  return readOrCreateSandboxKey(join(dataDir, ENCRYPTION_KEY_FILE), dataDir);
}

function readOrCreateSandboxKey(file: string, dataDir: string): Buffer {
  const existing = readKeyFile(file);
  if (existing !== undefined) return existing;

  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const generated = randomBytes(32);
  try {
    // 'wx' fails when the bot and the admin CLI race to create it; the loser then reads the winner's key.
    writeFileSync(file, `${generated.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      const raced = readKeyFile(file);
      if (raced !== undefined) return raced;
    }
    throw error;
  }
  // The mode given to writeFileSync is filtered through the umask; make sure no one else can read it.
  chmodSync(file, 0o600);
  return generated;
}

function readKeyFile(file: string): Buffer | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const trimmed = text.trim();
  if (!KEY_HEX.test(trimmed)) {
    throw new EncryptionKeyError(
      `${file} does not hold a 64-hexadecimal-character key. Restore it, or set ENCRYPTION_KEY; ` +
        'deleting it makes the stored tokens and client secrets unreadable.',
    );
  }
  return Buffer.from(trimmed, 'hex');
}
