/**
 * The bot's small database (`{dataDir}/bot.json`): active authorization settings, custom OAuth profiles,
 * stored tokens and pending sign-ins. Secrets inside are sealed by the callers (SecretBox); this module only
 * keeps the file consistent.
 *
 * The admin CLI writes the same file while the bot runs, so nothing is cached: every read goes to the file and
 * every change is a locked read-modify-write. The file is tiny, so this costs little. Writes go through lowdb's
 * DataFile (steno: temp file + rename), so a reader never sees half a file. A file that does not parse is
 * reported by name and never overwritten.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';
import { withFileLock } from './databaseLock.js';

export const DATABASE_FILE = 'bot.json';

const siteSchema = z.object({ cloudId: z.string(), name: z.string(), url: z.string() });
const requesterSchema = z.object({ channelId: z.string(), userId: z.string() });

const settingsSchema = z.object({
  type: z.enum(['system', 'custom']),
  mode: z.enum(['user', 'preauthorized']),
  profileName: z.string().optional(),
});

const profileSchema = z.object({
  name: z.string(),
  clientId: z.string(),
  /** Sealed with SecretBox. */
  clientSecret: z.string(),
  authorizationUrl: z.string(),
  tokenUrl: z.string(),
  refreshTokenUrl: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.number(),
});

const tokenSchema = z.object({
  profileName: z.string(),
  /** `{channelId}:{userId}` in user mode; SHARED_TOKEN_OWNER for the pre-authorized connection. */
  owner: z.string(),
  /** Sealed with SecretBox. */
  accessToken: z.string(),
  /** Sealed with SecretBox; absent when the grant has no offline_access. */
  refreshToken: z.string().optional(),
  expiresAt: z.number(),
  scope: z.string(),
  sites: z.array(siteSchema),
  updatedAt: z.number(),
});

const signInRequestSchema = z.object({
  /** sha256 of the link id; the id itself only ever exists in the link. */
  idHash: z.string(),
  /** sha256 of the latest `state` handed to the provider for this request. */
  stateHash: z.string().optional(),
  kind: z.enum(['user', 'preauthorize']),
  profileName: z.string(),
  requester: requesterSchema.optional(),
  conversation: z.unknown().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

const databaseSchema = z.looseObject({
  settings: settingsSchema.optional(),
  profiles: z.array(profileSchema).default([]),
  tokens: z.array(tokenSchema).default([]),
  signInRequests: z.array(signInRequestSchema).default([]),
});

export type StoredSettings = z.infer<typeof settingsSchema>;
export type StoredProfile = z.infer<typeof profileSchema>;
export type StoredToken = z.infer<typeof tokenSchema>;
export type StoredSignInRequest = z.infer<typeof signInRequestSchema>;
export type BotData = z.infer<typeof databaseSchema>;

export class DatabaseCorruptError extends Error {
  constructor(readonly file: string, detail: string) {
    super(`The bot database ${file} cannot be read (${detail}). It was left untouched: repair it, or move it aside to start empty.`);
    this.name = 'DatabaseCorruptError';
  }
}

function emptyData(): BotData {
  return { profiles: [], tokens: [], signInRequests: [] };
}

export class BotDatabase {
  readonly file: string;
  readonly #lockFile: string;
  readonly #adapter: DataFile<BotData>;
  /** Serialises this process's read-modify-write cycles; the lock file serialises them with other processes. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dataDir: string) {
    this.file = join(dataDir, DATABASE_FILE);
    this.#lockFile = `${this.file}.lock`;
    this.#adapter = new DataFile<BotData>(this.file, {
      parse: (text) => parseDatabase(this.file, text),
      stringify: (data) => `${JSON.stringify(data, null, 2)}\n`,
    });
  }

  /** Creates the data directory if needed and checks that an existing file parses (throws DatabaseCorruptError). */
  static async open(dataDir: string): Promise<BotDatabase> {
    // New data directories are private: they hold sealed secrets and, in the sandbox, the key itself.
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const database = new BotDatabase(dataDir);
    await database.read();
    return database;
  }

  /** A fresh copy of the file's contents; changing it changes nothing on disk. */
  async read(): Promise<BotData> {
    return (await this.#adapter.read()) ?? emptyData();
  }

  /** Reads the file, applies `change` to the data, writes it back; all under the lock. Returns what `change` returns. */
  update<T>(change: (data: BotData) => T): Promise<T> {
    const run = this.#queue.then(() =>
      withFileLock(this.#lockFile, async () => {
        const data = await this.read();
        const result = change(data);
        await this.#adapter.write(data);
        return result;
      }),
    );
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function parseDatabase(file: string, text: string): BotData {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DatabaseCorruptError(file, 'not valid JSON');
  }
  const parsed = databaseSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first && first.path.length > 0 ? ` at ${first.path.join('.')}` : '';
    throw new DatabaseCorruptError(file, `unexpected content${where}`);
  }
  return parsed.data;
}
