/**
 * `PUT /wiki/api/v2/pages/{id}` and `/blogposts/{id}` (updatePage, updateBlogPost): 200 with PageSingle /
 * BlogPostSingle + `_links.base` at the new version.
 *
 * - 400: a body the document's PageUpdateRequest does not allow (id, status, title, body and version are required),
 *   an id that is not the path's, a move to another space, a duplicate title, a representation other than storage.
 * - 404: content missing or not readable, or a space where the user may not update (the document lists no 403:
 *   Confluence hides permission problems as 404, as it does for create).
 * - 409: `version.number` is not the current number + 1. Confluence's observed answer is
 *   `{"errors":[{"status":409,"code":"CONFLICT","title":"Version must be incremented when updating a page.
 *   Current Version: [3]. Provided version: [3]","detail":null}]}`; the sandbox answers the same for any other
 *   number too (a skipped number would also lose track of someone else's version).
 * - 413: over 5 MB.
 *
 * Sandbox choices: status `draft` (saving as a draft) is refused with 400; archived content keeps its status when
 * edited; `parentId` may move a page under another page of the same space, never under itself or its own subtree.
 */
import { z } from 'zod';
import { wikiBase, type SandboxContext } from './context.js';
import { locateContent, mayContribute } from './contentAccess.js';
import {
  bodyWriteSchema,
  idText,
  MAX_TITLE_LENGTH,
  parseBody,
  requestTooLarge,
  sendUnsupportedRepresentation,
  storageValue,
  titleTaken,
} from './contentRequest.js';
import { contentId } from './contentRoutes.js';
import { contentJson } from './shapes.js';
import type { ContentRecord } from './store.js';
import { DUPLICATE_TITLE, sendNotFound, sendV2Error } from './v2Errors.js';
import type { V2Call } from './v2Route.js';
import { applyEdit } from './versions.js';

const updateRequest = z.object({
  id: idText,
  status: z.enum(['current', 'draft']),
  title: z.string(),
  spaceId: idText.optional(),
  parentId: idText.optional(),
  ownerId: z.string().optional(),
  body: bodyWriteSchema,
  version: z.object({ number: z.number().int(), message: z.string().optional() }),
  createdAt: z.string().optional(),
});

/** Confluence names the content type in the conflict message: "when updating a page", "… a blogpost". */
export function versionConflictTitle(type: ContentRecord['type'], current: number, provided: number): string {
  return `Version must be incremented when updating a ${type}. Current Version: [${current}]. Provided version: [${provided}]`;
}

/** True when `candidate` is `page` or lies below it: a page cannot move under its own subtree. */
function inSubtree(context: SandboxContext, page: ContentRecord, candidate: ContentRecord): boolean {
  for (let node: ContentRecord | undefined = candidate; node !== undefined; node = node.parentId === undefined ? undefined : context.store.findContent(node.parentId)) {
    if (node.id === page.id) return true;
  }
  return false;
}

export async function updateContentRoute(context: SandboxContext, call: V2Call, type: ContentRecord['type']): Promise<void> {
  const { res, cloudId } = call;
  const id = contentId(call);
  if (requestTooLarge(call)) return sendV2Error(res, 413, 'Request Entity Too Large');
  const request = parseBody(call, updateRequest);
  if (request === undefined) return;
  if (request.id !== id) return sendV2Error(res, 400, 'The id in the body must be the id in the path');
  if (request.status === 'draft') return sendV2Error(res, 400, 'The Confluence sandbox does not save drafts of existing content');
  if (request.title.trim() === '') return sendV2Error(res, 400, 'Title is required for content that is not a draft');
  if (request.title.length > MAX_TITLE_LENGTH) return sendV2Error(res, 400, `Title must be at most ${MAX_TITLE_LENGTH} characters`);
  const body = storageValue(request.body);
  if ('unsupported' in body) return sendUnsupportedRepresentation(call, body.unsupported);

  const found = locateContent(context, cloudId, type, id, ['current', 'archived', 'draft']);
  if (found === undefined || !mayContribute(found.space)) return sendNotFound(res);
  const { space, content } = found;
  if (request.spaceId !== undefined && request.spaceId !== space.id) return sendV2Error(res, 400, 'Moving content to another space is not supported');

  let parentId = content.parentId;
  if (type === 'page' && request.parentId !== undefined && request.parentId !== content.parentId) {
    const parent = context.store.findContent(request.parentId);
    if (parent === undefined || parent.type !== 'page' || parent.spaceId !== space.id || parent.status !== 'current') return sendNotFound(res);
    if (inSubtree(context, content, parent)) return sendV2Error(res, 400, 'A page cannot be moved under itself or one of its descendants');
    parentId = parent.id;
  }

  const expected = content.versionNumber + 1;
  if (request.version.number !== expected) {
    return sendV2Error(res, 409, versionConflictTitle(type, content.versionNumber, request.version.number));
  }
  if (titleTaken(context, space, type, request.title, content.id)) return sendV2Error(res, 400, DUPLICATE_TITLE);

  applyEdit(content, {
    title: request.title,
    body: body.value,
    authorId: context.store.data.user.accountId,
    createdAt: new Date(context.now()).toISOString(),
    message: request.version.message ?? '',
  });
  if (content.status === 'draft') content.status = 'current';
  if (parentId !== content.parentId) {
    content.parentId = parentId;
    content.position = context.store.contentsOf(space.id).filter((other) => other.type === 'page' && other.parentId === parentId && other.id !== content.id).length;
  }
  await context.store.saveSpace(space.id);

  const json = contentJson(space, content, 'storage');
  res.send(200, { ...json, _links: { ...(json._links as object), base: wikiBase(context, cloudId) } });
}
