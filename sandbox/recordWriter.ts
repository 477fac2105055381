/**
 * Writes the sandbox's records through to the RecordStore, one write at a time per key and always the record's
 * latest state: `produce` runs when the write starts, and changes made while a record is being written are folded
 * into one more write. So writes of one key never land out of order, and a burst of pages created in one space
 * costs two writes of that space, not one per page.
 */
import type { RecordStore, WriteOptions } from '../services/storage/recordStore.js';

export type RecordWrite = { value: unknown; options?: WriteOptions } | 'delete';

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface Slot {
  produce?: () => RecordWrite;
  waiters: Waiter[];
}

export class RecordWriter {
  private readonly slots = new Map<string, Slot>();
  private readonly draining = new Set<Promise<void>>();

  constructor(private readonly records: RecordStore) {}

  put(key: string, value: unknown, options?: WriteOptions): Promise<void> {
    return this.schedule(key, () => ({ value, options }));
  }

  delete(key: string): Promise<void> {
    return this.schedule(key, () => 'delete');
  }

  /** Resolves once a write that includes the state at the time of this call is stored. */
  schedule(key: string, produce: () => RecordWrite): Promise<void> {
    const existing = this.slots.get(key);
    const slot: Slot = existing ?? { waiters: [] };
    slot.produce = produce;
    const done = new Promise<void>((resolve, reject) => slot.waiters.push({ resolve, reject }));
    if (existing === undefined) {
      this.slots.set(key, slot);
      const drain = this.drain(key, slot);
      this.draining.add(drain);
      void drain.finally(() => this.draining.delete(drain));
    }
    return done;
  }

  /** Waits until every scheduled write is stored (or has failed, which its own caller is told). */
  async flush(): Promise<void> {
    while (this.draining.size > 0) await Promise.all([...this.draining]);
  }

  private async drain(key: string, slot: Slot): Promise<void> {
    while (slot.produce !== undefined) {
      const { produce, waiters } = slot;
      slot.produce = undefined;
      slot.waiters = [];
      try {
        const write = produce();
        if (write === 'delete') await this.records.delete(key);
        else await this.records.put(key, write.value, write.options);
        for (const waiter of waiters) waiter.resolve();
      } catch (error) {
        for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.slots.delete(key);
  }
}
