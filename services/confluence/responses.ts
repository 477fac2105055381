/**
 * Zod schemas for the parts of Confluence v2 responses the client reads (openapi-v2.v3.json: MultiEntityResult,
 * SpaceBulk, PageBulk/BlogPostBulk, PageSingle/BlogPostSingle; one page or blog post with its body is in content.ts,
 * comments in comments.ts, users in users.ts). Unknown fields are dropped; missing required ones make
 * the whole body malformed, which the client reports as 'unavailable'.
 */
import { z } from 'zod';

/** The spec says string; a number is accepted too so an int64 id never turns a good answer into an outage. */
export const contentId = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

const listLinks = z
  .object({
    next: z.string().optional(),
    base: z.string().optional(),
  })
  .optional();

export const spaceSchema = z.object({
  id: contentId,
  key: z.string().min(1),
  name: z.string(),
  _links: z.object({ webui: z.string().optional() }).optional(),
});

export const spaceListSchema = z.object({
  results: z.array(spaceSchema),
  _links: listLinks,
});

/** One entry of `GET /pages` or `GET /blogposts`: what the duplicate-title check compares, and its link. */
export const contentSummarySchema = z.object({
  id: contentId,
  title: z.string(),
  _links: z.object({ webui: z.string().optional() }).optional(),
});

export const contentListSchema = z.object({
  results: z.array(contentSummarySchema),
  _links: listLinks,
});

/** One `PageBulk` of `GET /spaces/{id}/pages`: what a listing shows and links to. */
export const pageEntrySchema = z.object({
  id: contentId,
  title: z.string(),
  _links: z.object({ webui: z.string().optional() }).optional(),
});

export const pageListSchema = z.object({
  results: z.array(pageEntrySchema),
  _links: listLinks,
});

/** `PageSingle` / `BlogPostSingle` plus `_links.base`, as returned by a successful create (200). */
export const createdContentSchema = z.object({
  id: contentId,
  title: z.string(),
  spaceId: contentId,
  _links: z.object({
    webui: z.string().min(1),
    base: z.string().min(1),
  }),
});

/**
 * `PermittedOperationsResponse` of `GET /spaces/{id}/operations`: `{operations: [{operation, targetType}]}`, e.g.
 * `{operation: 'create', targetType: 'page'}`. Both fields are optional in the spec; an entry without them means nothing.
 */
export const permittedOperationsSchema = z.object({
  operations: z
    .array(z.object({ operation: z.string().nullish(), targetType: z.string().nullish() }).passthrough())
    .optional(),
});

/** v2 error body (`{"errors":[{status, code, title, detail}]}`) or the v1/gateway `{message}` shape. */
export const errorBodySchema = z.object({
  errors: z
    .array(
      z.object({
        code: z.string().nullish(),
        title: z.string().nullish(),
        detail: z.string().nullish(),
      }),
    )
    .optional(),
  message: z.string().optional(),
});

export type SpaceList = z.infer<typeof spaceListSchema>;
export type SpaceEntry = z.infer<typeof spaceSchema>;
export type PageList = z.infer<typeof pageListSchema>;
export type PageEntry = z.infer<typeof pageEntrySchema>;
