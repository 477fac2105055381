/**
 * A lock file that serialises read-check-write cycles on one file between processes (the bot and the admin CLI
 * both write records). Without it, two conditional writes could both pass their ETag check and the later rename
 * would silently drop the earlier change: for a token record, a rotated refresh token Atlassian has already made
 * the only valid one.
 */
import { open, stat, unlink } from 'node:fs/promises';

export interface FileLockOptions {
  /** Give up after this long (ms). Holders keep the lock for one small file write. */
  timeoutMs?: number;
  /** A lock older than this (ms) was left by a process that died mid-write. */
  staleMs?: number;
  retryDelayMs?: number;
}

export class FileLockTimeoutError extends Error {
  constructor(readonly lockPath: string) {
    super(`Timed out waiting for the lock ${lockPath}. If no bot or admin command is writing, delete that file.`);
    this.name = 'FileLockTimeoutError';
  }
}

export async function withFileLock<T>(lockPath: string, work: () => Promise<T>, options: FileLockOptions = {}): Promise<T> {
  await acquire(lockPath, options);
  try {
    return await work();
  } finally {
    await unlink(lockPath).catch(() => undefined);
  }
}

async function acquire(lockPath: string, { timeoutMs = 5000, staleMs = 10000, retryDelayMs = 5 }: FileLockOptions): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.close();
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (await isStale(lockPath, staleMs)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) throw new FileLockTimeoutError(lockPath);
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
}

async function isStale(lockPath: string, staleMs: number): Promise<boolean> {
  try {
    const info = await stat(lockPath);
    return Date.now() - info.mtimeMs > staleMs;
  } catch {
    return false;
  }
}
