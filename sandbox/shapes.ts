/**
 * Records → Confluence v2 JSON (SpaceBulk/SpaceSingle, PageBulk/PageSingle, BlogPostBulk/BlogPostSingle), and the
 * web UI paths (`_links.webui`) that the viewer serves below `_links.base`.
 */
import type { ContentRecord, SpaceRecord } from './store.js';

/** Confluence writes titles into URLs with `+` for spaces. */
export function titleSlug(title: string): string {
  return encodeURIComponent(title).replace(/%20/g, '+');
}

export function spaceWebui(space: SpaceRecord): string {
  return `/spaces/${encodeURIComponent(space.key)}`;
}

export function contentWebui(space: SpaceRecord, content: ContentRecord): string {
  if (content.type === 'page') return `${spaceWebui(space)}/pages/${content.id}/${titleSlug(content.title)}`;
  const [year, month, day] = content.createdAt.slice(0, 10).split('-');
  return `${spaceWebui(space)}/blog/${year}/${month}/${day}/${content.id}/${titleSlug(content.title)}`;
}

/**
 * `PermittedOperationsResponse` for a space, as Confluence lists a user's space permissions: anyone who sees the
 * space may read it; creating pages, blog posts, comments and attachments needs the space's "add" permissions.
 */
export function spaceOperationsJson(space: SpaceRecord): { operations: Array<{ operation: string; targetType: string }> } {
  const read = [{ operation: 'read', targetType: 'space' }];
  if (!space.canCreate) return { operations: read };
  const creates = ['page', 'blogpost', 'comment', 'attachment'].map((targetType) => ({ operation: 'create', targetType }));
  return { operations: [...read, ...creates] };
}

export type DescriptionFormat = 'plain' | 'view';

export function spaceJson(space: SpaceRecord, descriptionFormat?: DescriptionFormat): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: space.id,
    key: space.key,
    name: space.name,
    type: space.type,
    status: space.status,
    authorId: space.authorId,
    spaceOwnerId: space.authorId,
    currentActiveAlias: space.key,
    createdAt: space.createdAt,
    homepageId: space.homepageId,
    _links: { webui: spaceWebui(space) },
  };
  if (descriptionFormat !== undefined) {
    const value = descriptionFormat === 'plain' ? space.description : `<p>${escapeXml(space.description)}</p>`;
    json.description = { [descriptionFormat]: { representation: descriptionFormat, value } };
  }
  return json;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Page or blog post; `withStorage` adds the storage body (body-format=storage, and every create response). */
export function contentJson(space: SpaceRecord, content: ContentRecord, withStorage: boolean): Record<string, unknown> {
  const version = {
    createdAt: content.createdAt,
    message: '',
    number: content.versionNumber,
    minorEdit: false,
    authorId: content.authorId,
  };
  const body = withStorage ? { storage: { representation: 'storage', value: content.body } } : {};
  const common = {
    id: content.id,
    status: content.status,
    title: content.title,
    spaceId: content.spaceId,
  };
  const links = { webui: contentWebui(space, content) };
  if (content.type === 'blogpost') {
    return { ...common, authorId: content.authorId, createdAt: content.createdAt, version, body, _links: links };
  }
  return {
    ...common,
    ...(content.parentId === undefined ? {} : { parentId: content.parentId, parentType: 'page' }),
    position: content.position ?? null,
    authorId: content.authorId,
    ownerId: content.authorId,
    lastOwnerId: null,
    createdAt: content.createdAt,
    version,
    body,
    _links: links,
  };
}
