/** A page or blog post as tests and tools see it (`Sandbox.findContent`, `readSandboxContents`). */
import { wikiBase, type SiteUrls } from './context.js';
import { contentWebui } from './shapes.js';
import type { ContentRecord, SandboxData } from './store.js';

export interface SandboxContent {
  id: string;
  type: 'page' | 'blogpost';
  status: 'current' | 'archived' | 'draft';
  cloudId: string;
  spaceId: string;
  spaceKey: string;
  title: string;
  parentId?: string;
  /** Storage-format XHTML as stored. */
  body: string;
  createdAt: string;
  /** The current version number (1 until someone updates it). */
  version: number;
  /** Its footer comments, oldest first; bodies in storage format. */
  comments: Array<{ id: string; authorId: string; createdAt: string; body: string }>;
  /** `_links.base + _links.webui`. */
  webUrl: string;
}

/** Every content whose space is known, in creation order. */
export function describeContents(data: Pick<SandboxData, 'sites' | 'spaces' | 'contents' | 'comments'>, publicUrl: string): SandboxContent[] {
  const urls: SiteUrls = { publicUrl, store: { data } };
  const spaces = new Map(data.spaces.map((space) => [space.id, space]));
  return data.contents.flatMap((content: ContentRecord) => {
    const space = spaces.get(content.spaceId);
    if (space === undefined) return [];
    return [
      {
        id: content.id,
        type: content.type,
        status: content.status,
        cloudId: content.cloudId,
        spaceId: content.spaceId,
        spaceKey: space.key,
        title: content.title,
        parentId: content.parentId,
        body: content.body,
        createdAt: content.createdAt,
        version: content.versionNumber,
        comments: data.comments
          .filter((comment) => comment.containerId === content.id)
          .map(({ id, authorId, createdAt, body }) => ({ id, authorId, createdAt, body })),
        webUrl: `${wikiBase(urls, content.cloudId)}${contentWebui(space, content)}`,
      },
    ];
  });
}
