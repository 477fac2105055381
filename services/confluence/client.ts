/**
 * Confluence Cloud REST v2 over the OAuth gateway: `{apiUrl}/ex/confluence/{cloudId}/wiki/api/v2/…` with a bearer
 * token. Every HTTP exchange goes through `send`, which turns statuses and transport failures into ConfluenceError
 * and validates successful bodies, so retries can later be added in that one place.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import { withCallDeadline } from '../http/callDeadline.js';
import { axios } from '../http/sharedAxios.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { ConfluenceError, type ConfluenceErrorKind } from './errors.js';
import { searchCql, type SearchQuery } from './cql.js';
import { markdownToStorage } from './markdown.js';
import { firstSearchPath, laterSearchPath, searchResponseSchema, toSearchResults } from './search.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './retryPolicy.js';
import {
  contentListSchema,
  createdContentSchema,
  errorBodySchema,
  pageListSchema,
  permittedOperationsSchema,
  spaceListSchema,
  type PageEntry,
  type SpaceEntry,
  type SpaceList,
} from './responses.js';
import type {
  ConfluenceApi,
  ConfluenceTarget,
  ContentType,
  CreatedContent,
  CreateRights,
  NewContent,
  PageChunk,
  PageSummary,
  SearchResults,
  Space,
} from './types.js';

export interface ConfluenceClientOptions {
  http?: AxiosInstance;
  timeoutMs?: number;
  logger?: Logger;
  /** Default: DEFAULT_RETRY_POLICY (transient failures retried with backoff; Retry-After honoured). */
  retry?: RetryPolicy;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_SPACE_LIMIT = 250;
/** The v2 maximum page size for every list operation. */
const MAX_PAGE_SIZE = 250;
/** Stops a server that keeps handing out cursors from keeping us in the loop for ever. */
const MAX_LIST_REQUESTS = 40;
const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;
/** Confluence's documented limit for a create request. */
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** The most results a chat shows at once is 5; Confluence's search takes up to 100 a request. */
const MAX_SEARCH_LIMIT = 100;
const RETRY_AFTER_MIN_SECONDS = 1;
const RETRY_AFTER_MAX_SECONDS = 60;

const API_PREFIX = '/wiki/api/v2';
const SPACE_KEY = /^[A-Za-z0-9_]{1,255}$/;
/** Personal space keys are `~` plus a username or account id, which is case-sensitive and may contain `:` or `-`. */
const PERSONAL_SPACE_KEY = /^~[A-Za-z0-9_:-]{1,254}$/;
/** A `_links.next` we are willing to send the token to: same API, no host, no dot segments, nothing odd. */
const FOLLOWABLE_NEXT = /^\/wiki\/api\/v2\/[^\s\\]*$/;
/** v2 ids are int64; anything else could only be a mistake or an attempt to reach another path. */
const CONTENT_ID = /^\d{1,19}$/;

type Method = 'GET' | 'POST';

interface ApiCall {
  /** Names the call in errors and logs; never contains user text or secrets. */
  operation: string;
  method: Method;
  /** Path under `{apiUrl}/ex/confluence/{cloudId}`, starting with `/wiki/api/v2/` and carrying its query. */
  path: string;
  body?: unknown;
}

export class ConfluenceClient implements ConfluenceApi {
  private readonly http: AxiosInstance;
  private readonly timeoutMs: number;
  private readonly logger: Logger;
  private readonly retry: RetryPolicy;

  constructor(options: ConfluenceClientOptions = {}) {
    this.http = options.http ?? axios.create();
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.logger = options.logger ?? silentLogger;
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
  }

  async listSpaces(target: ConfluenceTarget, limit: number = DEFAULT_SPACE_LIMIT): Promise<Space[]> {
    const wanted = Number.isFinite(limit) ? Math.max(1, Math.floor(limit)) : DEFAULT_SPACE_LIMIT;
    const spaces: Space[] = [];
    let path: string | undefined = apiPath('/spaces', { limit: String(Math.min(wanted, MAX_PAGE_SIZE)), sort: 'name' });
    for (let requests = 0; path !== undefined && spaces.length < wanted && requests < MAX_LIST_REQUESTS; requests++) {
      const page: SpaceList = await this.send(target, { operation: 'list spaces', method: 'GET', path }, spaceListSchema);
      spaces.push(...page.results.map((entry) => toSpace(entry, page._links?.base)));
      path = page.results.length > 0 ? this.followableNext(page._links?.next) : undefined;
    }
    return spaces.slice(0, wanted);
  }

  async getSpaceByKey(target: ConfluenceTarget, key: string): Promise<Space | undefined> {
    const wantedKey = normaliseSpaceKey(key);
    if (wantedKey === undefined) return undefined;
    const page = await this.send(
      target,
      { operation: 'get space by key', method: 'GET', path: apiPath('/spaces', { keys: wantedKey }) },
      spaceListSchema,
    );
    // Only an exact key match counts, so a server that ignored the filter cannot hand us somebody else's space.
    const match = page.results.find((entry) => entry.key.toUpperCase() === wantedKey.toUpperCase());
    return match === undefined ? undefined : toSpace(match, page._links?.base);
  }

  async titleExists(target: ConfluenceTarget, spaceId: string, type: ContentType, title: string): Promise<boolean> {
    const page = await this.send(
      target,
      {
        operation: type === 'page' ? 'find pages by title' : 'find blog posts by title',
        method: 'GET',
        path: apiPath(collectionPath(type), { 'space-id': spaceId, title, limit: String(MAX_PAGE_SIZE) }),
      },
      contentListSchema,
    );
    return page.results.some((entry) => entry.title === title);
  }

  /**
   * A create that timed out or met a 5xx may still have happened. Before sending it again, look for the content:
   * if it is there, that is the result, and nothing is created twice.
   */
  async createContent(target: ConfluenceTarget, content: NewContent): Promise<CreatedContent> {
    return withRetries(this.retry, async (attempt) => {
      if (attempt > 1) {
        const existing = await this.findByTitle(target, content);
        if (existing !== undefined) {
          this.logger.info('confluence create found after an uncertain failure', { type: content.type, attempt });
          return existing;
        }
      }
      return this.postContent(target, content);
    });
  }

  /** Not retried on its own: it runs inside createContent's retries, which must not multiply. */
  private async findByTitle(target: ConfluenceTarget, content: NewContent): Promise<CreatedContent | undefined> {
    const page = await this.attempt(
      target,
      {
        operation: content.type === 'page' ? 'find pages by title' : 'find blog posts by title',
        method: 'GET',
        path: apiPath(collectionPath(content.type), { 'space-id': content.spaceId, title: content.title, limit: String(MAX_PAGE_SIZE) }),
      },
      contentListSchema,
    );
    const entry = page.results.find((candidate) => candidate.title === content.title);
    const webUrl = joinWebUrl(page._links?.base, entry?._links?.webui);
    if (entry === undefined || webUrl === undefined) return undefined;
    return { id: entry.id, type: content.type, title: entry.title, spaceId: content.spaceId, webUrl };
  }

  private async postContent(target: ConfluenceTarget, content: NewContent): Promise<CreatedContent> {
    const storage = markdownToStorage(content.bodyMarkdown);
    // Confluence answers 413 above 5 MB; refusing here saves sending megabytes only to be told so.
    if (Buffer.byteLength(storage, 'utf8') + Buffer.byteLength(content.title, 'utf8') > MAX_REQUEST_BYTES) {
      throw new ConfluenceError('too-large', `The ${content.type} is larger than Confluence accepts (5 MB)`);
    }
    const created = await this.send(
      target,
      {
        operation: content.type === 'page' ? 'create page' : 'create blog post',
        method: 'POST',
        path: apiPath(collectionPath(content.type), {}),
        body: {
          spaceId: content.spaceId,
          status: 'current',
          title: content.title,
          body: { representation: 'storage', value: storage },
        },
      },
      createdContentSchema,
    );
    const webUrl = joinWebUrl(created._links.base, created._links.webui);
    if (webUrl === undefined) {
      throw new ConfluenceError('unavailable', `Confluence sent an unusable link after ${content.type} creation`, 200);
    }
    return { id: created.id, type: content.type, title: created.title, spaceId: created.spaceId, webUrl };
  }

  /**
   * `GET /spaces/{id}/operations` needs only read:space:confluence, which every token already has; the space
   * permissions list (`/spaces/{id}/permissions`) names principals and groups, which would not say what this user may do.
   */
  async createRights(target: ConfluenceTarget, spaceId: string): Promise<CreateRights> {
    if (!CONTENT_ID.test(spaceId)) throw new ConfluenceError('not-found', 'Not a Confluence space id (space operations)');
    const answer = await this.send(
      target,
      { operation: 'space operations', method: 'GET', path: apiPath(`/spaces/${spaceId}/operations`, {}) },
      permittedOperationsSchema,
    );
    const creates = (targetType: string): boolean =>
      (answer.operations ?? []).some((entry) => entry.operation === 'create' && entry.targetType === targetType);
    return { page: creates('page'), blogpost: creates('blogpost') };
  }

  async listPagesChunk(target: ConfluenceTarget, spaceId: string, cursor?: string): Promise<PageChunk> {
    if (!CONTENT_ID.test(spaceId)) throw new ConfluenceError('not-found', 'Not a Confluence space id (list pages)');
    const collection = `${API_PREFIX}/spaces/${spaceId}/pages`;
    let path: string;
    if (cursor === undefined) {
      path = apiPath(`/spaces/${spaceId}/pages`, { limit: String(MAX_PAGE_SIZE), sort: 'title' });
    } else {
      // The cursor comes back from dialog state, so it is checked again before the token goes anywhere with it.
      const followable = this.followableNext(cursor);
      if (followable === undefined || !isUnder(followable, collection)) {
        throw new ConfluenceError('invalid-request', 'Not a page-list cursor for this space (list pages)');
      }
      path = followable;
    }
    const page = await this.send(target, { operation: 'list pages in space', method: 'GET', path }, pageListSchema);
    const pages = page.results.map((entry) => toPageSummary(entry, page._links?.base));
    const next = page.results.length > 0 ? this.followableNext(page._links?.next) : undefined;
    if (next !== undefined && !isUnder(next, collection)) {
      this.logger.warn('confluence next link ignored', { reason: 'not the same page list' });
      return { pages };
    }
    return next === undefined ? { pages } : { pages, next };
  }

  async searchContent(target: ConfluenceTarget, query: SearchQuery, limit: number, next?: string): Promise<SearchResults> {
    const spaceKey = query.spaceKey === undefined ? undefined : normaliseSpaceKey(query.spaceKey);
    if (query.spaceKey !== undefined && spaceKey === undefined) throw new ConfluenceError('invalid-request', 'Not a space key (search)');
    const cql = searchCql({ text: query.text, spaceKey });
    if (cql === undefined) throw new ConfluenceError('invalid-request', 'Nothing to search for (search)');
    const size = Math.min(MAX_SEARCH_LIMIT, Math.max(1, Math.floor(limit)));
    const path = next === undefined ? firstSearchPath(cql, size) : laterSearchPath(next, cql);
    if (path === undefined) throw new ConfluenceError('invalid-request', 'Not a next link of this search (search)');
    return toSearchResults(await this.send(target, { operation: 'search', method: 'GET', path }, searchResponseSchema));
  }

  /** Reads are retried on transient failures; a create's retries are decided in createContent. */
  private async send<T>(target: ConfluenceTarget, call: ApiCall, schema: z.ZodType<T>): Promise<T> {
    return call.method === 'GET' ? withRetries(this.retry, () => this.attempt(target, call, schema)) : this.attempt(target, call, schema);
  }

  private async attempt<T>(target: ConfluenceTarget, call: ApiCall, schema: z.ZodType<T>): Promise<T> {
    const started = Date.now();
    let response: AxiosResponse<unknown>;
    try {
      response = await withCallDeadline(this.timeoutMs, (signal) =>
        this.http.request<unknown>({
          url: siteBase(target) + call.path,
          method: call.method,
          data: call.body,
          headers: { Authorization: `Bearer ${target.accessToken}`, Accept: 'application/json' },
          // `timeout` alone is a socket idle timeout: a server trickling a byte now and then could hold the turn forever.
          timeout: this.timeoutMs,
          signal,
          responseType: 'json',
          validateStatus: () => true,
          // A redirect could carry the bearer token to another host; Confluence's API never needs one.
          maxRedirects: 0,
          maxContentLength: MAX_RESPONSE_BYTES,
        }),
      );
    } catch (error) {
      const failure = transportError(call.operation, error);
      this.logger.warn('confluence call failed', { operation: call.operation, kind: failure.kind, durationMs: Date.now() - started });
      throw failure;
    }
    const durationMs = Date.now() - started;
    if (response.status < 200 || response.status > 299) {
      const failure = statusError(call.operation, response);
      this.logger.warn('confluence call failed', { operation: call.operation, status: response.status, kind: failure.kind, durationMs });
      throw failure;
    }
    const parsed = schema.safeParse(response.data);
    if (!parsed.success) {
      this.logger.warn('confluence answer malformed', { operation: call.operation, status: response.status, durationMs });
      throw new ConfluenceError('unavailable', `Confluence sent an unexpected answer to ${call.operation}`, response.status);
    }
    this.logger.debug('confluence call', { operation: call.operation, status: response.status, durationMs });
    return parsed.data;
  }

  private followableNext(next: string | undefined): string | undefined {
    if (next === undefined || next === '') return undefined;
    const segments = next.split('?')[0]!.split('/');
    if (FOLLOWABLE_NEXT.test(next) && !segments.includes('..') && !segments.includes('.')) return next;
    this.logger.warn('confluence next link ignored', { reason: 'not a relative v2 API path' });
    return undefined;
  }
}

function siteBase(target: ConfluenceTarget): string {
  return `${target.apiUrl.replace(/\/+$/, '')}/ex/confluence/${encodeURIComponent(target.cloudId)}`;
}

function apiPath(resource: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${API_PREFIX}${resource}${search === '' ? '' : `?${search}`}`;
}

function collectionPath(type: ContentType): string {
  return type === 'page' ? '/pages' : '/blogposts';
}

/** Whether a followable path lists exactly `collection` (the query may differ; the resource may not). */
function isUnder(path: string, collection: string): boolean {
  return path === collection || path.startsWith(`${collection}?`);
}

function normaliseSpaceKey(key: string): string | undefined {
  const trimmed = key.trim();
  if (PERSONAL_SPACE_KEY.test(trimmed)) return trimmed;
  if (SPACE_KEY.test(trimmed)) return trimmed.toUpperCase();
  return undefined;
}

function toSpace(entry: SpaceEntry, base: string | undefined): Space {
  const webUrl = joinWebUrl(base, entry._links?.webui);
  return { id: entry.id, key: entry.key, name: entry.name, ...(webUrl === undefined ? {} : { webUrl }) };
}

function toPageSummary(entry: PageEntry, base: string | undefined): PageSummary {
  const webUrl = joinWebUrl(base, entry._links?.webui);
  if (webUrl === undefined) {
    throw new ConfluenceError('unavailable', 'Confluence sent an unusable page link (list pages)', 200);
  }
  return { id: entry.id, title: entry.title, webUrl };
}

/** `_links.base + _links.webui`, only ever as an http(s) link: these URLs are shown to users as clickable links. */
function joinWebUrl(base: string | undefined, webui: string | undefined): string | undefined {
  if (webui === undefined || webui === '' || base === undefined || !/^https?:\/\/[^/\s]/i.test(base)) return undefined;
  if (!webui.startsWith('/') || webui.startsWith('//')) return undefined;
  return base.replace(/\/+$/, '') + webui;
}

function transportError(operation: string, error: unknown): ConfluenceError {
  // Only the error code is kept: axios errors carry the request config, and with it the Authorization header.
  const code = axios.isAxiosError(error) && typeof error.code === 'string' && /^[A-Z_]+$/.test(error.code) ? error.code : 'ERROR';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
  return new ConfluenceError('unavailable', `Confluence ${timedOut ? 'timed out' : 'could not be reached'} (${operation}: ${code})`);
}

function statusError(operation: string, response: AxiosResponse<unknown>): ConfluenceError {
  const status = response.status;
  const kind = kindForStatus(status, response.data);
  const message = `Confluence answered ${status} to ${operation}`;
  if (kind === 'rate-limited') {
    return new ConfluenceError(kind, message, status, retryAfterSeconds(response.headers['retry-after']));
  }
  return new ConfluenceError(kind, message, status);
}

function kindForStatus(status: number, body: unknown): ConfluenceErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  if (status === 400) return isDuplicateTitle(body) ? 'duplicate-title' : 'invalid-request';
  if (status >= 400 && status < 500) return 'invalid-request';
  return 'unavailable';
}

function isDuplicateTitle(body: unknown): boolean {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return false;
  const texts = [parsed.data.message, ...(parsed.data.errors ?? []).flatMap((error) => [error.title, error.detail])];
  return texts.some((text) => typeof text === 'string' && /title already exists/i.test(text));
}

/** `Retry-After` as seconds or an HTTP date, clamped, because Atlassian has been seen to send 2^63-1. */
function retryAfterSeconds(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - Date.now()) / 1000);
  }
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, seconds));
}
