/**
 * Confluence Cloud REST v2 over the OAuth gateway: `{apiUrl}/ex/confluence/{cloudId}/wiki/api/v2/…` with a bearer
 * token. Every HTTP exchange goes through `send`, which turns statuses and transport failures into ConfluenceError
 * and validates successful bodies. Each call names the OAuth scope it needs (scopes.ts), so a token without it is
 * reported as 'missing-scope' and not as an expired token. Mapping of answers lives in small modules beside this one.
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import type { z } from 'zod';
import { withCallDeadline } from '../http/callDeadline.js';
import { axios } from '../http/sharedAxios.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { commentListSchema, createdCommentSchema, footerCommentBody, toCreatedComment, toRecentComments } from './comments.js';
import {
  appendUpdate,
  collectionPath,
  contentDetailSchema,
  isOurUpdate,
  toContentDetail,
  toContentTitles,
  updatedContentSchema,
  type AppendUpdate,
} from './content.js';
import { ConfluenceError } from './errors.js';
import { statusError, transportError } from './httpErrors.js';
import { searchCql, type SearchQuery } from './cql.js';
import { markdownToStorage } from './markdown.js';
import { firstSearchPath, laterSearchPath, searchResponseSchema, toSearchResults } from './search.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy, withRetries } from './retryPolicy.js';
import { SCOPES, type ConfluenceScope } from './scopes.js';
import { accountIdBatches, addDisplayNames, usersSchema } from './users.js';
import { joinWebUrl } from './webLinks.js';
import {
  contentListSchema,
  createdContentSchema,
  pageListSchema,
  permittedOperationsSchema,
  spaceListSchema,
  type PageEntry,
  type SpaceEntry,
  type SpaceList,
} from './responses.js';
import type {
  Append,
  AppendedContent,
  ConfluenceApi,
  ConfluenceTarget,
  ContentDetail,
  ContentRef,
  ContentTitle,
  ContentType,
  CreatedComment,
  CreatedContent,
  CreateRights,
  NewComment,
  NewContent,
  PageChunk,
  PageSummary,
  RecentComments,
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
/** Confluence's documented limit for a create or update request (413 above it). */
const MAX_REQUEST_BYTES = 5 * 1024 * 1024;
/** The most results a chat shows at once is 5; Confluence's search takes up to 100 a request. */
const MAX_SEARCH_LIMIT = 100;

const API_PREFIX = '/wiki/api/v2';
const SPACE_KEY = /^[A-Za-z0-9_]{1,255}$/;
/** Personal space keys are `~` plus a username or account id, which is case-sensitive and may contain `:` or `-`. */
const PERSONAL_SPACE_KEY = /^~[A-Za-z0-9_:-]{1,254}$/;
/** A `_links.next` we are willing to send the token to: same API, no host, no dot segments, nothing odd. */
const FOLLOWABLE_NEXT = /^\/wiki\/api\/v2\/[^\s\\]*$/;
/** v2 ids are int64; anything else could only be a mistake or an attempt to reach another path. */
const CONTENT_ID = /^\d{1,19}$/;

type Method = 'GET' | 'POST' | 'PUT';

interface ApiCall {
  /** Names the call in errors and logs; never contains user text or secrets. */
  operation: string;
  /** What a token must hold for this call; named in a 'missing-scope' error. */
  scope: ConfluenceScope;
  method: Method;
  /** Path under `{apiUrl}/ex/confluence/{cloudId}`, starting with `/wiki/api/v2/` and carrying its query. */
  path: string;
  body?: unknown;
  /** A read sent as a POST (users-bulk): as safe to send again as a GET. */
  readOnly?: boolean;
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
      const page: SpaceList = await this.send(target, { operation: 'list spaces', scope: SCOPES.readSpace, method: 'GET', path }, spaceListSchema);
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
      { operation: 'get space by key', scope: SCOPES.readSpace, method: 'GET', path: apiPath('/spaces', { keys: wantedKey }) },
      spaceListSchema,
    );
    // Only an exact key match counts, so a server that ignored the filter cannot hand us somebody else's space.
    const match = page.results.find((entry) => entry.key.toUpperCase() === wantedKey.toUpperCase());
    return match === undefined ? undefined : toSpace(match, page._links?.base);
  }

  async titleExists(target: ConfluenceTarget, spaceId: string, type: ContentType, title: string): Promise<boolean> {
    const page = await this.send(
      target,
      titleLookup(type, spaceId, title),
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
        const existing = await this.findCreated(target, content);
        if (existing !== undefined) {
          this.logger.info('confluence create found after an uncertain failure', { type: content.type, attempt });
          return existing;
        }
      }
      return this.postContent(target, content);
    });
  }

  /** Not retried on its own: it runs inside createContent's retries, which must not multiply. */
  private async findCreated(target: ConfluenceTarget, content: NewContent): Promise<CreatedContent | undefined> {
    const page = await this.attempt(
      target,
      titleLookup(content.type, content.spaceId, content.title),
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
        scope: SCOPES.writePage,
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
      { operation: 'space operations', scope: SCOPES.readSpace, method: 'GET', path: apiPath(`/spaces/${spaceId}/operations`, {}) },
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
    const page = await this.send(target, { operation: 'list pages in space', scope: SCOPES.readPage, method: 'GET', path }, pageListSchema);
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
    return toSearchResults(await this.send(target, { operation: 'search', scope: SCOPES.search, method: 'GET', path }, searchResponseSchema));
  }

  async findByTitle(target: ConfluenceTarget, spaceId: string, title: string): Promise<ContentTitle[]> {
    if (!CONTENT_ID.test(spaceId)) throw new ConfluenceError('not-found', 'Not a Confluence space id (find by title)');
    if (title === '') return [];
    const inCollection = async (type: ContentType): Promise<ContentTitle[]> => {
      const list = await this.send(
        target,
        titleLookup(type, spaceId, title),
        contentListSchema,
      );
      return toContentTitles(type, spaceId, title, list);
    };
    // Both asked at once; both settled before answering, so no request is left running after a failure.
    const settled = await Promise.allSettled([inCollection('page'), inCollection('blogpost')]);
    const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    return settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? outcome.value : []));
  }

  async getContent(target: ConfluenceTarget, ref: ContentRef): Promise<ContentDetail> {
    return withRetries(this.retry, () => this.readContent(target, ref));
  }

  /** One attempt, for use inside a retry loop that must not multiply. */
  private async readContent(target: ConfluenceTarget, ref: ContentRef): Promise<ContentDetail> {
    if (!CONTENT_ID.test(ref.id)) throw new ConfluenceError('not-found', `Not a Confluence ${ref.type} id (get content)`);
    const entry = await this.attempt(
      target,
      {
        operation: ref.type === 'page' ? 'get page' : 'get blog post',
        scope: SCOPES.readPage,
        method: 'GET',
        path: apiPath(`${collectionPath(ref.type)}/${ref.id}`, { 'body-format': 'storage' }),
      },
      contentDetailSchema,
    );
    return toContentDetail(ref, entry);
  }

  async userNames(target: ConfluenceTarget, accountIds: string[]): Promise<Map<string, string>> {
    const names = new Map<string, string>();
    for (const batch of accountIdBatches(accountIds)) {
      const answer = await this.send(
        target,
        { operation: 'users bulk', scope: SCOPES.readUser, method: 'POST', path: apiPath('/users-bulk', {}), body: { accountIds: batch }, readOnly: true },
        usersSchema,
      );
      addDisplayNames(names, batch, answer);
    }
    return names;
  }

  async recentComments(target: ConfluenceTarget, ref: ContentRef, limit: number): Promise<RecentComments> {
    if (!CONTENT_ID.test(ref.id)) throw new ConfluenceError('not-found', `Not a Confluence ${ref.type} id (recent comments)`);
    const size = String(Math.min(MAX_PAGE_SIZE, Math.max(1, Math.floor(limit))));
    const answer = await this.send(
      target,
      {
        operation: 'list footer comments',
        scope: SCOPES.readComment,
        method: 'GET',
        path: apiPath(`${collectionPath(ref.type)}/${ref.id}/footer-comments`, { 'body-format': 'storage', sort: '-created-date', limit: size }),
      },
      commentListSchema,
    );
    return toRecentComments(answer);
  }

  /** Sent once: a comment whose request timed out may have been posted, and a second one would show twice. */
  async addFooterComment(target: ConfluenceTarget, comment: NewComment): Promise<CreatedComment> {
    const { on } = comment;
    if (!CONTENT_ID.test(on.id)) throw new ConfluenceError('not-found', `Not a Confluence ${on.type} id (add comment)`);
    const storage = markdownToStorage(comment.bodyMarkdown);
    if (storage === '') throw new ConfluenceError('invalid-request', 'Nothing to comment (add comment)');
    const body = footerCommentBody(on, storage);
    refuseOverLimit(body, 'comment');
    const created = await this.send(
      target,
      { operation: 'add footer comment', scope: SCOPES.writeComment, method: 'POST', path: apiPath('/footer-comments', {}), body },
      createdCommentSchema,
    );
    return toCreatedComment(created);
  }

  /**
   * Always as version base + 1, so a change someone else saved since `base` was read makes Confluence answer 409
   * rather than be overwritten. An attempt that timed out or met a 5xx may have landed; if its retry then meets a 409,
   * the content is read back, and when it is exactly our update, that is the result.
   */
  async appendToContent(target: ConfluenceTarget, append: Append): Promise<AppendedContent> {
    const { base } = append;
    if (!CONTENT_ID.test(base.id)) throw new ConfluenceError('not-found', `Not a Confluence ${base.type} id (append)`);
    const addition = markdownToStorage(append.additionMarkdown);
    if (addition === '') throw new ConfluenceError('invalid-request', 'Nothing to add (append)');
    const update = appendUpdate(append, addition);
    refuseOverLimit(update.body, base.type);
    let uncertain = false;
    return withRetries(this.retry, async () => {
      try {
        return await this.putUpdate(target, base, update);
      } catch (error) {
        if (uncertain && error instanceof ConfluenceError && error.kind === 'conflict') {
          const current = await this.readContent(target, base);
          if (isOurUpdate(current, update)) {
            this.logger.info('confluence append found after an uncertain failure', { type: base.type });
            return { version: update.version, webUrl: current.webUrl };
          }
        }
        // 'rate-limited' means the request was not processed; anything else 'unavailable' may have been.
        if (error instanceof ConfluenceError && error.kind === 'unavailable') uncertain = true;
        throw error;
      }
    });
  }

  private async putUpdate(target: ConfluenceTarget, base: ContentDetail, update: AppendUpdate): Promise<AppendedContent> {
    const updated = await this.attempt(
      target,
      {
        operation: base.type === 'page' ? 'update page' : 'update blog post',
        scope: SCOPES.writePage,
        method: 'PUT',
        path: apiPath(`${collectionPath(base.type)}/${base.id}`, {}),
        body: update.body,
      },
      updatedContentSchema,
    );
    const webUrl = joinWebUrl(updated._links?.base, updated._links?.webui) ?? base.webUrl;
    // An answer at another version is not our update (a PUT to content trashed meanwhile only restores it, the
    // document says, leaving its body as it was): never report lines as added that may not be there.
    const version = updated.version?.number;
    if (version !== undefined && version !== update.version) {
      throw new ConfluenceError('conflict', `Confluence answered the ${base.type} update at version ${version}, not ${update.version}`, 200);
    }
    return { version: update.version, webUrl };
  }

  /**
   * Reads are retried on transient failures. A write is sent once: one that timed out may have happened, so its
   * retries are decided by the operation that knows how to check (createContent, appendToContent).
   */
  private async send<T>(target: ConfluenceTarget, call: ApiCall, schema: z.ZodType<T>): Promise<T> {
    const repeatable = call.method === 'GET' || call.readOnly === true;
    return repeatable ? withRetries(this.retry, () => this.attempt(target, call, schema)) : this.attempt(target, call, schema);
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
      const failure = statusError(call.operation, call.scope, response);
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

/** v2's exact title filter on one space's pages or blog posts. */
function titleLookup(type: ContentType, spaceId: string, title: string): ApiCall {
  return {
    operation: type === 'page' ? 'find pages by title' : 'find blog posts by title',
    scope: SCOPES.readPage,
    method: 'GET',
    path: apiPath(collectionPath(type), { 'space-id': spaceId, title, limit: String(MAX_PAGE_SIZE) }),
  };
}

function siteBase(target: ConfluenceTarget): string {
  return `${target.apiUrl.replace(/\/+$/, '')}/ex/confluence/${encodeURIComponent(target.cloudId)}`;
}

function apiPath(resource: string, query: Record<string, string>): string {
  const search = new URLSearchParams(query).toString();
  return `${API_PREFIX}${resource}${search === '' ? '' : `?${search}`}`;
}

/** Whether a followable path lists exactly `collection` (the query may differ; the resource may not). */
function isUnder(path: string, collection: string): boolean {
  return path === collection || path.startsWith(`${collection}?`);
}

/** Confluence answers 413 above 5 MB; refusing here saves sending megabytes only to be told so. */
function refuseOverLimit(body: unknown, what: string): void {
  if (Buffer.byteLength(JSON.stringify(body), 'utf8') > MAX_REQUEST_BYTES) {
    throw new ConfluenceError('too-large', `The ${what} is larger than Confluence accepts (5 MB)`);
  }
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
