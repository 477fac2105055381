/**
 * Confluence v2 through the gateway: `/sandbox/api/ex/confluence/{cloudId}/wiki/api/v2/…` (ENDPOINTS.md §1–6, and
 * `GET /spaces/{id}/operations` from the v2 OpenAPI document; reading, updating, comments and users in their own
 * modules: contentRoutes.ts, updateContent.ts, commentRoutes.ts, usersRoutes.ts),
 * and v1 `/wiki/rest/api/…`, which the OAuth gateway answers with 410 Gone (§7) except for search (search.ts).
 */
import type { Request, Response, Server } from 'restify';
import { spacesOf, wikiBase, type SandboxContext } from './context.js';
import { createContentRoute } from './createContent.js';
import { mountCommentRoutes } from './commentRoutes.js';
import { mountContentReadRoutes } from './contentRoutes.js';
import { authenticate } from './gatewayAuth.js';
import { sendList, slice } from './pagination.js';
import { enumList, enumValue, idList, limitParam, singleString, stringList, type Query } from './queryParams.js';
import { REQUIRED_SCOPE } from './scopes.js';
import { sendV1Gone } from './v1Errors.js';
import { SEARCH_PATH, searchRoute } from './search.js';
import { contentJson, spaceJson, spaceOperationsJson } from './shapes.js';
import type { ContentRecord, SpaceRecord } from './store.js';
import { updateContentRoute } from './updateContent.js';
import { mountUsersRoutes } from './usersRoutes.js';
import { sendNotFound } from './v2Errors.js';
import { pathParam, v2Route, type V2Call } from './v2Route.js';
import { modifiedAt } from './versions.js';

export const V2_PREFIX = '/sandbox/api/ex/confluence/:cloudId/wiki/api/v2';
const V1_PREFIX = '/sandbox/api/ex/confluence/:cloudId/wiki/rest/api';

const SPACE_TYPES = ['global', 'collaboration', 'knowledge_base', 'personal', 'system', 'onboarding', 'xflow_sample_space'] as const;
const SPACE_STATUSES = ['current', 'archived', 'trashed'] as const;
const SPACE_SORTS = ['id', '-id', 'key', '-key', 'name', '-name'] as const;
const CONTENT_SORTS = ['id', '-id', 'created-date', '-created-date', 'modified-date', '-modified-date', 'title', '-title'] as const;
const PAGE_STATUSES = ['current', 'archived', 'deleted', 'trashed'] as const;
const BLOGPOST_STATUSES = ['current', 'deleted', 'trashed'] as const;
const BODY_FORMATS = ['storage', 'atlas_doc_format'] as const;

/** A v2 `sort` value: a field name, `-` in front for descending. */
function direction(sort: string): { field: string; sign: 1 | -1 } {
  return sort.startsWith('-') ? { field: sort.slice(1), sign: -1 } : { field: sort, sign: 1 };
}

function compareIds(a: string, b: string): number {
  return Number(a) - Number(b);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortSpaces(spaces: SpaceRecord[], sort: string | undefined): SpaceRecord[] {
  const { field, sign } = direction(sort ?? 'id');
  const primary = (a: SpaceRecord, b: SpaceRecord): number =>
    field === 'key' ? compareText(a.key, b.key) : field === 'name' ? compareText(a.name, b.name) : 0;
  return [...spaces].sort((a, b) => sign * (primary(a, b) || compareIds(a.id, b.id)));
}

function sortContent(contents: ContentRecord[], sort: string | undefined): ContentRecord[] {
  const { field, sign } = direction(sort ?? 'id');
  const date = field === 'modified-date' ? modifiedAt : (content: ContentRecord): string => content.createdAt;
  const primary = (a: ContentRecord, b: ContentRecord): number =>
    field === 'title' ? compareText(a.title, b.title) : field === 'id' ? 0 : compareText(date(a), date(b));
  return [...contents].sort((a, b) => sign * (primary(a, b) || compareIds(a.id, b.id)));
}

interface ContentListing {
  type: ContentRecord['type'];
  v2Path: string;
  spaceIds?: string[];
  statuses: readonly string[];
  defaultStatuses: readonly string[];
  rootOnly?: boolean;
}

/** Shared by the five content lists: status, title, id filters, sort, body-format and the cursor. */
function sendContentList(context: SandboxContext, call: V2Call, listing: ContentListing): void {
  const { query, cloudId } = call;
  const statuses = enumList(query, 'status', listing.statuses) ?? listing.defaultStatuses;
  const title = singleString(query, 'title');
  const ids = idList(query, 'id', 250);
  const sort = enumValue(query, 'sort', CONTENT_SORTS);
  const bodyFormat = enumValue(query, 'body-format', BODY_FORMATS) === 'storage' ? 'storage' : undefined;
  const limit = limitParam(query);
  const spaces = new Map(spacesOf(context, cloudId).map((space) => [space.id, space]));
  const matches = context.store.data.contents.filter(
    (content) =>
      content.type === listing.type &&
      spaces.has(content.spaceId) &&
      (listing.spaceIds === undefined || listing.spaceIds.includes(content.spaceId)) &&
      statuses.includes(content.status) &&
      (title === undefined || content.title === title) &&
      (ids === undefined || ids.includes(content.id)) &&
      (!listing.rootOnly || content.parentId === undefined),
  );
  const page = slice(sortContent(matches, sort), singleString(query, 'cursor'), limit);
  const results = page.results.map((content) => contentJson(spaces.get(content.spaceId) as SpaceRecord, content, bodyFormat));
  sendList(call.req, call.res, listing.v2Path, { ...page, results }, wikiBase(context, cloudId));
}

function findSpace(context: SandboxContext, cloudId: string, id: string): SpaceRecord | undefined {
  return spacesOf(context, cloudId).find((space) => space.id === id);
}

function mountSpaceRoutes(server: Server, context: SandboxContext): void {
  server.get(
    `${V2_PREFIX}/spaces`,
    v2Route(context, REQUIRED_SCOPE.readSpace, (call) => {
      const { query, cloudId } = call;
      const ids = idList(query, 'ids', 250);
      const keys = stringList(query, 'keys', 250);
      const type = enumValue(query, 'type', SPACE_TYPES);
      const status = enumValue(query, 'status', SPACE_STATUSES);
      const sort = enumValue(query, 'sort', SPACE_SORTS);
      const descriptionFormat = enumValue(query, 'description-format', ['plain', 'view'] as const);
      const limit = limitParam(query);
      const matches = spacesOf(context, cloudId).filter(
        (space) =>
          (ids === undefined || ids.includes(space.id)) &&
          (keys === undefined || keys.includes(space.key)) &&
          (type === undefined || space.type === type) &&
          (status === undefined || space.status === status),
      );
      const page = slice(sortSpaces(matches, sort), singleString(query, 'cursor'), limit);
      const results = page.results.map((space) => spaceJson(space, descriptionFormat));
      sendList(call.req, call.res, '/spaces', { ...page, results }, wikiBase(context, cloudId));
    }),
  );

  server.get(
    `${V2_PREFIX}/spaces/:id`,
    v2Route(context, REQUIRED_SCOPE.readSpace, ({ req, res, query, cloudId }) => {
      const space = findSpace(context, cloudId, pathParam(req, 'id'));
      if (space === undefined) return sendNotFound(res);
      const descriptionFormat = enumValue(query, 'description-format', ['plain', 'view'] as const);
      const json = spaceJson(space, descriptionFormat);
      res.send(200, { ...json, _links: { ...(json._links as object), base: wikiBase(context, cloudId) } });
    }),
  );

  server.get(
    `${V2_PREFIX}/spaces/:id/operations`,
    v2Route(context, REQUIRED_SCOPE.readSpace, ({ req, res, cloudId }) => {
      const space = findSpace(context, cloudId, pathParam(req, 'id'));
      if (space === undefined) return sendNotFound(res);
      res.send(200, spaceOperationsJson(space));
    }),
  );

  server.get(
    `${V2_PREFIX}/spaces/:id/pages`,
    v2Route(context, REQUIRED_SCOPE.readPage, (call) => {
      const space = findSpace(context, call.cloudId, pathParam(call.req, 'id'));
      if (space === undefined || !space.canReadPages) return sendNotFound(call.res);
      const depth = enumValue(call.query, 'depth', ['all', 'root'] as const);
      sendContentList(context, call, {
        type: 'page',
        v2Path: `/spaces/${space.id}/pages`,
        spaceIds: [space.id],
        statuses: PAGE_STATUSES,
        defaultStatuses: ['current', 'archived'],
        rootOnly: depth === 'root',
      });
    }),
  );

  server.get(
    `${V2_PREFIX}/spaces/:id/blogposts`,
    v2Route(context, REQUIRED_SCOPE.readPage, (call) => {
      const space = findSpace(context, call.cloudId, pathParam(call.req, 'id'));
      if (space === undefined) return sendNotFound(call.res);
      sendContentList(context, call, {
        type: 'blogpost',
        v2Path: `/spaces/${space.id}/blogposts`,
        spaceIds: [space.id],
        statuses: BLOGPOST_STATUSES,
        defaultStatuses: ['current'],
      });
    }),
  );
}

function mountContentRoutes(server: Server, context: SandboxContext): void {
  const spaceIdFilter = (query: Query): string[] | undefined => idList(query, 'space-id', 100);

  server.get(
    `${V2_PREFIX}/pages`,
    v2Route(context, REQUIRED_SCOPE.readPage, (call) => {
      enumValue(call.query, 'subtype', ['live', 'page'] as const);
      sendContentList(context, call, {
        type: 'page',
        v2Path: '/pages',
        spaceIds: spaceIdFilter(call.query),
        statuses: PAGE_STATUSES,
        defaultStatuses: ['current', 'archived'],
      });
    }),
  );

  server.get(
    `${V2_PREFIX}/blogposts`,
    v2Route(context, REQUIRED_SCOPE.readPage, (call) => {
      sendContentList(context, call, {
        type: 'blogpost',
        v2Path: '/blogposts',
        spaceIds: spaceIdFilter(call.query),
        statuses: BLOGPOST_STATUSES,
        defaultStatuses: ['current'],
      });
    }),
  );

  server.post(`${V2_PREFIX}/pages`, v2Route(context, REQUIRED_SCOPE.writePage, (call) => createContentRoute(context, call, 'page')));
  server.post(`${V2_PREFIX}/blogposts`, v2Route(context, REQUIRED_SCOPE.writePage, (call) => createContentRoute(context, call, 'blogpost')));
  mountContentReadRoutes(server, context, V2_PREFIX);
  server.put(`${V2_PREFIX}/pages/:id`, v2Route(context, REQUIRED_SCOPE.writePage, (call) => updateContentRoute(context, call, 'page')));
  server.put(`${V2_PREFIX}/blogposts/:id`, v2Route(context, REQUIRED_SCOPE.writePage, (call) => updateContentRoute(context, call, 'blogpost')));
}

/** Every v1 content or space call, as the OAuth gateway answers them now (sooperset/mcp-atlassian#1598). */
function mountRemovedV1Routes(server: Server, context: SandboxContext): void {
  const gone = async (req: Request, res: Response): Promise<void> => {
    if (authenticate(context, req, res) === undefined) return;
    sendV1Gone(res);
  };
  for (const path of [V1_PREFIX, `${V1_PREFIX}/*`]) {
    server.get(path, gone);
    server.post(path, gone);
    server.put(path, gone);
    server.del(path, gone);
  }
}

export function mountConfluenceRoutes(server: Server, context: SandboxContext): void {
  mountSpaceRoutes(server, context);
  mountContentRoutes(server, context);
  mountCommentRoutes(server, context, V2_PREFIX);
  mountUsersRoutes(server, context, V2_PREFIX);
  // A static path outranks the v1 wildcard in restify's router whatever the order; first anyway, for the reader.
  server.get(SEARCH_PATH, searchRoute(context));
  mountRemovedV1Routes(server, context);
}
