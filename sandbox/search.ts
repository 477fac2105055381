/**
 * v1 CQL search, `GET /wiki/rest/api/search` (searchByCQL in the v1 document): the one v1 operation the OAuth
 * gateway still serves, since v2 has no search. Answers `SearchPageResponseSearchResult` over pages and blog posts
 * the sandbox user may read; errors use v1's `{statusCode, data, message}` body, not v2's.
 */
import { createHash } from 'node:crypto';
import type { Response } from 'restify';
import { findSite, spacesOf, wikiBase, type SandboxContext } from './context.js';
import { CqlError, parseCql, type CqlQuery } from './cql.js';
import { authenticate, requireScope } from './gatewayAuth.js';
import { asQuery, BadRequest, enumValue, singleString, type Query } from './queryParams.js';
import { REQUIRED_SCOPE } from './scopes.js';
import { excerptWindow, marked, searchWords, storageText, type ExcerptMode } from './searchText.js';
import { contentWebui, spaceWebui } from './shapes.js';
import type { ContentRecord, SpaceRecord } from './store.js';
import { sendV1BadRequest, sendV1Gone } from './v1Errors.js';
import { sendNotFound } from './v2Errors.js';
import { pathParam, type RouteHandler } from './v2Route.js';
import { modifiedAt } from './versions.js';

export const SEARCH_PATH = '/sandbox/api/ex/confluence/:cloudId/wiki/rest/api/search';

const EXCERPT_MODES = ['highlight', 'highlight_unescaped', 'indexed', 'indexed_unescaped', 'none'] as const;
const MAX_LIMIT = 100;

function limitParam(query: Query): number {
  const value = singleString(query, 'limit');
  if (value === undefined) return 25;
  const limit = /^\d{1,3}$/.test(value) ? Number(value) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) throw new BadRequest(`Parameter 'limit' must be an integer between 1 and ${MAX_LIMIT}`);
  return limit;
}

/** Tied to the query it came from, so a cursor replayed with other CQL is refused instead of skipping results. */
function queryHash(cql: string): string {
  return createHash('sha256').update(cql).digest('base64url').slice(0, 16);
}

function encodeCursor(offset: number, cql: string): string {
  return Buffer.from(JSON.stringify({ offset, query: queryHash(cql) }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string | undefined, cql: string): number {
  if (cursor === undefined) return 0;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const { offset, query } = (parsed ?? {}) as { offset?: unknown; query?: unknown };
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || query !== queryHash(cql)) {
    throw new BadRequest("Parameter 'cursor' is invalid");
  }
  return offset;
}

interface Hit {
  content: ContentRecord;
  space: SpaceRecord;
  text: string;
  titleMatch: boolean;
}

function hasAll(found: ReadonlySet<string>, words: string[]): boolean {
  return words.every((word) => found.has(word));
}

function findHits(context: SandboxContext, cloudId: string, query: CqlQuery): Hit[] {
  // Confluence leaves out what the user may not view, and archived spaces unless includeArchivedSpaces is set.
  const spaces = spacesOf(context, cloudId).filter(
    (space) => space.canReadPages && space.status === 'current' && query.spaces.every((keys) => keys.has(space.key)),
  );
  const hits: Hit[] = [];
  for (const space of spaces) {
    for (const content of context.store.contentsOf(space.id)) {
      if (content.status !== 'current' || !query.types.every((types) => types.has(content.type))) continue;
      const titleWords = new Set(searchWords(content.title));
      if (!query.title.every((words) => hasAll(titleWords, words))) continue;
      const text = storageText(content.body);
      const bodyWords = new Set(searchWords(text));
      if (!query.text.every((words) => words.every((word) => titleWords.has(word) || bodyWords.has(word)))) continue;
      hits.push({ content, space, text, titleMatch: query.text.every((words) => hasAll(titleWords, words)) });
    }
  }
  // Title matches first, then the most recently modified.
  return hits.sort(
    (a, b) =>
      Number(b.titleMatch) - Number(a.titleMatch) ||
      modifiedAt(b.content).localeCompare(modifiedAt(a.content)) ||
      Number(a.content.id) - Number(b.content.id),
  );
}

const FRIENDLY_DATE = new Intl.DateTimeFormat('en-US', { month: 'short', day: '2-digit', year: 'numeric', timeZone: 'UTC' });

function resultJson(hit: Hit, words: ReadonlySet<string>, mode: ExcerptMode): Record<string, unknown> {
  const { content, space } = hit;
  const webui = contentWebui(space, content);
  const lastModified = new Date(modifiedAt(content));
  return {
    content: {
      id: content.id,
      type: content.type,
      status: content.status,
      title: content.title,
      _expandable: { space: `/rest/api/space/${encodeURIComponent(space.key)}` },
      _links: { webui, self: `/rest/api/content/${content.id}` },
    },
    title: marked(content.title, words, mode),
    excerpt: mode === 'none' ? '' : marked(excerptWindow(hit.text, words), words, mode),
    url: webui,
    resultGlobalContainer: { title: space.name, displayUrl: spaceWebui(space) },
    breadcrumbs: [],
    entityType: 'content',
    iconCssClass: `aui-icon content-type-${content.type}`,
    lastModified: lastModified.toISOString(),
    friendlyLastModified: FRIENDLY_DATE.format(lastModified),
  };
}

function search(context: SandboxContext, cloudId: string, query: Query, res: Response): void {
  const started = performance.now();
  const cql = singleString(query, 'cql');
  if (cql === undefined) throw new BadRequest('cql is a required parameter');
  const limit = limitParam(query);
  const mode = enumValue(query, 'excerpt', EXCERPT_MODES) ?? 'highlight';
  const offset = decodeCursor(singleString(query, 'cursor'), cql);
  let parsed: CqlQuery;
  try {
    parsed = parseCql(cql);
  } catch (error) {
    if (error instanceof CqlError) throw new BadRequest(`Could not parse cql : ${cql}`);
    throw error;
  }
  const hits = findHits(context, cloudId, parsed);
  const page = hits.slice(offset, offset + limit);
  const words = new Set([...parsed.text, ...parsed.title].flat());
  const base = wikiBase(context, cloudId);
  const links: Record<string, string> = { base, context: '/wiki' };
  const end = offset + page.length;
  if (end < hits.length) {
    const excerpt = singleString(query, 'excerpt');
    links.next =
      `/rest/api/search?next=true&cursor=${encodeCursor(end, cql)}&limit=${limit}&cql=${encodeURIComponent(cql)}` +
      (excerpt === undefined ? '' : `&excerpt=${excerpt}`);
  }
  res.send(200, {
    results: page.map((hit) => resultJson(hit, words, mode)),
    start: offset,
    limit,
    size: page.length,
    totalSize: hits.length,
    cqlQuery: cql,
    searchDuration: Math.round(performance.now() - started),
    _links: links,
  });
}

/** Gateway checks first (token 401, site 404, scope 401), as for v2; then v1's own 400s. */
export function searchRoute(context: SandboxContext): RouteHandler {
  return async (req, res) => {
    const token = authenticate(context, req, res);
    if (token === undefined) return;
    const cloudId = pathParam(req, 'cloudId');
    if (findSite(context, cloudId) === undefined) return sendNotFound(res);
    if (!requireScope(token, REQUIRED_SCOPE.search, res)) return;
    if (context.searchRetired === true) return sendV1Gone(res);
    try {
      search(context, cloudId, asQuery(req.query), res);
    } catch (error) {
      if (error instanceof BadRequest) return sendV1BadRequest(res, error.title);
      throw error;
    }
  };
}
