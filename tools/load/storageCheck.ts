/**
 * After a load run: does every stored record still parse? Local: every file under a records folder (each a record
 * file) and a state folder (each a lowdb JSON file). Azure: every blob of the container, downloaded and parsed.
 * Records whose layout the bot defines (services/auth/records.ts) are checked against their schema too, so a token
 * or a sign-in half-written by two instances at once shows up, not only broken JSON.
 */
import { ContainerClient } from '@azure/storage-blob';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { z } from 'zod';
import {
  LEGACY_STATES_PREFIX,
  legacyStateRecord,
  PROFILES_PREFIX,
  profileRecord,
  SETTINGS_KEY,
  settingsRecord,
  SIGN_INS_PREFIX,
  signInRecord,
  tokenRecord,
} from '../../services/auth/records.js';
import { readRecordFile } from '../../services/storage/localRecordStore.js';
import { STATE_PREFIX } from '../../services/storage/recordStateStorage.js';

export interface StorageCheck {
  /** Records or files read. */
  checked: number;
  /** Keys or file names that do not parse or do not match their schema. */
  broken: string[];
  /** Temporary or lock files still there after every process stopped (a write that never finished). */
  leftovers: string[];
}

export function emptyCheck(): StorageCheck {
  return { checked: 0, broken: [], leftovers: [] };
}

export function mergeChecks(...checks: StorageCheck[]): StorageCheck {
  return {
    checked: checks.reduce((sum, check) => sum + check.checked, 0),
    broken: checks.flatMap((check) => check.broken),
    leftovers: checks.flatMap((check) => check.leftovers),
  };
}

/** A local record store's folder: `{key}.json` files holding `{ value, expiresAt? }`. */
export async function checkRecordFolder(root: string): Promise<StorageCheck> {
  const check = emptyCheck();
  for (const file of await filesUnder(root)) {
    const name = path.basename(file);
    if (name.startsWith('.') || name.endsWith('.lock') || !name.endsWith('.json')) {
      check.leftovers.push(path.relative(root, file));
      continue;
    }
    check.checked += 1;
    const key = path.relative(root, file).split(path.sep).join('/').slice(0, -'.json'.length);
    try {
      if (!matchesLayout(key, await readRecordFile(file))) check.broken.push(key);
    } catch {
      check.broken.push(key);
    }
  }
  return check;
}

/** FileStateStorage's folder: one `{ key, item }` JSON file per state key. */
export async function checkStateFolder(root: string): Promise<StorageCheck> {
  const check = emptyCheck();
  for (const file of await filesUnder(root)) {
    const name = path.basename(file);
    if (!name.endsWith('.json') || name.startsWith('.')) {
      check.leftovers.push(path.relative(root, file));
      continue;
    }
    check.checked += 1;
    try {
      const content = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (!isObject(content) || typeof content.key !== 'string' || !isObject(content.item)) check.broken.push(name);
    } catch {
      check.broken.push(name);
    }
  }
  return check;
}

/** Every blob in the container: downloaded, parsed as JSON, and checked against its record's schema. */
export async function checkContainer(connectionString: string, container: string): Promise<StorageCheck> {
  const client = new ContainerClient(connectionString, container);
  const names: string[] = [];
  for await (const blob of client.listBlobsFlat()) names.push(blob.name);
  const check = emptyCheck();
  // Sixteen downloads at a time: Azurite is one process, so more in flight would only queue there.
  for (let start = 0; start < names.length; start += 16) {
    await Promise.all(
      names.slice(start, start + 16).map(async (name) => {
        check.checked += 1;
        try {
          const body = await client.getBlockBlobClient(name).downloadToBuffer();
          if (!matchesLayout(name, JSON.parse(body.toString('utf8')))) check.broken.push(name);
        } catch {
          check.broken.push(name);
        }
      }),
    );
  }
  return check;
}

/** Records the bot lays out get their schema; anything else (the sandbox's, transcripts) must be JSON, checked above. */
function matchesLayout(key: string, value: unknown): boolean {
  const schema = schemaFor(key);
  if (schema !== undefined) return schema.safeParse(value).success;
  if (key.startsWith(STATE_PREFIX)) return isObject(value);
  return true;
}

function schemaFor(key: string): z.ZodType | undefined {
  if (key === SETTINGS_KEY) return settingsRecord;
  if (key.startsWith(PROFILES_PREFIX)) return profileRecord;
  if (key.startsWith('tokens/')) return tokenRecord;
  if (key.startsWith(SIGN_INS_PREFIX)) return signInRecord;
  if (key.startsWith(LEGACY_STATES_PREFIX)) return legacyStateRecord;
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

async function filesUnder(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true, recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}
