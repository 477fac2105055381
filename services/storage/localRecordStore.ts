/**
 * Records as files: `{root}/{key}.json`, each key segment a folder, so a change rewrites one small file whatever
 * the number of records. The ETag is the file's identity (inode, size, modification time in ns): every write goes
 * to a temporary file renamed into place, which changes it, and checking a cached copy costs one stat.
 * Conditional writes hold a per-record lock file, so the bot and the admin CLI can share the folder.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
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
    const found = await this.load(this.fileOf(key));
    if (found === undefined || isExpired(found.record.expiresAt)) return undefined;
    return { value: found.record.value as T, etag: found.etag };
  }

  async getIfChanged<T>(key: string, etag: string): Promise<VersionedRecord<T> | undefined | 'unchanged'> {
    if ((await this.etagOf(this.fileOf(key))) === etag) return 'unchanged';
    return this.get<T>(key);
  }

  create<T>(key: string, value: T, options: WriteOptions = {}): Promise<string | undefined> {
    return this.underLock(key, async (file) => {
      const current = await this.load(file);
      if (current !== undefined && !isExpired(current.record.expiresAt)) return undefined;
      return this.write(file, value, options);
    });
  }

  replace<T>(key: string, value: T, etag: string, options: WriteOptions = {}): Promise<string | undefined> {
    return this.underLock(key, async (file) => {
      const current = await this.load(file);
      if (current === undefined || current.etag !== etag || isExpired(current.record.expiresAt)) return undefined;
      return this.write(file, value, options);
    });
  }

  put<T>(key: string, value: T, options: WriteOptions = {}): Promise<string> {
    return this.underLock(key, (file) => this.write(file, value, options));
  }

  delete(key: string, etag?: string): Promise<boolean> {
    return this.underLock(key, async (file) => {
      if (etag !== undefined && (await this.etagOf(file)) !== etag) return false;
      try {
        await unlink(file);
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
    const walk = async (directory: string, keyPrefix: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(directory, { withFileTypes: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      for (const entry of entries) {
        // Temporary files start with '.', locks end in '.lock'; keys never do either.
        if (entry.name.startsWith('.')) continue;
        if (entry.isDirectory()) await walk(path.join(directory, entry.name), `${keyPrefix}${entry.name}/`);
        else if (entry.name.endsWith('.json')) keys.push(`${keyPrefix}${entry.name.slice(0, -'.json'.length)}`);
      }
    };
    await walk(path.join(this.root, ...prefix.slice(0, -1).split('/')), prefix);
    return keys;
  }

  async pruneExpired(prefix: string, now: number = Date.now()): Promise<number> {
    let pruned = 0;
    for (const key of await this.listKeys(prefix)) {
      const file = this.fileOf(key);
      const found = await this.load(file).catch(() => undefined);
      if (found !== undefined && isExpired(found.record.expiresAt, now) && (await this.delete(key, found.etag))) pruned += 1;
    }
    return pruned;
  }

  private fileOf(key: string): string {
    return `${path.join(this.root, ...checkKey(key).split('/'))}.json`;
  }

  private async load(file: string): Promise<{ record: RecordFile; etag: string } | undefined> {
    let handle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const info = await handle.stat({ bigint: true });
      const text = await handle.readFile('utf8');
      return { record: parseRecord(file, text), etag: etagOf(info) };
    } finally {
      await handle.close();
    }
  }

  private async etagOf(file: string): Promise<string | undefined> {
    try {
      return etagOf(await stat(file, { bigint: true }));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  private async write(file: string, value: unknown, options: WriteOptions): Promise<string> {
    const record: RecordFile = options.expiresAt === undefined ? { value } : { value, expiresAt: options.expiresAt };
    const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, JSON.stringify(record), { encoding: 'utf8', mode: 0o600 });
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return etagOf(await stat(file, { bigint: true }));
  }

  /**
   * One writer per record: inside this process a queue per key (no lock-file polling between our own turns),
   * across processes the record's lock file.
   */
  private async underLock<R>(key: string, work: (file: string) => Promise<R>): Promise<R> {
    const file = this.fileOf(key);
    await this.ensureDirectory(path.dirname(file));
    const previous = this.tails.get(file) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => withFileLock(`${file}.lock`, () => work(file)));
    this.tails.set(file, current);
    const forget = () => {
      if (this.tails.get(file) === current) this.tails.delete(file);
    };
    current.then(forget, forget);
    return current;
  }

  private async ensureDirectory(directory: string): Promise<void> {
    if (this.madeDirectories.has(directory)) return;
    // Records hold sealed secrets; folders made here are private to the bot's user.
    await mkdir(directory, { recursive: true, mode: 0o700 });
    this.madeDirectories.add(directory);
  }
}

function etagOf(info: { ino: bigint; size: bigint; mtimeNs: bigint }): string {
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
export async function readRecordFile(file: string): Promise<unknown> {
  return parseRecord(file, await readFile(file, 'utf8')).value;
}
