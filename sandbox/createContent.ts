/**
 * `POST /wiki/api/v2/pages` and `/blogposts` (ENDPOINTS.md §5–6): 200 with PageSingle/BlogPostSingle + `_links.base`;
 * 400 on a bad body or a duplicate title, 404 when the space is missing or not open for creating, 413 over 5 MB.
 *
 * Sandbox choices where the contract is silent: titles are unique per space and content type ignoring case
 * (as Confluence treats them), archived content still holds its title, and only the storage representation is stored.
 */
import { z } from 'zod';
import { spacesOf, wikiBase, type SandboxContext } from './context.js';
import { booleanParam } from './queryParams.js';
import { contentJson } from './shapes.js';
import type { ContentRecord, SpaceRecord } from './store.js';
import { DUPLICATE_TITLE, sendNotFound, sendV2Error } from './v2Errors.js';
import type { V2Call } from './v2Route.js';

const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
const MAX_TITLE_LENGTH = 255;

const bodyWrite = z.object({ representation: z.enum(['storage', 'atlas_doc_format', 'wiki']), value: z.string() });
const nestedBodyWrite = z
  .object({ storage: bodyWrite.optional(), atlas_doc_format: bodyWrite.optional(), wiki: bodyWrite.optional() })
  .refine((body) => Object.values(body).filter(Boolean).length === 1, 'Only one body format should be specified');
/** Confluence's Java side reads a JSON number where a string id is expected; so does the sandbox. */
const idText = z.union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()]).transform(String);

const createRequest = z.object({
  spaceId: idText,
  status: z.enum(['current', 'draft']).optional(),
  title: z.string().optional(),
  parentId: idText.optional(),
  body: z.union([bodyWrite, nestedBodyWrite]).optional(),
  subtype: z.enum(['live']).optional(),
  createdAt: z.string().optional(),
});

type CreateRequest = z.infer<typeof createRequest>;

function storageValue(body: CreateRequest['body']): { value: string } | { unsupported: string } {
  if (body === undefined) return { value: '' };
  const flat = 'representation' in body ? body : (body.storage ?? body.atlas_doc_format ?? body.wiki);
  if (flat === undefined) return { value: '' };
  if (flat.representation !== 'storage') return { unsupported: flat.representation };
  return { value: flat.value };
}

function requestBytes(call: V2Call): number {
  const declared = Number(call.req.header('content-length'));
  const parsed = Buffer.byteLength(JSON.stringify(call.req.body ?? null), 'utf8');
  return Math.max(Number.isFinite(declared) ? declared : 0, parsed);
}

function titleTaken(context: SandboxContext, space: SpaceRecord, type: ContentRecord['type'], title: string): boolean {
  const wanted = title.toLowerCase();
  return context.store.contentsOf(space.id).some(
    (content) =>
      content.type === type &&
      (content.status === 'current' || content.status === 'archived') &&
      content.title.toLowerCase() === wanted,
  );
}

export async function createContentRoute(context: SandboxContext, call: V2Call, type: ContentRecord['type']): Promise<void> {
  const { res, cloudId } = call;
  if (requestBytes(call) > MAX_REQUEST_BYTES) return sendV2Error(res, 413, 'Request Entity Too Large');

  const parsed = createRequest.safeParse(call.req.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return sendV2Error(res, 400, 'Invalid request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  }
  const request = parsed.data;
  const status = request.status ?? 'current';
  const title = request.title ?? '';
  if (status === 'current' && title.trim() === '') return sendV2Error(res, 400, 'Title is required for content that is not a draft');
  if (title.length > MAX_TITLE_LENGTH) return sendV2Error(res, 400, `Title must be at most ${MAX_TITLE_LENGTH} characters`);
  const body = storageValue(request.body);
  if ('unsupported' in body) {
    return sendV2Error(res, 400, 'Unsupported body representation', `The Confluence sandbox stores only the storage representation, not ${body.unsupported}`);
  }

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

  const json = contentJson(space, record, true);
  res.send(200, { ...json, _links: { ...(json._links as object), base: wikiBase(context, cloudId) } });
}
