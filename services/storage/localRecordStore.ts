/**
 * Records as files: `{root}/{key}.json`, each key segment a folder, so a change rewrites one small file whatever
 * the number of records. The ETag is the file's identity (inode, size, modification time in ns): every write goes
 * to a temporary file renamed into place, which changes it, and checking a cached copy costs one stat.
 * Conditional writes hold a per-record lock file, so the bot and the admin CLI can share the folder.
 *
 * The file calls are synchronous, for the reason fileLock.ts gives: a record is a few hundred bytes on a local
 * disk, and the promise API would cost far more CPU per call than the work itself.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs';
import path from 'node:path';
import { withFileLock } from './fileLock.js';
import { checkKey, checkPrefix, isExpired, type RecordStore, type VersionedRecord, type WriteOptions } from './recordStore.js';

interface RecordFile {
  value: unknown;
  expiresAt?: number;
}

export class RecordCorruptError extends Error {
  constructor(readonly file: string) {
    super(`The data file ${file} cannot be read (not a record). It was left untouched: repair it, or move it aside.`);
    this.name = 'RecordCorruptError';
  }
}

export class LocalRecordStore implements RecordStore {
  readonly revalidateAfterMs = 0;
  private readonly madeDirectories = new Set<string>();
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(readonly root: string) {}

  get location(): string {
    return this.root;
  }

  async get<T>(key: string): Promise<VersionedRecord<T> | undefined> {
    const found = this.load(this.fileOf(key));
    if (found === undefined || isExpired(found.record.expiresAt)) return undefined;
    return { value: found.record.value as T, etag: found.etag };
  }

  async getIfChanged<T>(key: string, etag: string): Promise<VersionedRecord<T> | undefined | 'unchanged'> {
    if (this.etagOf(this.fileOf(key)) === etag) return 'unchanged';
    return this.get<T>(key);
  }

  create<T>(key: string, value: T, options: WriteOptions = {}): Promise<string | undefined> {
    return this.underLock(key, (file) => {
      const current = this.load(file);
      if (current !== undefined && !isExpired(current.record.expiresAt)) return undefined;
      return this.write(file, value, options);
    });
  }

  replace<T>(key: string, value: T, etag: string, options: WriteOptions = {}): Promise<string | undefined> {
    return this.underLock(key, (file) => {
      const current = this.load(file);
      if (current === undefined || current.etag !== etag || isExpired(current.record.expiresAt)) return undefined;
      return this.write(file, value, options);
    });
  }

  put<T>(key: string, value: T, options: WriteOptions = {}): Promise<string> {
    return this.underLock(key, (file) => this.write(file, value, options));
  }

  delete(key: string, etag?: string): Promise<boolean> {
    return this.underLock(key, (file) => {
      if (etag !== undefined && this.etagOf(file) !== etag) return false;
      try {
        unlinkSync(file);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    });
  }

  async listKeys(prefix: string): Promise<string[]> {
    checkPrefix(prefix);
    const keys: string[] = [];
    const walk = (directory: string, keyPrefix: string): void => {
      let entries;
      try {
        entries = readdirSync(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        // Temporary files start with '.', locks end in '.lock'; keys never do either.
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) walk(path.join(directory, entry.name), `${keyPrefix}${entry.name}/`);
        else if (entry.name.endsWith('.json')) keys.push(`${keyPrefix}${entry.name.slice(0, -'.json'.length)}`);
      }
    };
    walk(path.join(this.root, ...prefix.slice(0, -1).split('/')), prefix);
    return keys;
  }

  async pruneExpired(prefix: string, now: number = Date.now()): Promise<number> {
    let pruned = 0;
    let examined = 0;
    for (const key of await this.listKeys(prefix)) {
      // Reads are synchronous: let turns in between every hundred records, so a big prune never stalls them.
      if (++examined % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
      let found;
      try {
        found = this.load(this.fileOf(key));
      } catch {
        continue;
      }
      if (found !== undefined && isExpired(found.record.expiresAt, now) && (await this.delete(key, found.etag))) pruned += 1;
    }
    return pruned;
  }

  private fileOf(key: string): string {
    return `${path.join(this.root, ...checkKey(key).split('/'))}.json`;
  }

  private load(file: string): { record: RecordFile; etag: string } | undefined {
    let descriptor: number;
    try {
      descriptor = openSync(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const info = fstatSync(descriptor, { bigint: true });
      return { record: parseRecord(file, readFileSync(descriptor, 'utf8')), etag: etagOf(info) };
    } finally {
      closeSync(descriptor);
    }
  }

  private etagOf(file: string): string | undefined {
    const info = statSync(file, { bigint: true, throwIfNoEntry: false });
    return info === undefined ? undefined : etagOf(info);
  }

  private write(file: string, value: unknown, options: WriteOptions): string {
    const record: RecordFile = options.expiresAt === undefined ? { value } : { value, expiresAt: options.expiresAt };
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      // Created new (random name, 'wx') so the mode given here is the file's mode; no chmod call per write.
      writeFileSync(temporary, JSON.stringify(record), { encoding: 'utf8', mode: 0o600, flag: 'wx' });
      renameSync(temporary, file);
    } catch (error) {
      rmSync(temporary, { force: true });
      throw error;
    }
    return etagOf(statSync(file, { bigint: true }));
  }

  /**
   * One writer per record: inside this process a queue per key (no lock-file polling between our own turns),
   * across processes the record's lock file.
   */
  private async underLock<R>(key: string, work: (file: string) => R): Promise<R> {
    const file = this.fileOf(key);
    this.ensureDirectory(path.dirname(file));
    const previous = this.tails.get(file) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => withFileLock(`${file}.lock`, () => work(file)));
    this.tails.set(file, current);
    const forget = () => {
      if (this.tails.get(file) === current) this.tails.delete(file);
    };
    current.then(forget, forget);
    return current;
  }

  private ensureDirectory(directory: string): void {
    if (this.madeDirectories.has(directory)) return;
    // Records hold sealed secrets; folders made here are private to the bot's user.
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    this.madeDirectories.add(directory);
  }
}

function etagOf(info: BigIntStats): string {
  return `"${info.ino.toString(36)}-${info.size.toString(36)}-${info.mtimeNs.toString(36)}"`;
}

function parseRecord(file: string, text: string): RecordFile {
  try {
    const parsed = JSON.parse(text) as unknown;
    if (parsed !== null && typeof parsed === 'object' && 'value' in parsed) return parsed as RecordFile;
  } catch {
    // reported below
  }
  throw new RecordCorruptError(file);
}

/** Reads a record file's value directly (for tools that inspect a data folder offline). */
export function readRecordFile(file: string): unknown {
  return parseRecord(file, readFileSync(file, 'utf8')).value;
}
