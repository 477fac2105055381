/**
 * Records → Confluence v2 JSON (SpaceBulk/SpaceSingle, PageBulk/PageSingle, BlogPostBulk/BlogPostSingle, Version,
 * FooterCommentModel), and the web UI paths (`_links.webui`) that the viewer serves below `_links.base`.
 */
import { storageToHtml } from './storageHtml.js';
import type { CommentRecord, ContentRecord, SpaceRecord, StoredVersion } from './store.js';
import { currentVersion } from './versions.js';

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

/** What `body-format` may ask a single page or blog post for; list routes take `storage` (or nothing). */
export type BodyFormat = 'storage' | 'view';

function bodyJson(storage: string, format: BodyFormat | undefined): Record<string, unknown> {
  if (format === undefined) return {};
  return { [format]: { representation: format, value: format === 'storage' ? storage : storageToHtml(storage) } };
}

/** v2 `Version`. */
export function versionJson(version: StoredVersion): Record<string, unknown> {
  return {
    createdAt: version.createdAt,
    message: version.message,
    number: version.number,
    minorEdit: version.minorEdit,
    authorId: version.authorId,
  };
}

/** Confluence's short link: `/x/` and the id's little-endian bytes in URL-safe base64, trailing zero bytes dropped. */
export function tinyCode(id: string): string {
  const bytes: number[] = [];
  for (let rest = BigInt(id); rest > 0n; rest >>= 8n) bytes.push(Number(rest & 0xffn));
  return Buffer.from(bytes).toString('base64url');
}

export function contentLinks(space: SpaceRecord, content: ContentRecord): Record<string, string> {
  return {
    webui: contentWebui(space, content),
    editui: `/pages/resumedraft.action?draftId=${content.id}`,
    tinyui: `/x/${tinyCode(content.id)}`,
  };
}

/**
 * Page or blog post (PageBulk/PageSingle, BlogPostBulk/BlogPostSingle) at its current version, or at `at`, an
 * earlier one (`GET /pages/{id}?version=N`): that version's title, body and version fields.
 */
export function contentJson(
  space: SpaceRecord,
  content: ContentRecord,
  bodyFormat: BodyFormat | undefined,
  at: StoredVersion = currentVersion(content),
): Record<string, unknown> {
  const version = versionJson(at);
  const body = bodyJson(at.body, bodyFormat);
  const common = {
    id: content.id,
    status: content.status,
    title: at.title,
    spaceId: content.spaceId,
  };
  const links = contentLinks(space, content);
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

/** The web link of a footer comment: its page, scrolled to the comment (the viewer gives each one that anchor). */
export function commentWebui(space: SpaceRecord, content: ContentRecord, comment: CommentRecord): string {
  return `${contentWebui(space, content)}?focusedCommentId=${comment.id}#comment-${comment.id}`;
}

/**
 * FooterCommentModel (single, `POST /footer-comments`, `GET /footer-comments/{id}`), or PageCommentModel /
 * BlogPostCommentModel in a content's list: the same fields, the container named by `pageId` or `blogPostId`.
 */
export function commentJson(space: SpaceRecord, content: ContentRecord, comment: CommentRecord, bodyFormat: BodyFormat | undefined): Record<string, unknown> {
  return {
    id: comment.id,
    status: comment.status,
    title: `Re: ${content.title}`,
    ...(comment.containerType === 'page' ? { pageId: comment.containerId } : { blogPostId: comment.containerId }),
    version: { createdAt: comment.createdAt, message: '', number: comment.versionNumber, minorEdit: false, authorId: comment.authorId },
    body: bodyJson(comment.body, bodyFormat),
    _links: { webui: commentWebui(space, content, comment) },
  };
}
