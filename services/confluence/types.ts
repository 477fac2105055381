import type { SearchQuery } from './cql.js';

export type { SearchQuery } from './cql.js';

/** The Confluence operations the dialogs need, independent of HTTP (see client.ts for the v2 implementation). */

export type ContentType = 'page' | 'blogpost';

/** A Confluence Cloud site the token can reach (one entry of accessible-resources). */
export interface ConfluenceSite {
  cloudId: string;
  name: string;
  url: string;
}

export interface Space {
  id: string;
  key: string;
  name: string;
  /** Browser link to the space, when Confluence gives one. */
  webUrl?: string;
}

export interface NewContent {
  spaceId: string;
  type: ContentType;
  title: string;
  /** The user's text, as Markdown; the client converts it to storage format. Empty means no body. */
  bodyMarkdown: string;
}

export interface CreatedContent {
  id: string;
  type: ContentType;
  title: string;
  spaceId: string;
  /** Browser link: `_links.base + _links.webui`. */
  webUrl: string;
}

/** What the user may create in a space (`GET /spaces/{id}/operations`: `create` on `page` / `blogpost`). */
export type CreateRights = Record<ContentType, boolean>;

/** One page of a space listing. */
export interface PageSummary {
  id: string;
  title: string;
  /** Browser link: `_links.base + _links.webui`. */
  webUrl: string;
}

/** One response's worth of a space's pages (up to 250). */
export interface PageChunk {
  pages: PageSummary[];
  /** Opaque: pass back to get the next chunk; undefined on the last chunk. */
  next?: string;
}

/** A run of a search result's excerpt; `matched` marks the words the search matched. */
export interface ExcerptPart {
  text: string;
  matched: boolean;
}

/** One page or blog post a search found. */
export interface SearchHit {
  id: string;
  type: ContentType;
  title: string;
  spaceKey?: string;
  spaceName?: string;
  /** ISO date-time. */
  lastModified?: string;
  excerpt: ExcerptPart[];
  /** Browser link. */
  webUrl: string;
}

export interface SearchResults {
  hits: SearchHit[];
  /** How many Confluence counts in all, when it says. */
  totalSize?: number;
  /** Opaque: pass back with the same query for the next results; undefined after the last. */
  next?: string;
}

/** Which page or blog post: v2 keeps them in separate collections (`/pages/{id}`, `/blogposts/{id}`). */
export interface ContentRef {
  type: ContentType;
  id: string;
}

/** A page or blog post found by its title in a space (exact title, as v2's `title` filter matches). */
export interface ContentTitle extends ContentRef {
  title: string;
  spaceId: string;
  webUrl: string;
}

/** A page or blog post as Read shows it and Append edits it: the current version with its storage-format body. */
export interface ContentDetail extends ContentTitle {
  /** Account id of the creator (v2 `authorId`). */
  authorId?: string;
  version: {
    number: number;
    /** ISO date-time of this version: when the content was last updated. */
    createdAt?: string;
    /** Account id of whoever made this version. */
    authorId?: string;
  };
  /** The body in storage format (XHTML), exactly as read: an append is made to this text and nothing else. */
  storage: string;
}

export interface NewComment {
  /** The page or blog post the footer comment goes under. */
  on: ContentRef;
  /** The user's text, as Markdown; the client converts it to storage format as for pages. */
  bodyMarkdown: string;
}

export interface CreatedComment {
  id: string;
  /** Browser link to the comment, when Confluence gives one; otherwise the page's. */
  webUrl?: string;
}

/** A footer comment as the page card shows it. */
export interface CommentSummary {
  id: string;
  /** Account id of whoever wrote (the current version of) it. */
  authorId?: string;
  /** ISO date-time. */
  createdAt?: string;
  /** The comment in storage format. */
  storage: string;
}

export interface RecentComments {
  /** Newest first. */
  comments: CommentSummary[];
  /** Whether there are older ones than these. */
  more: boolean;
}

export interface Append {
  /** The content as read (its version number and body are what the update is based on). */
  base: ContentDetail;
  /** The user's text, as Markdown, converted and added after the existing body. */
  additionMarkdown: string;
  /** The version message Confluence shows in the page history. */
  message: string;
}

export interface AppendedContent {
  /** The new version number. */
  version: number;
  webUrl: string;
}

/** Where and as whom a call goes: `{apiUrl}/ex/confluence/{cloudId}/wiki/api/v2/…` with a bearer token. */
export interface ConfluenceTarget {
  apiUrl: string;
  cloudId: string;
  accessToken: string;
}

export interface ConfluenceApi {
  /** Spaces the user can see, sorted by name; at most `limit` (default 250). */
  listSpaces(target: ConfluenceTarget, limit?: number): Promise<Space[]>;
  /** The space with this key (case-insensitive), or undefined when the user cannot see it or it does not exist. */
  getSpaceByKey(target: ConfluenceTarget, key: string): Promise<Space | undefined>;
  /** Whether content of this type with exactly this title already exists in the space. */
  titleExists(target: ConfluenceTarget, spaceId: string, type: ContentType, title: string): Promise<boolean>;
  createContent(target: ConfluenceTarget, content: NewContent): Promise<CreatedContent>;
  /**
   * Whether the user may create pages and blog posts in the space (one request: v2 has no batch form). Rejects with
   * 'not-found' when the space is gone or not visible.
   */
  createRights(target: ConfluenceTarget, spaceId: string): Promise<CreateRights>;
  /**
   * One chunk of the space's pages, sorted by title: the first without `cursor`, then each following one with the
   * previous chunk's `next`. Rejects with 'not-found' when the space is gone or not readable.
   */
  listPagesChunk(target: ConfluenceTarget, spaceId: string, cursor?: string): Promise<PageChunk>;
  /**
   * Pages and blog posts the user can see whose text has every word of the query (CQL, cql.ts), `limit` at a
   * time: the first results without `next`, then each following set with the previous one's `next`. Rejects with
   * 'invalid-request' when nothing searchable was typed or `next` is not this search's.
   */
  searchContent(target: ConfluenceTarget, query: SearchQuery, limit: number, next?: string): Promise<SearchResults>;
  /** Pages and blog posts in the space with exactly this title (v2 `title` filter; a page and a blog post may share one). */
  findByTitle(target: ConfluenceTarget, spaceId: string, title: string): Promise<ContentTitle[]>;
  /** The current version of a page or blog post with its storage body. Rejects with 'not-found' when gone or not readable. */
  getContent(target: ConfluenceTarget, ref: ContentRef): Promise<ContentDetail>;
  /**
   * Display names for account ids (`POST /users-bulk`, scope read:user:confluence). Ids Confluence does not know
   * are left out of the map.
   */
  userNames(target: ConfluenceTarget, accountIds: string[]): Promise<Map<string, string>>;
  /** The newest footer comments under a page or blog post, at most `limit` (scope read:comment:confluence). */
  recentComments(target: ConfluenceTarget, ref: ContentRef, limit: number): Promise<RecentComments>;
  /** A footer comment under a page or blog post (`POST /footer-comments`). */
  addFooterComment(target: ConfluenceTarget, comment: NewComment): Promise<CreatedComment>;
  /**
   * Adds to the end of the body as version `base.version.number + 1` (`PUT /pages/{id}` or `/blogposts/{id}`).
   * Rejects with 'conflict' when someone else saved a version since `base` was read: nothing is overwritten.
   */
  appendToContent(target: ConfluenceTarget, append: Append): Promise<AppendedContent>;
}
