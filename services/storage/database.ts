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
import { mkdir, stat } from 'node:fs/promises';
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

interface PendingChange {
  change: (data: BotData) => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export class BotDatabase {
  readonly file: string;
  readonly #lockFile: string;
  readonly #adapter: DataFile<BotData>;
  /**
   * Changes waiting for the next write. They are applied in order and written together (group commit): under load
   * (many people signing in at once) one lock, read and write serve the whole batch instead of one change each.
   */
  #pending: PendingChange[] = [];
  #flushing = false;
  /**
   * The last contents read or written, with the file's identity then. Every use re-reads the database (so the
   * admin CLI's changes apply at once), but parsing and validating it on every read made each turn pay for every
   * stored token; a stat says whether the file changed since.
   */
  #cache?: { identity: string; data: BotData };

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
    const before = await this.#identity();
    if (before !== undefined && this.#cache?.identity === before) return structuredClone(this.#cache.data);
    const data = (await this.#adapter.read()) ?? emptyData();
    // Only cache what is known to match the file: had it changed while being read, the next read parses again.
    if (before !== undefined && (await this.#identity()) === before) this.#cache = { identity: before, data: structuredClone(data) };
    return data;
  }

  /** Inode, size and modification time: a write (temp file + rename) or an edit changes at least one. */
  async #identity(): Promise<string | undefined> {
    try {
      const info = await stat(this.file, { bigint: true });
      return `${info.ino}:${info.size}:${info.mtimeNs}`;
    } catch {
      return undefined;
    }
  }

  /**
   * Reads the file, applies `change` to the data, writes it back; all under the lock. Returns what `change`
   * returns, once the write is done. A change that throws must do so before it modifies the data (all of ours
   * validate first): the others of its batch are still written.
   */
  update<T>(change: (data: BotData) => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#pending.push({ change, resolve: resolve as (value: unknown) => void, reject });
      void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0);
        try {
          await withFileLock(this.#lockFile, async () => {
            const data = await this.read();
            const outcomes = batch.map(({ change }) => {
              try {
                return { ok: true as const, value: change(data) };
              } catch (error) {
                return { ok: false as const, error };
              }
            });
            await this.#adapter.write(data);
            // Under the lock nobody else writes, so the file is now exactly `data`.
            const identity = await this.#identity();
            this.#cache = identity === undefined ? undefined : { identity, data: structuredClone(data) };
            batch.forEach((pending, index) => {
              const outcome = outcomes[index]!;
              if (outcome.ok) pending.resolve(outcome.value);
              else pending.reject(outcome.error);
            });
          });
        } catch (error) {
          for (const pending of batch) pending.reject(error);
        }
      }
    } finally {
      this.#flushing = false;
    }
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
