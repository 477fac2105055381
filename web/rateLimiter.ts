/**
 * A token bucket per key (a client address, usually), in memory, with bounded size: at most `maxKeys` buckets, the
 * least recently used dropped first, and buckets that have refilled completely forgotten, since a full bucket is
 * the same as none. Asking whether a key is limited does not spend anything, so a route can refuse an exhausted
 * caller before doing work and charge only for the outcomes it wants to limit.
 */
export interface RateLimiterOptions {
  /** Tokens restored per minute (spread evenly over the minute). */
  perMinute: number;
  /** Tokens a fresh key has, which is also the most it can save up; defaults to `perMinute`. */
  burst?: number;
  /** Most keys remembered at once; beyond it the least recently charged is forgotten (it starts afresh). */
  maxKeys?: number;
  /** Milliseconds from any fixed origin; injectable so tests need not wait. */
  now?: () => number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date. */
  at: number;
}

export const DEFAULT_MAX_KEYS = 10_000;

export class RateLimiter {
  private readonly perMs: number;
  private readonly burst: number;
  private readonly maxKeys: number;
  private readonly now: () => number;
  /** Map order is recency order: a charged key is moved to the end, so the oldest are at the front. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: RateLimiterOptions) {
    const burst = options.burst ?? options.perMinute;
    const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
    if (!(options.perMinute > 0) || !Number.isFinite(options.perMinute)) throw new RangeError(`RateLimiter: perMinute must be a positive number (got ${options.perMinute})`);
    if (!(burst >= 1) || !Number.isFinite(burst)) throw new RangeError(`RateLimiter: burst must be at least 1 (got ${burst})`);
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw new RangeError(`RateLimiter: maxKeys must be a positive integer (got ${maxKeys})`);
    this.perMs = options.perMinute / 60_000;
    this.burst = burst;
    this.maxKeys = maxKeys;
    this.now = options.now ?? (() => performance.now());
  }

  /** True when `key` has no token left, so its next `take` would be refused. Spends nothing. */
  limited(key: string): boolean {
    const bucket = this.buckets.get(key);
    return bucket !== undefined && this.tokensAt(bucket, this.now()) < 1;
  }

  /** Spends one token of `key`; true when there was one (the action is allowed), false when the key is limited. */
  take(key: string): boolean {
    const now = this.now();
    this.forgetIdle(now);
    const bucket = this.buckets.get(key);
    const tokens = bucket === undefined ? this.burst : this.tokensAt(bucket, now);
    if (tokens < 1) return false;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return true;
  }

  /** How many keys are remembered; for tests and metrics. */
  get size(): number {
    return this.buckets.size;
  }

  private tokensAt(bucket: Bucket, now: number): number {
    return Math.min(this.burst, bucket.tokens + Math.max(0, now - bucket.at) * this.perMs);
  }

  /** Drops full buckets from the old end; stops at the first that is not full, so each call costs little. */
  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (this.tokensAt(bucket, now) < this.burst) return;
      this.buckets.delete(key);
    }
  }
}
