/**
 * When and how long to retry a Confluence call. Backoff and attempt counting come from p-retry; what is ours is
 * the policy: only transient failures are retried, a 429's Retry-After is honoured, and the total time spent
 * waiting is bounded so a user is never left staring at a typing indicator.
 */
import pRetry from 'p-retry';
import { ConfluenceError } from './errors.js';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Exponential backoff for 5xx and network errors: base, doubling, capped, randomized. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** The most time all waits of one call may add up to; a Retry-After beyond it fails the call at once. */
  maxTotalWaitMs: number;
  /** Waits for a Retry-After; injectable so tests need not sleep. */
  sleep: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 300,
  maxDelayMs: 4_000,
  maxTotalWaitMs: 20_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export const NO_RETRIES: RetryPolicy = { ...DEFAULT_RETRY_POLICY, attempts: 1 };

/** Failures that may pass if the same request is sent again a little later. */
export function isTransient(error: unknown): boolean {
  return error instanceof ConfluenceError && (error.kind === 'unavailable' || error.kind === 'rate-limited');
}

/** Runs `work` (given the attempt number, from 1) until it succeeds, fails for good, or the policy is spent. */
export async function withRetries<T>(policy: RetryPolicy, work: (attempt: number) => Promise<T>): Promise<T> {
  let waitedForRateLimitMs = 0;
  const startedAt = Date.now();
  return pRetry(work, {
    retries: Math.max(0, policy.attempts - 1),
    minTimeout: policy.baseDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: 2,
    randomize: true,
    maxRetryTime: policy.maxTotalWaitMs,
    shouldRetry: ({ error }) => isTransient(error),
    onFailedAttempt: async ({ error, retriesLeft }) => {
      if (retriesLeft === 0 || !(error instanceof ConfluenceError) || error.kind !== 'rate-limited') return;
      const waitMs = (error.retryAfterSeconds ?? 1) * 1000;
      const spentMs = Math.max(waitedForRateLimitMs, Date.now() - startedAt);
      // Asked to wait longer than the budget allows: better to tell the user now than after a long silence.
      if (spentMs + waitMs > policy.maxTotalWaitMs) throw error;
      waitedForRateLimitMs += waitMs;
      await policy.sleep(waitMs);
    },
  });
}
