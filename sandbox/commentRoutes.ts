/**
 * Footer comments: `POST /footer-comments` (createFooterComment, 201 + `location`), `GET /footer-comments/{id}`,
 * and the root comments of a page or blog post, `GET /pages/{id}/footer-comments`, `/blogposts/{id}/footer-comments`,
 * with the v2 cursor.
 *
 * As Confluence decides: commenting needs permission to view the content and to add comments in its space; both
 * failures are 404 (the document's "forbidden from creating a comment tied to a resource they are allowed to view").
 * So the read-only ARCHIVE space can be read and its comments listed, but not commented on.
 *
 * Sandbox choices: only top-level comments on pages and blog posts (a reply via `parentCommentId`, or a comment on an
 * attachment or custom content, is refused with 400); only the storage representation is stored; an empty body is
 * 400; comments on archived content are refused (404) as they are in Confluence's editor; lists are in creation order.
 */
import type { Server } from 'restify';
import { z } from 'zod';
import { wikiBase, type SandboxContext } from './context.js';
import { locateContent, mayContribute, type Located } from './contentAccess.js';
import { bodyWriteSchema, idText, parseBody, sendUnsupportedRepresentation, storageValue } from './contentRequest.js';
import { contentId } from './contentRoutes.js';
import { sendList, slice } from './pagination.js';
import { BadRequest, enumList, enumValue, limitParam, singleString, type Query } from './queryParams.js';
import { REQUIRED_SCOPE } from './scopes.js';
import { commentJson, type BodyFormat } from './shapes.js';
import type { CommentRecord, ContentRecord } from './store.js';
import { sendNotFound, sendV2Error } from './v2Errors.js';
import { pathParam, v2Route, type V2Call } from './v2Route.js';

const COMMENT_SORTS = ['created-date', '-created-date', 'modified-date', '-modified-date'] as const;
const COMMENT_STATUSES = ['current', 'archived', 'trashed', 'deleted', 'historical', 'draft'] as const;

const createRequest = z.object({
  pageId: idText.optional(),
  blogPostId: idText.optional(),
  parentCommentId: idText.optional(),
  attachmentId: z.string().optional(),
  customContentId: z.string().optional(),
  body: bodyWriteSchema,
});

export interface NewComment {
  on: Located;
  authorId: string;
  body: string;
}

/** Stores a comment at version 1; the route and the test hook (Sandbox.addComment) both come here. */
export async function addComment(context: SandboxContext, comment: NewComment): Promise<CommentRecord> {
  const { space, content } = comment.on;
  const record: CommentRecord = {
    id: context.store.newId(),
    cloudId: content.cloudId,
    spaceId: space.id,
    containerId: content.id,
    containerType: content.type,
    status: 'current',
    authorId: comment.authorId,
    createdAt: new Date(context.now()).toISOString(),
    versionNumber: 1,
    body: comment.body,
  };
  context.store.addComment(record);
  await context.store.saveSpace(space.id);
  return record;
}

function commentBodyFormat(query: Query): BodyFormat | undefined {
  const format = enumValue(query, 'body-format', ['storage', 'atlas_doc_format', 'view'] as const);
  if (format === 'atlas_doc_format') throw new BadRequest('The Confluence sandbox answers body-format storage or view, not atlas_doc_format');
  return format;
}

function withBase(context: SandboxContext, cloudId: string, json: Record<string, unknown>): Record<string, unknown> {
  return { ...json, _links: { ...(json._links as object), base: wikiBase(context, cloudId) } };
}

async function createFooterComment(context: SandboxContext, call: V2Call): Promise<void> {
  const request = parseBody(call, createRequest);
  if (request === undefined) return;
  if (request.parentCommentId !== undefined || request.attachmentId !== undefined || request.customContentId !== undefined) {
    return sendV2Error(call.res, 400, 'The Confluence sandbox accepts only top-level footer comments on a page or blog post (pageId or blogPostId)');
  }
  const targets = [request.pageId, request.blogPostId].filter((id) => id !== undefined);
  if (targets.length !== 1) return sendV2Error(call.res, 400, 'Exactly one of pageId and blogPostId is required');
  const body = storageValue(request.body);
  if ('unsupported' in body) return sendUnsupportedRepresentation(call, body.unsupported);
  if (body.value.trim() === '') return sendV2Error(call.res, 400, 'Comment body is required');

  const type: ContentRecord['type'] = request.pageId !== undefined ? 'page' : 'blogpost';
  const on = locateContent(context, call.cloudId, type, targets[0] as string, ['current']);
  if (on === undefined || !mayContribute(on.space)) return sendNotFound(call.res);
  // Every sandbox token belongs to the one sandbox user, so that is whose comment this is.
  const comment = await addComment(context, { on, authorId: context.store.data.user.accountId, body: body.value });

  // Relative, like `_links.next`: through the gateway it resolves below `/ex/confluence/{cloudId}`, as a client needs.
  call.res.header('location', `/wiki/api/v2/footer-comments/${comment.id}`);
  call.res.send(201, withBase(context, call.cloudId, commentJson(on.space, on.content, comment, 'storage')));
}

function getFooterComment(context: SandboxContext, call: V2Call): void {
  const id = pathParam(call.req, 'commentId');
  if (!/^\d{1,18}$/.test(id)) throw new BadRequest("Parameter 'comment-id' must be a numeric id");
  const bodyFormat = commentBodyFormat(call.query);
  const comment = context.store.data.comments.find((candidate) => candidate.id === id && candidate.cloudId === call.cloudId);
  const on = comment && locateContent(context, call.cloudId, comment.containerType, comment.containerId);
  if (comment === undefined || on === undefined) return sendNotFound(call.res);
  call.res.send(200, withBase(context, call.cloudId, commentJson(on.space, on.content, comment, bodyFormat)));
}

function listFooterComments(context: SandboxContext, type: ContentRecord['type']) {
  return (call: V2Call): void => {
    const id = contentId(call);
    const bodyFormat = commentBodyFormat(call.query);
    const statuses = enumList(call.query, 'status', COMMENT_STATUSES) ?? ['current'];
    const sort = enumValue(call.query, 'sort', COMMENT_SORTS) ?? 'created-date';
    const limit = limitParam(call.query);
    const cursor = singleString(call.query, 'cursor');
    const on = locateContent(context, call.cloudId, type, id);
    if (on === undefined) return sendNotFound(call.res);
    // Comments are never edited, so created and modified order agree; ids break ties in creation order.
    const comments = context.store
      .commentsOf(on.space.id)
      .filter((comment) => comment.containerId === on.content.id && statuses.includes(comment.status));
    const ordered = sort.startsWith('-') ? [...comments].reverse() : comments;
    const page = slice(ordered, cursor, limit);
    const results = page.results.map((comment) => {
      const { title, id: commentId, status, version, body, _links, ...container } = commentJson(on.space, on.content, comment, bodyFormat);
      return { id: commentId, status, title, ...container, version, body, _links };
    });
    sendList(call.req, call.res, `/${type === 'page' ? 'pages' : 'blogposts'}/${id}/footer-comments`, { ...page, results }, wikiBase(context, call.cloudId));
  };
}

export function mountCommentRoutes(server: Server, context: SandboxContext, v2Prefix: string): void {
  server.post(`${v2Prefix}/footer-comments`, v2Route(context, REQUIRED_SCOPE.writeComment, (call) => createFooterComment(context, call)));
  server.get(`${v2Prefix}/footer-comments/:commentId`, v2Route(context, REQUIRED_SCOPE.readComment, (call) => getFooterComment(context, call)));
  server.get(`${v2Prefix}/pages/:id/footer-comments`, v2Route(context, REQUIRED_SCOPE.readComment, listFooterComments(context, 'page')));
  server.get(`${v2Prefix}/blogposts/:id/footer-comments`, v2Route(context, REQUIRED_SCOPE.readComment, listFooterComments(context, 'blogpost')));
}
