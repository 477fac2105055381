/**
 * The sandbox's wiki (user, sites, spaces, pages and blog posts with their versions, footer comments), authoritative
 * in memory and written through to records: `sandbox/meta` and one `sandbox/spaces/{id}` per space, holding its
 * contents and comments (see recordLayout.ts). Routes read `data` synchronously; a change calls the targeted save
 * (`saveSpace`, `saveMeta`) and awaits it before answering.
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

/** One saved version's metadata (v2 `Version`): who, when, why. */
export const editSchema = z.object({
  authorId: z.string(),
  createdAt: z.string(),
  message: z.string(),
  minorEdit: z.boolean(),
});

/** A version as it was: its metadata plus the title and body it had. */
export const storedVersionSchema = editSchema.extend({ number: z.number().int(), title: z.string(), body: z.string() });

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
  /** Who made the current version, when and why; absent while the content is at its creation (version 1). */
  lastEdit: editSchema.optional(),
  /** Every earlier version, oldest first, so history can be shown; absent until the first update. */
  previousVersions: z.array(storedVersionSchema).optional(),
});

/** A footer comment under a page or blog post. Comments share the id counter with spaces and content, as in Confluence. */
export const commentSchema = z.object({
  id: z.string(),
  cloudId: z.string(),
  spaceId: z.string(),
  containerId: z.string(),
  containerType: z.enum(['page', 'blogpost']),
  status: z.enum(['current']),
  authorId: z.string(),
  createdAt: z.string(),
  versionNumber: z.number().int(),
  /** Storage-format XHTML. */
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
/** `trashed`: content someone deleted, kept so its id is never handed out again (Confluence's trash). */
const spaceRecordSchema = z.object({
  contents: z.array(contentSchema),
  comments: z.array(commentSchema).default([]),
  trashed: z.array(contentSchema).default([]),
});

export type SiteRecord = z.infer<typeof siteSchema>;
export type SpaceRecord = z.infer<typeof spaceSchema>;
export type ContentRecord = z.infer<typeof contentSchema>;
export type EditRecord = z.infer<typeof editSchema>;
export type StoredVersion = z.infer<typeof storedVersionSchema>;
export type CommentRecord = z.infer<typeof commentSchema>;
export type MetaRecord = z.infer<typeof metaSchema>;
export type SpaceContentsRecord = z.infer<typeof spaceRecordSchema>;

/** What routes read: the meta record plus every space's contents and comments, each in one list in id (creation) order. */
export interface SandboxData extends MetaRecord {
  contents: ContentRecord[];
  comments: CommentRecord[];
  /** Deleted content: no route finds it; it only keeps its id taken. */
  trashed: ContentRecord[];
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
      return record;
    }),
  );
  return {
    ...meta,
    contents: perSpace.flatMap((record) => record.contents).sort(byId),
    comments: perSpace.flatMap((record) => record.comments).sort(byId),
    trashed: perSpace.flatMap((record) => record.trashed),
  };
}

export class SandboxStore {
  private readonly bySpace = new Map<string, ContentRecord[]>();
  private readonly commentsBySpace = new Map<string, CommentRecord[]>();
  private readonly contentById = new Map<string, ContentRecord>();
  private nextId = FIRST_ID;

  private constructor(
    readonly data: SandboxData,
    private readonly writer: RecordWriter,
  ) {
    for (const space of data.spaces) this.bySpace.set(space.id, []);
    for (const content of data.contents) {
      this.contentsIn(content.spaceId).push(content);
      this.contentById.set(content.id, content);
    }
    for (const comment of data.comments) this.commentsIn(comment.spaceId).push(comment);
    // Deleted content stays stored (trashed), so the next id follows the largest one stored; no counter needs rewriting.
    for (const item of [...data.spaces, ...data.contents, ...data.comments, ...data.trashed]) this.nextId = Math.max(this.nextId, Number(item.id) + 1);
  }

  static async open(records: RecordStore, writer: RecordWriter): Promise<SandboxStore> {
    const data = (await loadWiki(records)) ?? { schemaVersion: 2, user: { ...SANDBOX_USER }, sites: [], spaces: [], contents: [], comments: [], trashed: [] };
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

  /** One space's footer comments, in creation order. */
  commentsOf(spaceId: string): readonly CommentRecord[] {
    return this.commentsBySpace.get(spaceId) ?? [];
  }

  findContent(id: string): ContentRecord | undefined {
    return this.contentById.get(id);
  }

  addSpace(space: SpaceRecord): void {
    this.data.spaces.push(space);
    this.bySpace.set(space.id, []);
  }

  /** Does not save: call saveSpace(content.spaceId). */
  addContent(content: ContentRecord): void {
    this.data.contents.push(content);
    this.contentsIn(content.spaceId).push(content);
    this.contentById.set(content.id, content);
  }

  /** Does not save: call saveSpace(comment.spaceId). */
  addComment(comment: CommentRecord): void {
    this.data.comments.push(comment);
    this.commentsIn(comment.spaceId).push(comment);
  }

  /**
   * Moves content to the trash, as deleting it in Confluence does: every route answers as if it did not exist (its
   * comments with it). Does not save: call saveSpace(content.spaceId).
   */
  trashContent(content: ContentRecord): void {
    const remove = <T>(list: T[], item: T) => list.splice(list.indexOf(item), 1);
    remove(this.data.contents, content);
    remove(this.contentsIn(content.spaceId), content);
    this.contentById.delete(content.id);
    this.data.trashed.push(content);
  }

  saveSpace(spaceId: string): Promise<void> {
    return this.writer.schedule(spaceKey(spaceId), () => ({
      value: { contents: this.contentsOf(spaceId), comments: this.commentsOf(spaceId), trashed: this.data.trashed.filter((content) => content.spaceId === spaceId) },
    }));
  }

  saveMeta(): Promise<void> {
    return this.writer.schedule(META_KEY, () => ({ value: metaOf(this.data) }));
  }

  private commentsIn(spaceId: string): CommentRecord[] {
    let comments = this.commentsBySpace.get(spaceId);
    if (comments === undefined) {
      comments = [];
      this.commentsBySpace.set(spaceId, comments);
    }
    return comments;
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
