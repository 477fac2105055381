/**
 * A record read on every use but parsed only when it changed: settings and profiles are consulted on every turn,
 * and the admin CLI (or another instance) may change them at any moment. Local files answer "changed?" with a
 * stat; a network store is asked at most once per `revalidateAfterMs`, so a change reaches every instance within
 * that time.
 */
import type { RecordStore, VersionedRecord } from './recordStore.js';

export class CachedRecord<T> {
  private cached?: { record: VersionedRecord<T> | undefined; checkedAt: number };

  constructor(
    private readonly store: RecordStore,
    private readonly key: string,
    /** Validates the stored value (throws when it is damaged); runs once per version. */
    private readonly parse: (value: unknown) => T,
  ) {}

  async get(): Promise<T | undefined> {
    const now = Date.now();
    const cached = this.cached;
    if (cached !== undefined && now - cached.checkedAt < this.store.revalidateAfterMs) return cached.record?.value;
    let record: VersionedRecord<T> | undefined;
    if (cached?.record !== undefined) {
      const fresh = await this.store.getIfChanged<unknown>(this.key, cached.record.etag);
      record = fresh === 'unchanged' ? cached.record : this.parsed(fresh);
    } else {
      record = this.parsed(await this.store.get<unknown>(this.key));
    }
    this.cached = { record, checkedAt: now };
    return record?.value;
  }

  /** After this instance wrote the record: the next read asks the store. */
  invalidate(): void {
    this.cached = undefined;
  }

  private parsed(record: VersionedRecord<unknown> | undefined): VersionedRecord<T> | undefined {
    return record === undefined ? undefined : { value: this.parse(record.value), etag: record.etag };
  }
}
