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
}
