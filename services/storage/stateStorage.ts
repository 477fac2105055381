/**
 * Bot conversation and user state as the botbuilder `Storage` interface sees it (read/write/delete of eTagged
 * items), without importing botbuilder, so services stay SDK-free. Both implementations share these rules:
 * - an item's `eTag` on write: a version read earlier → written only over that version (If-Match); `*` or none →
 *   written whatever is stored; ETAG_CREATE_ONLY → written only if nothing is stored yet (If-None-Match);
 * - a refused write throws EtagConflictError (the turn that lost runs again on fresh state, see bots/);
 * - after a write the item's `eTag` is set to the new version, so a second save in the same turn is conditional too.
 */
export interface StoredItem {
  [field: string]: unknown;
  eTag?: string;
}

export type StoredItems = Record<string, StoredItem>;

export interface StateStorage {
  read(keys: string[]): Promise<StoredItems>;
  write(changes: StoredItems): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

/** The eTag of an item that must not exist yet (the first save of a conversation's state). */
export const ETAG_CREATE_ONLY = 'create-only';

export class EtagConflictError extends Error {
  constructor(key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
    this.name = 'EtagConflictError';
  }
}

export function isUnconditional(eTag: string | undefined): boolean {
  return eTag === undefined || eTag === '*';
}
