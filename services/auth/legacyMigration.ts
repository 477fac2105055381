/**
 * Versions before the record store kept settings, profiles, tokens and pending sign-ins in one `bot.json`. On the
 * first start with records, its contents are copied one record each (never over a record that already exists, so a
 * second run after a crash halfway changes nothing), then the file is renamed `bot.json.migrated` and kept: the
 * secrets in it are sealed, and an operator can delete it once satisfied.
 */
import { existsSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Logger } from '../logging/logger.js';
import type { RecordStore } from '../storage/recordStore.js';
import {
  legacyStateKey,
  profileKey,
  profileRecord,
  SETTINGS_KEY,
  settingsRecord,
  signInKey,
  signInRecord,
  conversationReferenceRecord,
  tokenKey,
  tokenRecord,
} from './records.js';

export const LEGACY_DATABASE_FILE = 'bot.json';

const legacyDatabase = z.looseObject({
  settings: settingsRecord.optional(),
  profiles: z.array(profileRecord).default([]),
  tokens: z.array(tokenRecord).default([]),
  // Earlier versions stored the whole ConversationReference; only its documented, capped fields are carried over
  // (a reference that does not fit loses its resume, not the sign-in).
  signInRequests: z
    .array(
      signInRecord.extend({
        conversation: z
          .unknown()
          .optional()
          .transform((value) => conversationReferenceRecord.safeParse(value).data),
      }),
    )
    .default([]),
});

export class DatabaseCorruptError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`The bot database ${file} cannot be read (${detail}). It was left untouched: repair it, or move it aside to start empty.`);
    this.name = 'DatabaseCorruptError';
  }
}

export interface MigrationReport {
  file: string;
  copied: number;
  /** Records that already existed in the store (a newer value, or an earlier run of this migration). */
  kept: number;
}

/** Copies `{dataDir}/bot.json` into the store if it is there; undefined when there was nothing to migrate. */
export async function migrateLegacyDatabase(dataDir: string, records: RecordStore, logger: Logger, now: number = Date.now()): Promise<MigrationReport | undefined> {
  const file = path.join(dataDir, LEGACY_DATABASE_FILE);
  if (!existsSync(file)) return undefined;
  const data = parse(file, await readFile(file, 'utf8'));

  const writes: Array<Promise<string | undefined>> = [];
  if (data.settings !== undefined) writes.push(records.create(SETTINGS_KEY, data.settings));
  for (const profile of data.profiles) writes.push(records.create(profileKey(profile.name), profile));
  for (const token of data.tokens) writes.push(records.create(tokenKey(token.profileName, token.owner), token));
  for (const request of data.signInRequests.filter((pending) => pending.expiresAt > now)) {
    const expiry = { expiresAt: request.expiresAt };
    writes.push(records.create(signInKey(request.idHash), request, expiry));
    if (request.stateHash !== undefined) writes.push(records.create(legacyStateKey(request.stateHash), { idHash: request.idHash }, expiry));
  }
  const outcomes = await Promise.all(writes);
  const copied = outcomes.filter((etag) => etag !== undefined).length;

  await rename(file, `${file}.migrated`);
  await rm(`${file}.lock`, { force: true });
  const report = { file, copied, kept: outcomes.length - copied };
  logger.info('moved bot.json into the record store', { ...report, store: records.location, keptAs: `${LEGACY_DATABASE_FILE}.migrated` });
  return report;
}

function parse(file: string, text: string): z.infer<typeof legacyDatabase> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DatabaseCorruptError(file, 'not valid JSON');
  }
  const parsed = legacyDatabase.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new DatabaseCorruptError(file, `unexpected content${where}`);
  }
  return parsed.data;
}
