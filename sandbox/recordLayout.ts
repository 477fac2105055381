/**
 * Where the sandbox keeps its data in a RecordStore, every key under `sandbox/`:
 *
 *   sandbox/meta                     user, sites and spaces; written only when a site is seeded
 *   sandbox/spaces/{spaceId}         one space's pages and blog posts; written when one is created in that space
 *   sandbox/grants/codes/{sha256}    an authorization code (10 minutes)
 *   sandbox/grants/access/{sha256}   an access token
 *   sandbox/grants/refresh/{sha256}  a live refresh token
 *   sandbox/grants/rotated/{sha256}  a refresh token already exchanged, kept until it would have expired to detect reuse
 *
 * Every change writes one small record: signing in costs the same beside a 3,000-page space as beside none, and a
 * page created in DEMO never rewrites DOCS. Grants are keyed by the SHA-256 of the secret, never the secret.
 */
import type { z } from 'zod';
import { RecordCorruptError } from '../services/storage/localRecordStore.js';
import type { RecordStore, WriteOptions } from '../services/storage/recordStore.js';

export const SANDBOX_PREFIX = 'sandbox/';
export const META_KEY = 'sandbox/meta';
export const GRANTS_PREFIX = 'sandbox/grants/';

export type GrantKind = 'codes' | 'access' | 'refresh' | 'rotated';

export function spaceKey(spaceId: string): string {
  return `sandbox/spaces/${spaceId}`;
}

export function grantPrefix(kind: GrantKind): string {
  return `${GRANTS_PREFIX}${kind}/`;
}

export function grantKey(kind: GrantKind, hash: string): string {
  return `${grantPrefix(kind)}${hash}`;
}

/** Sandbox data that cannot be used as it is; start-up stops with this message (no stack trace needed). */
export class SandboxDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SandboxDataError';
  }

  static unreadable(records: RecordStore, key: string, problem: string): SandboxDataError {
    return new SandboxDataError(
      `The sandbox data record "${key}" in ${records.location} ${problem}. Repair it, or move the records under ` +
        `"${SANDBOX_PREFIX}" aside to start the sandbox afresh.`,
    );
  }
}

/** A record's value checked against its schema; undefined when absent (or expired). */
export async function readSandboxRecord<T>(records: RecordStore, key: string, schema: z.ZodType<T>): Promise<T | undefined> {
  let found;
  try {
    found = await records.get<unknown>(key);
  } catch (error) {
    // A local file that is not a record, or a blob whose body is not JSON: damaged data, not an outage.
    if (error instanceof RecordCorruptError || error instanceof SyntaxError) throw SandboxDataError.unreadable(records, key, 'is not valid JSON');
    throw error;
  }
  if (found === undefined) return undefined;
  const parsed = schema.safeParse(found.value);
  if (!parsed.success) throw SandboxDataError.unreadable(records, key, 'is not a sandbox data record');
  return parsed.data;
}

/**
 * The record store expires records by the wall clock, while the sandbox may run on a test clock (`now`); a record
 * gets the same remaining lifetime on the wall clock, so the store never drops a grant the sandbox still honours.
 */
export function storeExpiry(expiresAt: number, now: number): WriteOptions {
  return { expiresAt: Date.now() + Math.max(0, expiresAt - now) };
}
