/**
 * Bot conversation and user state on lowdb, one small JSON file per key: the storage of a single instance (with
 * several, state lives in the shared record store, see recordStateStorage.ts). eTag rules in stateStorage.ts.
 *
 * A turn reads and writes only its own keys' files, so its cost does not grow with the number of stored
 * conversations. Writes are atomic (lowdb's steno writes a temp file and renames).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { ETAG_CREATE_ONLY, EtagConflictError, isUnconditional, type StateStorage, type StoredItem, type StoredItems } from './stateStorage.js';

export { EtagConflictError } from './stateStorage.js';
export type { StoredItem, StoredItems } from './stateStorage.js';

interface FileContent {
  key: string;
  item: StoredItem;
}

export class FileStateStorage implements StateStorage {
  private readonly locks = new Map<string, Promise<unknown>>();
  private ready?: Promise<void>;

  constructor(private readonly directory: string) {}

  async read(keys: string[]): Promise<StoredItems> {
    const items: StoredItems = {};
    for (const key of keys) {
      const content = await this.load(key);
      if (content !== null) items[key] = content.item;
    }
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    await this.ensureDirectory();
    await Promise.all(
      Object.entries(changes).map(([key, change]) =>
        this.exclusive(key, async () => {
          const current = await this.load(key);
          const expected = change.eTag;
          const refused =
            expected === ETAG_CREATE_ONLY ? current !== null : !isUnconditional(expected) && (current === null || expected !== current.item.eTag);
          if (refused) throw new EtagConflictError(key);
          const eTag = randomUUID();
          const file = new Low<FileContent | null>(new JSONFile(this.fileFor(key)), null);
          file.data = { key, item: { ...structuredClone(change), eTag } };
          await file.write();
          change.eTag = eTag;
        }),
      ),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.exclusive(key, () => rm(this.fileFor(key), { force: true }))));
  }

  private async load(key: string): Promise<FileContent | null> {
    const file = new Low<FileContent | null>(new JSONFile(this.fileFor(key)), null);
    await file.read();
    return file.data;
  }

  /** Hashing keeps any channel's ids (pipes, slashes, very long Teams ids) safe as file names. */
  private fileFor(key: string): string {
    return path.join(this.directory, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  private ensureDirectory(): Promise<void> {
    this.ready ??= mkdir(this.directory, { recursive: true }).then(() => undefined);
    return this.ready;
  }

  /** Serializes read-check-write per key inside this process, so two turns cannot both pass the eTag check. */
  private exclusive<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.locks.set(key, next);
    void next.finally(() => {
      if (this.locks.get(key) === next) this.locks.delete(key);
    }).catch(() => undefined);
    return next;
  }
}
