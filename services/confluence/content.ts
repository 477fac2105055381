/**
 * One page or blog post at a time (openapi-v2.v3.json: PageSingle/BlogPostSingle plus `_links.base`): found by its
 * exact title, read with its storage body, and appended to. Validation and mapping only; client.ts sends the requests.
 */
import { z } from 'zod';
import { ConfluenceError } from './errors.js';
import { contentId, type contentListSchema } from './responses.js';
import type { Append, ContentDetail, ContentRef, ContentTitle, ContentType } from './types.js';
import { joinWebUrl } from './webLinks.js';

/** `GET /pages/{id}?body-format=storage` (or `/blogposts/{id}`). */
export const contentDetailSchema = z.object({
  id: contentId,
  title: z.string(),
  spaceId: contentId,
  authorId: z.string().nullish(),
  // Required: an append is based on this number, and without it nothing could be saved safely.
  version: z.object({
    number: z.number().int().positive(),
    createdAt: z.string().nullish(),
    authorId: z.string().nullish(),
  }),
  // Required too: appending to a body we did not get would replace the page with our addition.
  body: z.object({ storage: z.object({ value: z.string() }) }),
  _links: z.object({ webui: z.string().nullish(), base: z.string().nullish() }),
});

/** `PUT /pages/{id}` (or `/blogposts/{id}`) 200: the updated content; only its version and link are read. */
export const updatedContentSchema = z.object({
  id: contentId,
  version: z.object({ number: z.number().int().positive() }).nullish(),
  _links: z.object({ webui: z.string().nullish(), base: z.string().nullish() }).nullish(),
});

type ContentList = z.infer<typeof contentListSchema>;

/** The collection a type lives in: v2 keeps pages and blog posts apart. */
export function collectionPath(type: ContentType): string {
  return type === 'page' ? '/pages' : '/blogposts';
}

/**
 * Only exact title matches count (the filter's matching rules are not documented); an entry without a usable link
 * is left out rather than offered unopenable.
 */
export function toContentTitles(type: ContentType, spaceId: string, title: string, list: ContentList): ContentTitle[] {
  const found: ContentTitle[] = [];
  for (const entry of list.results) {
    const webUrl = joinWebUrl(list._links?.base, entry._links?.webui);
    if (entry.title === title && webUrl !== undefined) found.push({ type, id: entry.id, title: entry.title, spaceId, webUrl });
  }
  return found;
}

export function toContentDetail(ref: ContentRef, entry: z.infer<typeof contentDetailSchema>): ContentDetail {
  const webUrl = joinWebUrl(entry._links.base, entry._links.webui);
  if (webUrl === undefined) throw new ConfluenceError('unavailable', `Confluence sent an unusable ${ref.type} link (get content)`, 200);
  return {
    type: ref.type,
    id: entry.id,
    title: entry.title,
    spaceId: entry.spaceId,
    webUrl,
    ...(entry.authorId ? { authorId: entry.authorId } : {}),
    version: {
      number: entry.version.number,
      ...(entry.version.createdAt ? { createdAt: entry.version.createdAt } : {}),
      ...(entry.version.authorId ? { authorId: entry.version.authorId } : {}),
    },
    storage: entry.body.storage.value,
  };
}

/** What an append saves: the base body with the addition after it, as the version after the base's, and nothing else. */
export interface AppendUpdate {
  version: number;
  storage: string;
  /** The `PageUpdateRequest` / `BlogPostUpdateRequest` body. */
  body: Record<string, unknown>;
}

export function appendUpdate(append: Append, additionStorage: string): AppendUpdate {
  const { base } = append;
  const version = base.version.number + 1;
  const storage = base.storage + additionStorage;
  return {
    version,
    storage,
    body: {
      id: base.id,
      status: 'current',
      title: base.title,
      // Pages name their space (moving is not supported, so it is the same one); blog posts need not.
      ...(base.type === 'page' ? { spaceId: base.spaceId } : {}),
      body: { representation: 'storage', value: storage },
      version: { number: version, message: append.message },
    },
  };
}

/**
 * Whether the content as read now is exactly what our update would have made: after an attempt whose outcome was
 * uncertain, a 409 on the retry may only mean the first attempt landed. Anything else is someone else's change.
 */
export function isOurUpdate(current: ContentDetail, update: AppendUpdate): boolean {
  return current.version.number === update.version && current.storage === update.storage;
}
