/**
 * What creating and updating a page or blog post share: the body's two shapes, ids sent as text or number, the
 * 5 MB limit, title rules and Confluence's 400 for a body that does not parse.
 */
import { z } from 'zod';
import type { SandboxContext } from './context.js';
import type { ContentRecord, SpaceRecord } from './store.js';
import { sendV2Error } from './v2Errors.js';
import type { V2Call } from './v2Route.js';

export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
export const MAX_TITLE_LENGTH = 255;

const bodyWrite = z.object({ representation: z.enum(['storage', 'atlas_doc_format', 'wiki']), value: z.string() });
const nestedBodyWrite = z
  .object({ storage: bodyWrite.optional(), atlas_doc_format: bodyWrite.optional(), wiki: bodyWrite.optional() })
  .refine((body) => Object.values(body).filter(Boolean).length === 1, 'Only one body format should be specified');

/** PageBodyWrite / PageNestedBodyWrite (and the blog post and comment twins, which are the same). */
export const bodyWriteSchema = z.union([bodyWrite, nestedBodyWrite]);
export type BodyWrite = z.infer<typeof bodyWriteSchema>;

/** Confluence's Java side reads a JSON number where a string id is expected; so does the sandbox. */
export const idText = z.union([z.string().regex(/^\d{1,18}$/), z.number().int().nonnegative()]).transform(String);

/** The storage value, or the representation the sandbox does not store (it keeps storage format only). */
export function storageValue(body: BodyWrite | undefined): { value: string } | { unsupported: string } {
  if (body === undefined) return { value: '' };
  const flat = 'representation' in body ? body : (body.storage ?? body.atlas_doc_format ?? body.wiki);
  if (flat === undefined) return { value: '' };
  if (flat.representation !== 'storage') return { unsupported: flat.representation };
  return { value: flat.value };
}

export function sendUnsupportedRepresentation(call: V2Call, representation: string): void {
  sendV2Error(
    call.res,
    400,
    'Unsupported body representation',
    `The Confluence sandbox stores only the storage representation, not ${representation}`,
  );
}

export function requestTooLarge(call: V2Call): boolean {
  const declared = Number(call.req.header('content-length'));
  const parsed = Buffer.byteLength(JSON.stringify(call.req.body ?? null), 'utf8');
  return Math.max(Number.isFinite(declared) ? declared : 0, parsed) > MAX_REQUEST_BYTES;
}

/** Parses the JSON body, or answers 400 naming the first field that is wrong and returns undefined. */
export function parseBody<S extends z.ZodType>(call: V2Call, schema: S): z.output<S> | undefined {
  const parsed = schema.safeParse(call.req.body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  sendV2Error(call.res, 400, 'Invalid request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
  return undefined;
}

/**
 * Titles are unique per space and content type ignoring case (as Confluence treats them), and archived content
 * still holds its title. `except` is the content being updated, which may keep its own title.
 */
export function titleTaken(context: SandboxContext, space: SpaceRecord, type: ContentRecord['type'], title: string, except?: string): boolean {
  const wanted = title.toLowerCase();
  return context.store.contentsOf(space.id).some(
    (content) =>
      content.id !== except &&
      content.type === type &&
      (content.status === 'current' || content.status === 'archived') &&
      content.title.toLowerCase() === wanted,
  );
}
