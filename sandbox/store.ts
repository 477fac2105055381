/**
 * The sandbox's wiki (user, sites, spaces, pages and blog posts), authoritative in memory and written through to
 * records: `sandbox/meta` and one `sandbox/spaces/{id}` per space (see recordLayout.ts). Routes read `data`
 * synchronously; a change calls the targeted save (`saveSpace`, `saveMeta`) and awaits it before answering.
 */
import { z } from 'zod';
import type { RecordStore } from '../services/storage/recordStore.js';
import { META_KEY, readSandboxRecord, SandboxDataError, spaceKey } from './recordLayout.js';
import type { RecordWriter } from './recordWriter.js';

export const siteSchema = z.object({ cloudId: z.string(), name: z.string() });

export const spaceSchema = z.object({
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

export const contentSchema = z.object({
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

export const userSchema = z.object({ accountId: z.string(), displayName: z.string() });

/** `sandbox/meta`. Version 1 was the single sandbox.json file (legacyImport.ts). */
const metaSchema = z.object({
  schemaVersion: z.literal(2),
  user: userSchema,
  sites: z.array(siteSchema),
  spaces: z.array(spaceSchema),
});

/** `sandbox/spaces/{id}`. */
const spaceRecordSchema = z.object({ contents: z.array(contentSchema) });

export type SiteRecord = z.infer<typeof siteSchema>;
export type SpaceRecord = z.infer<typeof spaceSchema>;
export type ContentRecord = z.infer<typeof contentSchema>;
export type MetaRecord = z.infer<typeof metaSchema>;
export type SpaceContentsRecord = z.infer<typeof spaceRecordSchema>;

/** What routes read: the meta record plus every space's contents in one list, in id (creation) order. */
export interface SandboxData extends MetaRecord {
  contents: ContentRecord[];
}

export const SANDBOX_USER = { accountId: '712020:5a7e1c0d-sandbox-user', displayName: 'Sandbox User' } as const;

/** Confluence ids are numeric strings; one counter serves spaces and content alike, starting here. */
const FIRST_ID = 65537;

function metaOf(data: SandboxData): MetaRecord {
  return { schemaVersion: 2, user: data.user, sites: data.sites, spaces: data.spaces };
}

function byId(a: { id: string }, b: { id: string }): number {
  return Number(a.id) - Number(b.id);
}

/** The wiki as stored, or undefined when the records hold no sandbox yet. Reads only; for tools too. */
export async function loadWiki(records: RecordStore): Promise<SandboxData | undefined> {
  const meta = await readSandboxRecord(records, META_KEY, metaSchema);
  if (meta === undefined) return undefined;
  const perSpace = await Promise.all(
    meta.spaces.map(async (space) => {
      const key = spaceKey(space.id);
      const record = await readSandboxRecord(records, key, spaceRecordSchema);
      // Space records are written before the meta record that names them, so a missing one is lost data.
      if (record === undefined) throw SandboxDataError.unreadable(records, key, `is missing (${META_KEY} lists the space ${space.key})`);
      return record.contents;
    }),
  );
  return { ...meta, contents: perSpace.flat().sort(byId) };
}

export class SandboxStore {
  private readonly bySpace = new Map<string, ContentRecord[]>();
  private nextId = FIRST_ID;

  private constructor(
    readonly data: SandboxData,
    private readonly writer: RecordWriter,
  ) {
    for (const space of data.spaces) this.bySpace.set(space.id, []);
    for (const content of data.contents) this.contentsIn(content.spaceId).push(content);
    // Nothing is ever deleted, so the next id follows the largest one stored; no counter needs rewriting.
    for (const item of [...data.spaces, ...data.contents]) this.nextId = Math.max(this.nextId, Number(item.id) + 1);
  }

  static async open(records: RecordStore, writer: RecordWriter): Promise<SandboxStore> {
    const data = (await loadWiki(records)) ?? { schemaVersion: 2, user: { ...SANDBOX_USER }, sites: [], spaces: [], contents: [] };
    return new SandboxStore(data, writer);
  }

  newId(): string {
    const id = this.nextId;
    this.nextId += 1;
    return String(id);
  }

  /** One space's pages and blog posts, in creation order. */
  contentsOf(spaceId: string): readonly ContentRecord[] {
    return this.bySpace.get(spaceId) ?? [];
  }

  addSpace(space: SpaceRecord): void {
    this.data.spaces.push(space);
    this.bySpace.set(space.id, []);
  }

  /** Does not save: call saveSpace(content.spaceId). */
  addContent(content: ContentRecord): void {
    this.data.contents.push(content);
    this.contentsIn(content.spaceId).push(content);
  }

  saveSpace(spaceId: string): Promise<void> {
    return this.writer.schedule(spaceKey(spaceId), () => ({ value: { contents: this.contentsOf(spaceId) } }));
  }

  saveMeta(): Promise<void> {
    return this.writer.schedule(META_KEY, () => ({ value: metaOf(this.data) }));
  }

  private contentsIn(spaceId: string): ContentRecord[] {
    let contents = this.bySpace.get(spaceId);
    if (contents === undefined) {
      contents = [];
      this.bySpace.set(spaceId, contents);
    }
    return contents;
  }
}
