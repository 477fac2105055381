/**
 * Before records, the sandbox kept everything in one lowdb file, `{dataDir}/sandbox.json`, rewritten after every
 * change. On the first start with records, that file is imported once (the wiki, and the grants that have not
 * expired) and renamed `sandbox.json.migrated`, so nothing is lost and it is never imported again.
 *
 * Old tokens carry no family: each imported token starts its own, so a replay revokes only that token.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { RecordStore } from '../services/storage/recordStore.js';
import type { CodeGrant, TokenGrant } from './grantRecords.js';
import { grantKey, META_KEY, SandboxDataError, spaceKey, storeExpiry } from './recordLayout.js';
import { contentSchema, siteSchema, spaceSchema, userSchema, type MetaRecord, type SpaceContentsRecord } from './store.js';

export const LEGACY_FILE = 'sandbox.json';

const legacyTokenSchema = z.object({ tokenHash: z.string(), clientId: z.string(), scopes: z.array(z.string()), expiresAt: z.number() });

const legacySchema = z.object({
  schemaVersion: z.literal(1),
  user: userSchema,
  sites: z.array(siteSchema),
  spaces: z.array(spaceSchema),
  contents: z.array(contentSchema),
  codes: z.array(
    z.object({ codeHash: z.string(), clientId: z.string(), redirectUri: z.string(), scopes: z.array(z.string()), expiresAt: z.number() }),
  ),
  accessTokens: z.array(legacyTokenSchema),
  refreshTokens: z.array(legacyTokenSchema),
  nextId: z.number().int(),
});

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Imports `{legacyDataDir}/sandbox.json` when the records hold no sandbox yet; true when it did. A sandbox that
 * already has records leaves the file alone (it could be a copy put back by hand; records are never overwritten).
 */
export async function importLegacySandbox(records: RecordStore, legacyDataDir: string, now: number): Promise<boolean> {
  const file = path.join(legacyDataDir, LEGACY_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  if ((await records.get(META_KEY)) !== undefined) return false;
  const legacy = parseLegacy(text, legacyDataDir);

  const writes: Array<Promise<unknown>> = [];
  for (const space of legacy.spaces) {
    const record: SpaceContentsRecord = { contents: legacy.contents.filter((content) => content.spaceId === space.id), comments: [], trashed: [] };
    writes.push(records.put(spaceKey(space.id), record));
  }
  for (const { codeHash, expiresAt, ...grant } of legacy.codes) {
    if (expiresAt <= now || !SHA256_HEX.test(codeHash)) continue;
    const code: CodeGrant = { ...grant, expiresAt };
    writes.push(records.put(grantKey('codes', codeHash), code, storeExpiry(expiresAt, now)));
  }
  const tokens = [...legacy.accessTokens.map((token) => ['access', token] as const), ...legacy.refreshTokens.map((token) => ['refresh', token] as const)];
  for (const [kind, { tokenHash, expiresAt, clientId, scopes }] of tokens) {
    if (expiresAt <= now || !SHA256_HEX.test(tokenHash)) continue;
    const token: TokenGrant = { clientId, scopes, familyId: randomBytes(12).toString('base64url'), expiresAt };
    writes.push(records.put(grantKey(kind, tokenHash), token, storeExpiry(expiresAt, now)));
  }
  await Promise.all(writes);
  // The meta record goes last: its presence is what says the import is complete.
  const meta: MetaRecord = { schemaVersion: 2, user: legacy.user, sites: legacy.sites, spaces: legacy.spaces };
  await records.put(META_KEY, meta);
  await rename(file, `${file}.migrated`);
  return true;
}

function parseLegacy(text: string, legacyDataDir: string): z.infer<typeof legacySchema> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const checked = legacySchema.safeParse(parsed);
  if (!checked.success) {
    throw new SandboxDataError(`${LEGACY_FILE} in ${legacyDataDir} is not a sandbox data file; move it away to start afresh`);
  }
  return checked.data;
}
