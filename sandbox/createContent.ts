/**
 * `POST /wiki/api/v2/pages` and `/blogposts` (ENDPOINTS.md §5–6): 200 with PageSingle/BlogPostSingle + `_links.base`;
 * 400 on a bad body or a duplicate title, 404 when the space is missing or not open for creating, 413 over 5 MB.
 *
 * Sandbox choices where the contract is silent: titles are unique per space and content type ignoring case
 * (as Confluence treats them), archived content still holds its title, and only the storage representation is
 * stored (contentRequest.ts).
 */
import { z } from 'zod';
import { spacesOf, wikiBase, type SandboxContext } from './context.js';
import { booleanParam } from './queryParams.js';
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
import { contentJson } from './shapes.js';
import type { ContentRecord } from './store.js';
import { DUPLICATE_TITLE, sendNotFound, sendV2Error } from './v2Errors.js';
import type { V2Call } from './v2Route.js';

const createRequest = z.object({
  spaceId: idText,
  status: z.enum(['current', 'draft']).optional(),
  title: z.string().optional(),
  parentId: idText.optional(),
  body: bodyWriteSchema.optional(),
  subtype: z.enum(['live']).optional(),
  createdAt: z.string().optional(),
});

export async function createContentRoute(context: SandboxContext, call: V2Call, type: ContentRecord['type']): Promise<void> {
  const { res, cloudId } = call;
  if (requestTooLarge(call)) return sendV2Error(res, 413, 'Request Entity Too Large');

  const request = parseBody(call, createRequest);
  if (request === undefined) return;
  const status = request.status ?? 'current';
  const title = request.title ?? '';
  if (status === 'current' && title.trim() === '') return sendV2Error(res, 400, 'Title is required for content that is not a draft');
  if (title.length > MAX_TITLE_LENGTH) return sendV2Error(res, 400, `Title must be at most ${MAX_TITLE_LENGTH} characters`);
  const body = storageValue(request.body);
  if ('unsupported' in body) return sendUnsupportedRepresentation(call, body.unsupported);

  const space = spacesOf(context, cloudId).find((candidate) => candidate.id === request.spaceId);
  if (space === undefined || !space.canCreate) return sendNotFound(res);

  let parentId: string | undefined;
  if (type === 'page') {
    const rootLevel = booleanParam(call.query, 'root-level');
    if (rootLevel && request.parentId !== undefined) return sendV2Error(res, 400, 'parentId must not be given with root-level=true');
    parentId = request.parentId ?? (rootLevel ? undefined : space.homepageId);
    const parentExists = context.store
      .contentsOf(space.id)
      .some((content) => content.id === parentId && content.type === 'page' && content.status === 'current');
    if (parentId !== undefined && !parentExists) return sendNotFound(res);
  }
  if (status === 'current' && titleTaken(context, space, type, title)) return sendV2Error(res, 400, DUPLICATE_TITLE);

  const record: ContentRecord = {
    id: context.store.newId(),
    cloudId,
    spaceId: space.id,
    type,
    status,
    title,
    authorId: context.store.data.user.accountId,
    createdAt: new Date(context.now()).toISOString(),
    versionNumber: 1,
    body: body.value,
  };
  if (type === 'page') {
    record.parentId = parentId;
    record.position = context.store.contentsOf(space.id).filter((content) => content.type === 'page' && content.parentId === parentId).length;
  }
  context.store.addContent(record);
  // Only this space's record is written: a page in DEMO never rewrites DOCS's thousands.
  await context.store.saveSpace(space.id);

  const json = contentJson(space, record, 'storage');
  res.send(200, { ...json, _links: { ...(json._links as object), base: wikiBase(context, cloudId) } });
}
