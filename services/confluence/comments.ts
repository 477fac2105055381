/**
 * Footer comments (`POST /wiki/api/v2/footer-comments`; openapi-v2.v3.json CreateFooterCommentModel → 201
 * FooterCommentModel plus `_links.base`). Validation and mapping only; client.ts sends the request.
 */
import { z } from 'zod';
import { contentId } from './responses.js';
import type { ContentRef, CreatedComment } from './types.js';
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

export function toCreatedComment(answer: z.infer<typeof createdCommentSchema>): CreatedComment {
  const webUrl = joinWebUrl(answer._links?.base, answer._links?.webui);
  return webUrl === undefined ? { id: answer.id } : { id: answer.id, webUrl };
}
