/**
 * The seam for the bot's own data (settings, profiles, tokens, pending sign-ins, transcripts, the sandbox): small
 * JSON records under slash-separated keys, each with an ETag. Two implementations keep the same contract
 * (tests/unit/storage/recordStore.contract.test.ts runs against both): one file per record on the local disk, and
 * one blob per record in Azure Blob Storage, shared by every instance.
 *
 * One record per thing (a token per owner, a sign-in per link) keeps every change O(1) whatever the number of users,
 * and conditional writes (If-Match / If-None-Match) mean two writers never overwrite each other's change silently:
 * the loser is told, re-reads, and decides again.
 */

export interface VersionedRecord<T> {
  value: T;
  /** Opaque version; changes on every write. */
  etag: string;
}

export interface WriteOptions {
  /** Epoch ms. An expired record reads as absent, and `pruneExpired` deletes it. */
  expiresAt?: number;
}

export interface RecordStore {
  /** Where the records live, for logs and error messages (never a secret). */
  readonly location: string;
  /**
   * How long a cached copy may be trusted without asking the store again (ms). Local files answer "changed?" with
   * one stat, so 0; a network store is asked at most this often, which is how soon other instances see a setting.
   */
  readonly revalidateAfterMs: number;

  get<T>(key: string): Promise<VersionedRecord<T> | undefined>;
  /** 'unchanged' when the stored version is still `etag` (a cheap check for caches). */
  getIfChanged<T>(key: string, etag: string): Promise<VersionedRecord<T> | undefined | 'unchanged'>;
  /** Only if no record has this key (If-None-Match: *). The new ETag, or undefined when one exists. */
  create<T>(key: string, value: T, options?: WriteOptions): Promise<string | undefined>;
  /** Only if the record is still at `etag` (If-Match). The new ETag, or undefined when it changed or is gone. */
  replace<T>(key: string, value: T, etag: string, options?: WriteOptions): Promise<string | undefined>;
  /** Unconditional write; for data that has a single writer (a transcript chunk, a migration's copy). */
  put<T>(key: string, value: T, options?: WriteOptions): Promise<string>;
  /** With `etag`, only that version. True when a record was deleted. */
  delete(key: string, etag?: string): Promise<boolean>;
  /** Every key under the prefix (which ends with '/'), expired ones included, in no particular order. */
  listKeys(prefix: string): Promise<string[]>;
  /** Deletes the expired records under the prefix; returns how many went. */
  pruneExpired(prefix: string, now?: number): Promise<number>;
}

/** A key's segments: letters, digits, '.', '_', '-' (what both a file name and a blob name take as is). */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,199}$/;
const MAX_KEY_LENGTH = 900;

export class InvalidRecordKeyError extends Error {
  constructor(key: string) {
    super(`Invalid record key "${key.slice(0, 100)}": use segments of letters, digits, ".", "_" or "-" separated by "/".`);
    this.name = 'InvalidRecordKeyError';
  }
}

/** Throws InvalidRecordKeyError unless every segment is safe as a file and a blob name (no "..", no empty part). */
export function checkKey(key: string): string {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH || !key.split('/').every((segment) => SEGMENT.test(segment))) {
    throw new InvalidRecordKeyError(key);
  }
  return key;
}

export function checkPrefix(prefix: string): string {
  if (!prefix.endsWith('/')) throw new InvalidRecordKeyError(prefix);
  checkKey(prefix.slice(0, -1));
  return prefix;
}

export function isExpired(expiresAt: number | undefined, now: number = Date.now()): boolean {
  return expiresAt !== undefined && expiresAt <= now;
}

/** Gave up after several conflicting writes in a row: something else keeps changing the same record. */
export class RecordContentionError extends Error {
  constructor(key: string) {
    super(`The record "${key}" kept changing while it was being updated; try again.`);
    this.name = 'RecordContentionError';
  }
}

/** What `change` returns to leave the record as it is. */
export const UNCHANGED = Symbol('unchanged');
/** What `change` returns to delete the record. */
export const DELETE = Symbol('delete');

/**
 * Read-modify-write with optimistic concurrency: `change` sees the current value (undefined when absent) and returns
 * the new one (or UNCHANGED / DELETE) plus what the caller wants back; on a conflict it runs again on fresh data.
 * `change` must not have side effects beyond its return value, since it may run more than once.
 */
export async function updateRecord<T, R>(
  store: RecordStore,
  key: string,
  change: (current: T | undefined) => { next: T | typeof UNCHANGED | typeof DELETE; result: R },
  options: WriteOptions & { attempts?: number } = {},
): Promise<R> {
  const attempts = options.attempts ?? 10;
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const current = await store.get<T>(key);
    const { next, result } = change(current?.value);
    if (next === UNCHANGED) return result;
    if (next === DELETE) {
      if (current === undefined || (await store.delete(key, current.etag))) return result;
      continue;
    }
    const written =
      current === undefined ? await store.create(key, next, options) : await store.replace(key, next, current.etag, options);
    if (written !== undefined) return result;
  }
  throw new RecordContentionError(key);
}
