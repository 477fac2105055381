/**
 * DATA_DIR holds sealed tokens and client secrets, conversation state (what users typed) and, in the sandbox, the
 * encryption key itself: no other user of the machine may read any of it. New folders and files are created
 * private (700 / 600) where they are written; this makes a folder from an earlier version, created 755 with 644
 * files, private at start-up.
 *
 * Files are created private by the process's umask, set here to owner-only for everything created after start-up:
 * one setting covers every writer, including those whose file modes we do not control (lowdb's state files,
 * transcripts), instead of a chmod after each write.
 *
 * Only DATA_DIR and its direct entries are changed, not every record below: once DATA_DIR is 700 no other user can
 * reach anything inside it, whatever the modes further down, and every record gets mode 600 the next time it is
 * written (records are replaced, never edited in place). A walk over every file would make start-up cost grow with
 * the number of stored users and conversations for no further protection.
 */
import { chmodSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** Permission bits for group and others. */
const GROUP_AND_OTHERS = 0o077;

export class DataDirPermissionError extends Error {
  constructor(target: string, mode: number, cause: NodeJS.ErrnoException) {
    super(
      `${target} can be read by other users (mode ${mode.toString(8)}) and could not be made private (${cause.code ?? cause.message}). ` +
        `Give it to the user the bot runs as (chown) or run: chmod go-rwx ${JSON.stringify(target)}, then start again.`,
    );
    this.name = 'DataDirPermissionError';
  }
}

/**
 * Makes every file and folder this process creates from now on owner-only; then creates DATA_DIR (700) if missing,
 * or takes group and other access off it and off its direct entries.
 */
export function makeDataDirPrivate(dataDir: string): void {
  process.umask(process.umask() | GROUP_AND_OTHERS);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  removeGroupAndOtherAccess(dataDir);
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    // A symbolic link is skipped: chmod would change whatever it points to, which may not be ours.
    if (entry.isDirectory() || entry.isFile()) removeGroupAndOtherAccess(path.join(dataDir, entry.name));
  }
}

function removeGroupAndOtherAccess(target: string): void {
  const mode = statSync(target).mode & 0o777;
  // Already private: no system call, so a normal start costs one stat per entry.
  if ((mode & GROUP_AND_OTHERS) === 0) return;
  try {
    chmodSync(target, mode & ~GROUP_AND_OTHERS);
  } catch (error) {
    throw new DataDirPermissionError(target, mode, error as NodeJS.ErrnoException);
  }
}
