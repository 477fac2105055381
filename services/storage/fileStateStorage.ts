/**
 * Bot conversation and user state on lowdb, one small JSON file per key: the storage of a single instance (with
 * several, state lives in the shared record store, see recordStateStorage.ts). eTag rules in stateStorage.ts.
 *
 * A turn reads and writes only its own keys' files, so its cost does not grow with the number of stored
 * conversations. Writes are atomic (lowdb writes a temporary file and renames it); the files are private (600) because
 * the process creates every file owner-only (privateDataDir.ts). The calls are lowdb's synchronous
 * ones: a state file is a few kilobytes on a local disk, and the promise API's thread-pool round trip would cost more
 * CPU than the work (see fileLock.ts for the figures).
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { JSONFileSync } from 'lowdb/node';
import { ETAG_CREATE_ONLY, EtagConflictError, isUnconditional, type StateStorage, type StoredItem, type StoredItems } from './stateStorage.js';

export { EtagConflictError } from './stateStorage.js';
export type { StoredItem, StoredItems } from './stateStorage.js';

interface FileContent {
  key: string;
  item: StoredItem;
}

/** File names of recently used keys: every turn asks for the same two, and hashing them again costs more than the read. */
const REMEMBERED_PATHS = 1024;

export class FileStateStorage implements StateStorage {
  private directoryMade = false;
  private readonly paths = new Map<string, string>();

  constructor(private readonly directory: string) {}

  async read(keys: string[]): Promise<StoredItems> {
    const items: StoredItems = {};
    for (const key of keys) {
      // Most turns find no user state: asking first spares the error a failed read builds (five times the cost).
      if (!existsSync(this.pathFor(key))) continue;
      const content = this.fileFor(key).read();
      if (content !== null) items[key] = content.item;
    }
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    this.ensureDirectory();
    // Synchronous from the check to the rename: no other turn of this process can slip in between.
    for (const [key, change] of Object.entries(changes)) {
      const file = this.fileFor(key);
      const current = file.read();
      const expected = change.eTag;
      const refused =
        expected === ETAG_CREATE_ONLY ? current !== null : !isUnconditional(expected) && (current === null || expected !== current.item.eTag);
      if (refused) throw new EtagConflictError(key);
      const eTag = randomUUID();
      file.write({ key, item: { ...change, eTag } });
      change.eTag = eTag;
    }
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) rmSync(this.pathFor(key), { force: true });
  }

  private fileFor(key: string): JSONFileSync<FileContent | null> {
    return new JSONFileSync<FileContent | null>(this.pathFor(key));
  }

  /** Hashing keeps any channel's ids (pipes, slashes, very long Teams ids) safe as file names. */
  private pathFor(key: string): string {
    let file = this.paths.get(key);
    if (file === undefined) {
      file = path.join(this.directory, `${createHash('sha256').update(key).digest('hex')}.json`);
      if (this.paths.size >= REMEMBERED_PATHS) this.paths.delete(this.paths.keys().next().value!);
      this.paths.set(key, file);
    }
    return file;
  }

  private ensureDirectory(): void {
    if (this.directoryMade) return;
    mkdirSync(this.directory, { recursive: true, mode: 0o700 });
    this.directoryMade = true;
  }
}
