/**
 * The sandbox's whole state in one lowdb file, `${dataDir}/sandbox.json`, written after every change.
 * Codes and tokens are kept only as SHA-256 hashes, so the file never holds a usable secret.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low } from 'lowdb';
import { DataFile } from 'lowdb/node';
import { z } from 'zod';

const siteSchema = z.object({ cloudId: z.string(), name: z.string() });

const spaceSchema = z.object({
  id: z.string(),
  cloudId: z.string(),
  key: z.string(),
  name: z.string(),
  description: z.string(),
  type: z.enum(['global', 'personal']),
  status: z.enum(['current', 'archived']),
  createdAt: z.string(),
  authorId: z.string(),
  /** Absent for a space whose homepage was deleted (it then has no pages at all). */
  homepageId: z.string().optional(),
  /** False for a space the sandbox user may read but not create in (Confluence then answers 404). */
  canCreate: z.boolean(),
  /** False for a space the sandbox user can see but whose pages they may not view (Confluence answers 404). */
  canReadPages: z.boolean().default(true),
});

const contentSchema = z.object({
  id: z.string(),
  cloudId: z.string(),
  spaceId: z.string(),
  type: z.enum(['page', 'blogpost']),
  status: z.enum(['current', 'archived', 'draft']),
  title: z.string(),
  parentId: z.string().optional(),
  position: z.number().int().optional(),
  authorId: z.string(),
  createdAt: z.string(),
  versionNumber: z.number().int(),
  /** Storage-format XHTML, as the client sent it. */
  body: z.string(),
});

const codeSchema = z.object({
  codeHash: z.string(),
  clientId: z.string(),
  redirectUri: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
});

const tokenSchema = z.object({
  tokenHash: z.string(),
  clientId: z.string(),
  scopes: z.array(z.string()),
  expiresAt: z.number(),
});

const dataSchema = z.object({
  schemaVersion: z.literal(1),
  user: z.object({ accountId: z.string(), displayName: z.string() }),
  sites: z.array(siteSchema),
  spaces: z.array(spaceSchema),
  contents: z.array(contentSchema),
  codes: z.array(codeSchema),
  accessTokens: z.array(tokenSchema),
  refreshTokens: z.array(tokenSchema),
  /** Confluence ids are numeric strings; one counter serves spaces and content alike. */
  nextId: z.number().int(),
});

export type SiteRecord = z.infer<typeof siteSchema>;
export type SpaceRecord = z.infer<typeof spaceSchema>;
export type ContentRecord = z.infer<typeof contentSchema>;
export type CodeRecord = z.infer<typeof codeSchema>;
export type TokenRecord = z.infer<typeof tokenSchema>;
export type SandboxData = z.infer<typeof dataSchema>;

export const SANDBOX_USER = { accountId: '712020:5a7e1c0d-sandbox-user', displayName: 'Sandbox User' } as const;

function emptyData(): SandboxData {
  return {
    schemaVersion: 1,
    user: { ...SANDBOX_USER },
    sites: [],
    spaces: [],
    contents: [],
    codes: [],
    accessTokens: [],
    refreshTokens: [],
    nextId: 65537,
  };
}

export class SandboxStore {
  private constructor(private readonly db: Low<SandboxData>) {}

  static async open(dataDir: string): Promise<SandboxStore> {
    await mkdir(dataDir, { recursive: true });
    // Compact JSON: with a few thousand seeded pages the file is over a megabyte, and it is written on every
    // token grant and every created page; indentation would double the time each write blocks the event loop.
    const file = new DataFile<SandboxData>(path.join(dataDir, 'sandbox.json'), { parse: JSON.parse, stringify: (data) => JSON.stringify(data) });
    const db = new Low<SandboxData>(file, emptyData());
    await db.read();
    const parsed = dataSchema.safeParse(db.data);
    if (!parsed.success) {
      throw new Error(`sandbox.json in ${dataDir} is not a sandbox data file; move it away to start afresh`);
    }
    db.data = parsed.data;
    return new SandboxStore(db);
  }

  get data(): SandboxData {
    return this.db.data;
  }

  newId(): string {
    const id = this.db.data.nextId;
    this.db.data.nextId += 1;
    return String(id);
  }

  async save(): Promise<void> {
    await this.db.write();
  }
}
