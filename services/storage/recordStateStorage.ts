/**
 * Bot conversation and user state in the record store, one record per state key (`state/<sha256 of the key>`, so
 * any channel's ids are a safe name): with Azure Blob Storage, the state every instance of the bot shares. The
 * item's eTag is the record's, and every write is conditional as stateStorage.ts describes, which is what lets two
 * instances notice that they changed the same conversation at once instead of one silently losing the other's step.
 *
 * botbuilder-azure-blobs' BlobsStorage is not used for this: it writes new items and `*` unconditionally and does
 * not hand back the new ETag, so neither a first save nor a second save in one turn could be guarded.
 */
import { createHash } from 'node:crypto';
import type { RecordStore } from './recordStore.js';
import { ETAG_CREATE_ONLY, EtagConflictError, isUnconditional, type StateStorage, type StoredItem, type StoredItems } from './stateStorage.js';

export const STATE_PREFIX = 'state/';

export class RecordStateStorage implements StateStorage {
  constructor(private readonly records: RecordStore) {}

  async read(keys: string[]): Promise<StoredItems> {
    const found = await Promise.all(keys.map(async (key) => [key, await this.records.get<StoredItem>(recordKey(key))] as const));
    const items: StoredItems = {};
    for (const [key, record] of found) {
      if (record !== undefined) items[key] = { ...record.value, eTag: record.etag };
    }
    return items;
  }

  async write(changes: StoredItems): Promise<void> {
    await Promise.all(
      Object.entries(changes).map(async ([key, change]) => {
        const { eTag: expected, ...value } = change;
        const target = recordKey(key);
        const written =
          expected === ETAG_CREATE_ONLY
            ? await this.records.create(target, value)
            : isUnconditional(expected)
              ? await this.records.put(target, value)
              : await this.records.replace(target, value, expected!);
        if (written === undefined) throw new EtagConflictError(key);
        change.eTag = written;
      }),
    );
  }

  async delete(keys: string[]): Promise<void> {
    await Promise.all(keys.map((key) => this.records.delete(recordKey(key))));
  }
}

function recordKey(key: string): string {
  return `${STATE_PREFIX}${createHash('sha256').update(key, 'utf8').digest('hex')}`;
}
