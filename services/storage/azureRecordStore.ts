/**
 * Records as block blobs in one Azure Blob Storage container, shared by every instance of the bot: the blob name is
 * the key, the body is the JSON value, an expiry is blob metadata (so pruning lists without downloading). Writes are
 * conditional on the blob's own ETag (If-Match, If-None-Match: *); Azure answers 412 or 409 to the loser.
 */
import { ContainerClient, RestError } from '@azure/storage-blob';
import { checkKey, checkPrefix, isExpired, type RecordStore, type VersionedRecord, type WriteOptions } from './recordStore.js';

const EXPIRES_AT = 'expiresat';

/** The shared store cannot be used at all (bad connection string, unreachable account): nothing works without it. */
export class StorageUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StorageUnavailableError';
  }
}

export interface AzureRecordStoreOptions {
  connectionString: string;
  container: string;
  /** How often a cached setting or profile is checked again (ms); default 1000. */
  revalidateAfterMs?: number;
}

export class AzureRecordStore implements RecordStore {
  readonly revalidateAfterMs: number;
  readonly location: string;
  private readonly container: ContainerClient;

  private constructor(options: AzureRecordStoreOptions) {
    this.container = new ContainerClient(options.connectionString, options.container);
    this.revalidateAfterMs = options.revalidateAfterMs ?? 1000;
    this.location = `Azure Blob Storage container "${options.container}" at ${this.container.url.replace(/\?.*$/, '')}`;
  }

  /** Creates the container when it is missing; a store that cannot be reached stops start-up with a plain message. */
  static async open(options: AzureRecordStoreOptions): Promise<AzureRecordStore> {
    let store: AzureRecordStore;
    try {
      store = new AzureRecordStore(options);
    } catch (error) {
      throw new StorageUnavailableError(`AZURE_STORAGE_CONNECTION_STRING is not a usable connection string (${describe(error)}).`);
    }
    try {
      await store.container.createIfNotExists();
    } catch (error) {
      throw new StorageUnavailableError(
        `Cannot use ${store.location}: ${describe(error)}. Check AZURE_STORAGE_CONNECTION_STRING and that the storage account (or Azurite) is reachable.`,
      );
    }
    return store;
  }

  async get<T>(key: string): Promise<VersionedRecord<T> | undefined> {
    const found = await this.download<T>(key, undefined);
    return found === 'unchanged' ? undefined : found;
  }

  async getIfChanged<T>(key: string, etag: string): Promise<VersionedRecord<T> | undefined | 'unchanged'> {
    return this.download<T>(key, etag);
  }

  async create<T>(key: string, value: T, options: WriteOptions = {}): Promise<string | undefined> {
    const written = await this.upload(key, value, options, { ifNoneMatch: '*' });
    if (written !== undefined) return written;
    // An expired record counts as absent: replace exactly the expired version, so a live one is never overwritten.
    const existing = await this.properties(key);
    if (existing === undefined) return this.upload(key, value, options, { ifNoneMatch: '*' });
    if (!isExpired(existing.expiresAt)) return undefined;
    return this.upload(key, value, options, { ifMatch: existing.etag });
  }

  async replace<T>(key: string, value: T, etag: string, options: WriteOptions = {}): Promise<string | undefined> {
    return this.upload(key, value, options, { ifMatch: etag });
  }

  async put<T>(key: string, value: T, options: WriteOptions = {}): Promise<string> {
    const written = await this.upload(key, value, options, {});
    return written!;
  }

  async delete(key: string, etag?: string): Promise<boolean> {
    try {
      await this.blob(key).delete({ conditions: etag === undefined ? {} : { ifMatch: etag } });
      return true;
    } catch (error) {
      if (isStatus(error, 404, 412)) return false;
      throw error;
    }
  }

  async listKeys(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const blob of this.container.listBlobsFlat({ prefix: checkPrefix(prefix) })) keys.push(blob.name);
    return keys;
  }

  async pruneExpired(prefix: string, now: number = Date.now()): Promise<number> {
    let pruned = 0;
    for await (const blob of this.container.listBlobsFlat({ prefix: checkPrefix(prefix), includeMetadata: true })) {
      const expiresAt = expiryOf(blob.metadata);
      if (isExpired(expiresAt, now) && (await this.delete(blob.name, blob.properties.etag))) pruned += 1;
    }
    return pruned;
  }

  private blob(key: string) {
    return this.container.getBlockBlobClient(checkKey(key));
  }

  private async download<T>(key: string, ifNoneMatch: string | undefined): Promise<VersionedRecord<T> | 'unchanged' | undefined> {
    let response;
    try {
      response = await this.blob(key).download(0, undefined, { conditions: ifNoneMatch === undefined ? {} : { ifNoneMatch } });
    } catch (error) {
      if (isStatus(error, 304)) return 'unchanged';
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
    const body = await readAll(response.readableStreamBody);
    if (isExpired(expiryOf(response.metadata))) return undefined;
    return { value: JSON.parse(body.toString('utf8')) as T, etag: response.etag! };
  }

  private async properties(key: string): Promise<{ etag: string; expiresAt?: number } | undefined> {
    try {
      const properties = await this.blob(key).getProperties();
      return { etag: properties.etag!, expiresAt: expiryOf(properties.metadata) };
    } catch (error) {
      if (isStatus(error, 404)) return undefined;
      throw error;
    }
  }

  private async upload(
    key: string,
    value: unknown,
    options: WriteOptions,
    conditions: { ifMatch?: string; ifNoneMatch?: string },
  ): Promise<string | undefined> {
    const body = Buffer.from(JSON.stringify(value), 'utf8');
    try {
      const response = await this.blob(key).upload(body, body.length, {
        conditions,
        metadata: options.expiresAt === undefined ? {} : { [EXPIRES_AT]: String(options.expiresAt) },
        blobHTTPHeaders: { blobContentType: 'application/json' },
      });
      return response.etag!;
    } catch (error) {
      // 412: the ETag did not match; 409: a blob already exists (If-None-Match: *) or is being written.
      if (isStatus(error, 409, 412)) return undefined;
      throw error;
    }
  }
}

async function readAll(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** The first line of an error, which for the SDK names the status or network failure (never the account key). */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replace(/AccountKey=[^;]*/gi, 'AccountKey=[redacted]').slice(0, 300);
}

function expiryOf(metadata: Record<string, string> | undefined): number | undefined {
  const text = metadata?.[EXPIRES_AT];
  return text === undefined ? undefined : Number(text);
}

function isStatus(error: unknown, ...statuses: number[]): boolean {
  return error instanceof RestError && error.statusCode !== undefined && statuses.includes(error.statusCode);
}
