/**
 * Footer comments (`POST /wiki/api/v2/footer-comments`; openapi-v2.v3.json CreateFooterCommentModel → 201
 * FooterCommentModel plus `_links.base`; `GET /pages/{id}/footer-comments` → MultiEntityResult<PageCommentModel>).
 * Validation and mapping only; client.ts sends the requests.
 */
import { z } from 'zod';
import { contentId } from './responses.js';
import type { ContentRef, CreatedComment, RecentComments } from './types.js';
import { joinWebUrl } from './webLinks.js';

export const createdCommentSchema = z.object({
  id: contentId,
  _links: z.object({ webui: z.string().nullish(), base: z.string().nullish() }).nullish(),
});

/** A top-level footer comment: under a page (`pageId`) or a blog post (`blogPostId`), never both. */
export function footerCommentBody(on: ContentRef, storage: string): Record<string, unknown> {
  return {
    ...(on.type === 'page' ? { pageId: on.id } : { blogPostId: on.id }),
    body: { representation: 'storage', value: storage },
  };
}

export const commentListSchema = z.object({
  results: z.array(
    z.object({
      id: contentId,
      version: z.object({ authorId: z.string().nullish(), createdAt: z.string().nullish() }).nullish(),
      body: z.object({ storage: z.object({ value: z.string() }).nullish() }).nullish(),
    }),
  ),
  _links: z.object({ next: z.string().nullish() }).nullish(),
});

export function toRecentComments(answer: z.infer<typeof commentListSchema>): RecentComments {
  return {
    comments: answer.results.map((entry) => ({
      id: entry.id,
      ...(entry.version?.authorId ? { authorId: entry.version.authorId } : {}),
      ...(entry.version?.createdAt ? { createdAt: entry.version.createdAt } : {}),
      storage: entry.body?.storage?.value ?? '',
    })),
    more: typeof answer._links?.next === 'string' && answer._links.next !== '',
  };
}

export function toCreatedComment(answer: z.infer<typeof createdCommentSchema>): CreatedComment {
  const webUrl = joinWebUrl(answer._links?.base, answer._links?.webui);
  return webUrl === undefined ? { id: answer.id } : { id: answer.id, webUrl };
}
