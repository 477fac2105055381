/**
 * Confluence's CQL search (`GET /wiki/rest/api/search`, v1: v2 has no search), as the client sends it and reads its
 * answer (swagger.v3.json: SearchPageResponseSearchResult). Only pages and blog posts are kept; an entry without a
 * usable link is dropped rather than shown unopenable.
 */
import { z } from 'zod';
import type { ContentType, ExcerptPart, SearchHit, SearchResults } from './types.js';

export const SEARCH_PATH = '/wiki/rest/api/search';
/** Confluence's own markers around the words that matched, with `excerpt=highlight`. */
const HIGHLIGHT = /@@@hl@@@(.*?)@@@endhl@@@/gs;
/** A `_links.next` we are willing to send the token to: the same search, relative to `/wiki`, nothing odd. */
const FOLLOWABLE_NEXT = /^\/rest\/api\/search\?[^\s\\#]*$/;

const searchResultSchema = z.object({
  content: z
    .object({
      id: z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String),
      type: z.string(),
      _links: z.object({ webui: z.string().optional() }).optional(),
    })
    .optional(),
  title: z.string(),
  excerpt: z.string().optional(),
  url: z.string().optional(),
  resultGlobalContainer: z.object({ title: z.string(), displayUrl: z.string() }).optional(),
  lastModified: z.string().optional(),
});

export const searchResponseSchema = z.object({
  results: z.array(searchResultSchema),
  totalSize: z.number().int().nonnegative().optional(),
  _links: z.object({ base: z.string().optional(), next: z.string().optional() }).optional(),
});

type SearchResponse = z.infer<typeof searchResponseSchema>;

/** The request for the first page of results. */
export function firstSearchPath(cql: string, limit: number): string {
  return `${SEARCH_PATH}?${new URLSearchParams({ cql, limit: String(limit), excerpt: 'highlight' })}`;
}

/**
 * The request for a later page, from a `next` kept in dialog state (so checked again before the token goes
 * anywhere with it): only a next link of this very search is followed.
 */
export function laterSearchPath(next: string, cql: string): string | undefined {
  if (!FOLLOWABLE_NEXT.test(next) || next.split('?')[0]!.split('/').some((segment) => segment === '..' || segment === '.')) return undefined;
  const query = new URLSearchParams(next.slice(next.indexOf('?') + 1));
  if (query.get('cql') !== cql) return undefined;
  return `/wiki${next}`;
}

export function toSearchResults(body: SearchResponse): SearchResults {
  const base = body._links?.base;
  const hits: SearchHit[] = [];
  for (const result of body.results) {
    const type = contentType(result.content?.type);
    const webUrl = joinLink(base, result.content?._links?.webui ?? result.url);
    if (result.content === undefined || type === undefined || webUrl === undefined) continue;
    const space = result.resultGlobalContainer;
    hits.push({
      id: result.content.id,
      type,
      title: plainText(result.title),
      spaceName: space?.title,
      spaceKey: space === undefined ? undefined : /^\/spaces\/([^/?#]+)/.exec(space.displayUrl)?.[1],
      lastModified: validDate(result.lastModified),
      excerpt: excerptParts(result.excerpt ?? ''),
      webUrl,
    });
  }
  const next = body._links?.next;
  return { hits, totalSize: body.totalSize, ...(next !== undefined && body.results.length > 0 ? { next } : {}) };
}

/** The excerpt as text, with the words Confluence matched marked; HTML entities of the highlighted form decoded. */
export function excerptParts(marked: string): ExcerptPart[] {
  const parts: ExcerptPart[] = [];
  let from = 0;
  for (const match of marked.matchAll(HIGHLIGHT)) {
    if (match.index > from) parts.push({ text: decodeEntities(marked.slice(from, match.index)), matched: false });
    parts.push({ text: decodeEntities(match[1]!), matched: true });
    from = match.index + match[0].length;
  }
  if (from < marked.length) parts.push({ text: decodeEntities(marked.slice(from)), matched: false });
  return parts.filter((part) => part.text !== '');
}

function plainText(marked: string): string {
  return excerptParts(marked)
    .map((part) => part.text)
    .join('');
}

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" })[name]!);
}

function contentType(type: string | undefined): ContentType | undefined {
  return type === 'page' || type === 'blogpost' ? type : undefined;
}

function validDate(value: string | undefined): string | undefined {
  return value !== undefined && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : undefined;
}

function joinLink(base: string | undefined, path: string | undefined): string | undefined {
  if (path === undefined || base === undefined || !/^https?:\/\/[^/\s]/i.test(base)) return undefined;
  if (!path.startsWith('/') || path.startsWith('//')) return undefined;
  return base.replace(/\/+$/, '') + path;
}
