/**
 * Reading one page or blog post: `GET /pages/{id}`, `GET /blogposts/{id}` (getPageById, getBlogPostById) and their
 * history, `GET /pages/{id}/versions`, `GET /blogposts/{id}/versions`. `PUT` on the same paths is updateContent.ts.
 *
 * Sandbox choices where the document leaves room: `body-format` answers `storage` and `view` (rendered as the viewer
 * renders it) and refuses the other formats with 400; a version list is newest first unless `sort` says otherwise.
 */
import type { Server } from 'restify';
import { wikiBase, type SandboxContext } from './context.js';
import { locateContent, type Located } from './contentAccess.js';
import { sendList, slice } from './pagination.js';
import { BadRequest, booleanParam, enumList, enumValue, limitParam, singleString, type Query } from './queryParams.js';
import { REQUIRED_SCOPE } from './scopes.js';
import { contentJson, versionJson, type BodyFormat } from './shapes.js';
import type { ContentRecord, StoredVersion } from './store.js';
import { sendNotFound } from './v2Errors.js';
import { pathParam, v2Route, type V2Call } from './v2Route.js';
import { allVersions, findVersion } from './versions.js';

const SINGLE_BODY_FORMATS = ['storage', 'atlas_doc_format', 'view', 'export_view', 'anonymous_export_view', 'styled_view', 'editor'] as const;
const STATUSES: Record<ContentRecord['type'], readonly string[]> = {
  page: ['current', 'archived', 'trashed', 'deleted', 'historical', 'draft'],
  blogpost: ['current', 'trashed', 'deleted', 'historical', 'draft'],
};
const DEFAULT_STATUSES: Record<ContentRecord['type'], readonly string[]> = { page: ['current', 'archived'], blogpost: ['current'] };
/** include-versions shows at most this many, as the document says of every include-* list. */
const INCLUDED_VERSIONS = 50;

/** The path's `{id}` is an int64 in the document; anything else is Confluence's 400. */
export function contentId(call: V2Call): string {
  const id = pathParam(call.req, 'id');
  if (!/^\d{1,18}$/.test(id)) throw new BadRequest("Parameter 'id' must be a numeric id");
  return id;
}

function singleBodyFormat(query: Query): BodyFormat | undefined {
  const format = enumValue(query, 'body-format', SINGLE_BODY_FORMATS);
  if (format === undefined || format === 'storage' || format === 'view') return format;
  throw new BadRequest(`The Confluence sandbox answers body-format storage or view, not ${format}`);
}

function versionParam(query: Query): number | undefined {
  const value = singleString(query, 'version');
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new BadRequest("Parameter 'version' must be an integer");
  return Number(value);
}

function includeParam(query: Query, name: string, byDefault: boolean): boolean {
  return singleString(query, name) === undefined ? byDefault : booleanParam(query, name);
}

function located(context: SandboxContext, call: V2Call, type: ContentRecord['type']): Located | undefined {
  const id = contentId(call);
  const statuses = enumList(call.query, 'status', STATUSES[type]) ?? DEFAULT_STATUSES[type];
  const withDraft = booleanParam(call.query, 'get-draft') ? [...statuses, 'draft'] : statuses;
  return locateContent(context, call.cloudId, type, id, withDraft);
}

function getContentRoute(context: SandboxContext, type: ContentRecord['type']) {
  return (call: V2Call): void => {
    const found = located(context, call, type);
    const bodyFormat = singleBodyFormat(call.query);
    const wanted = versionParam(call.query);
    const includeVersion = includeParam(call.query, 'include-version', true);
    const includeVersions = includeParam(call.query, 'include-versions', false);
    if (found === undefined) return sendNotFound(call.res);
    const at = wanted === undefined ? undefined : findVersion(found.content, wanted);
    if (wanted !== undefined && at === undefined) return sendNotFound(call.res);

    const json = contentJson(found.space, found.content, bodyFormat, at);
    if (!includeVersion) delete json.version;
    if (includeVersions) {
      const newest = allVersions(found.content).reverse();
      json.versions = {
        results: newest.slice(0, INCLUDED_VERSIONS).map(versionJson),
        meta: { hasMore: newest.length > INCLUDED_VERSIONS },
        _links: { self: `/wiki/api/v2/${type === 'page' ? 'pages' : 'blogposts'}/${found.content.id}/versions` },
      };
    }
    call.res.send(200, { ...json, _links: { ...(json._links as object), base: wikiBase(context, call.cloudId) } });
  };
}

function versionEntry(type: ContentRecord['type'], content: ContentRecord, version: StoredVersion, withStorage: boolean): Record<string, unknown> {
  const entity = { id: content.id, title: version.title, ...(withStorage ? { body: { storage: { representation: 'storage', value: version.body } } } : {}) };
  return { ...versionJson(version), [type === 'page' ? 'page' : 'blogpost']: entity };
}

function versionsRoute(context: SandboxContext, type: ContentRecord['type']) {
  return (call: V2Call): void => {
    const id = contentId(call);
    const format = enumValue(call.query, 'body-format', ['storage', 'atlas_doc_format'] as const);
    if (format === 'atlas_doc_format') throw new BadRequest('The Confluence sandbox answers body-format storage, not atlas_doc_format');
    const sort = enumValue(call.query, 'sort', ['modified-date', '-modified-date'] as const) ?? '-modified-date';
    const limit = limitParam(call.query);
    const cursor = singleString(call.query, 'cursor');
    const found = locateContent(context, call.cloudId, type, id);
    if (found === undefined) return sendNotFound(call.res);
    const oldestFirst = allVersions(found.content);
    const ordered = sort === 'modified-date' ? oldestFirst : oldestFirst.reverse();
    const page = slice(ordered, cursor, limit);
    const results = page.results.map((version) => versionEntry(type, found.content, version, format === 'storage'));
    const v2Path = `/${type === 'page' ? 'pages' : 'blogposts'}/${id}/versions`;
    sendList(call.req, call.res, v2Path, { ...page, results }, wikiBase(context, call.cloudId));
  };
}

export function mountContentReadRoutes(server: Server, context: SandboxContext, v2Prefix: string): void {
  server.get(`${v2Prefix}/pages/:id`, v2Route(context, REQUIRED_SCOPE.readPage, getContentRoute(context, 'page')));
  server.get(`${v2Prefix}/blogposts/:id`, v2Route(context, REQUIRED_SCOPE.readPage, getContentRoute(context, 'blogpost')));
  server.get(`${v2Prefix}/pages/:id/versions`, v2Route(context, REQUIRED_SCOPE.readPage, versionsRoute(context, 'page')));
  server.get(`${v2Prefix}/blogposts/:id/versions`, v2Route(context, REQUIRED_SCOPE.readPage, versionsRoute(context, 'blogpost')));
}
