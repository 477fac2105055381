/**
 * The wiki as people see it: `/sandbox` lists sites and spaces; `{site}/wiki/spaces/{key}` lists a space;
 * `{site}/wiki` + a content's `_links.webui` shows it, with its comments and history; `_links.tinyui` and `editui`
 * lead there. The first site is at `/sandbox`, others at `/sandbox/site/{cloudId}`.
 */
import type { Request, Response, Server } from 'restify';
import { findSite, spacesOf, wikiBase, type SandboxContext } from './context.js';
import { CONTENT_CSP, redirect, sendHtml } from './html.js';
import { contentPage, errorPage, indexPage, spacePage, type LinkView } from './pages.js';
import { contentWebui, spaceWebui } from './shapes.js';
import type { ContentRecord, SiteRecord, SpaceRecord } from './store.js';
import { asQuery } from './queryParams.js';
import { storageToHtml } from './storageHtml.js';
import { displayNameOf } from './users.js';
import { allVersions } from './versions.js';
import { pathParam, type RouteHandler } from './v2Route.js';

export { storageToHtml } from './storageHtml.js';

function visible(content: ContentRecord): boolean {
  return content.status === 'current' || content.status === 'archived';
}

export function mountViewerRoutes(server: Server, context: SandboxContext): void {
  const home = `${context.publicUrl}/sandbox`;
  const notFound = (res: Response): void =>
    sendHtml(res, 404, errorPage(home, 'Not found', 'There is no such site, space or content in the Confluence sandbox.'));

  const index: RouteHandler = async (_req, res) => {
    const sites = context.store.data.sites.map((site) => ({
      name: site.name,
      spaces: spacesOf(context, site.cloudId).map((space) => ({
        key: space.key,
        title: space.name,
        description: space.description,
        readOnly: !space.canCreate,
        href: `${wikiBase(context, site.cloudId)}${spaceWebui(space)}`,
      })),
    }));
    sendHtml(res, 200, indexPage(home, sites));
  };

  /** The default site for `/sandbox/wiki/…`, the named one for `/sandbox/site/{cloudId}/wiki/…`. */
  const siteOf = (req: Request): SiteRecord | undefined => {
    const cloudId = pathParam(req, 'cloudId');
    return cloudId === '' ? context.store.data.sites[0] : findSite(context, cloudId);
  };
  const spaceOf = (req: Request, site: SiteRecord): SpaceRecord | undefined =>
    spacesOf(context, site.cloudId).find((space) => space.key === pathParam(req, 'key'));

  const space: RouteHandler = async (req, res) => {
    const site = siteOf(req);
    const found = site && spaceOf(req, site);
    if (site === undefined || found === undefined) return notFound(res);
    const base = wikiBase(context, site.cloudId);
    const links = (type: ContentRecord['type']): LinkView[] =>
      context.store.data.contents
        .filter((content) => content.spaceId === found.id && content.type === type && visible(content))
        .map((content) => ({ title: content.title, href: `${base}${contentWebui(found, content)}` }));
    sendHtml(
      res,
      200,
      spacePage({
        homeHref: home,
        siteName: site.name,
        key: found.key,
        name: found.name,
        description: found.description,
        pages: links('page'),
        blogposts: links('blogpost'),
      }),
    );
  };

  const content = (type: ContentRecord['type']): RouteHandler => async (req, res) => {
    const site = siteOf(req);
    const found = site && spaceOf(req, site);
    const item = context.store.data.contents.find(
      (candidate) => candidate.id === pathParam(req, 'id') && candidate.type === type && candidate.spaceId === found?.id && visible(candidate),
    );
    if (site === undefined || found === undefined || item === undefined) return notFound(res);
    const nameOf = (accountId: string): string => displayNameOf(context.store, accountId);
    sendHtml(
      res,
      200,
      contentPage({
        homeHref: home,
        spaceHref: `${wikiBase(context, site.cloudId)}${spaceWebui(found)}`,
        spaceName: found.name,
        kind: type === 'page' ? 'Page' : 'Blog post',
        title: item.title,
        createdAt: item.createdAt,
        authorName: nameOf(item.authorId),
        storageHtml: storageToHtml(item.body),
        versions: allVersions(item)
          .reverse()
          .map((version) => ({ number: version.number, authorName: nameOf(version.authorId), createdAt: version.createdAt, message: version.message })),
        comments: context.store
          .commentsOf(found.id)
          .filter((comment) => comment.containerId === item.id)
          .map((comment) => ({ id: comment.id, authorName: nameOf(comment.authorId), createdAt: comment.createdAt, bodyHtml: storageToHtml(comment.body) })),
      }),
      CONTENT_CSP,
    );
  };

  /** `_links.tinyui` and `_links.editui` lead to the content's page (the sandbox has no editor). */
  const shortLink = (idOf: (req: Request) => string | undefined): RouteHandler => async (req, res) => {
    const site = siteOf(req);
    const id = idOf(req);
    const item = site && id !== undefined ? context.store.findContent(id) : undefined;
    const space = item && spacesOf(context, item.cloudId).find((candidate) => candidate.id === item.spaceId);
    if (site === undefined || item === undefined || space === undefined || item.cloudId !== site.cloudId || !visible(item)) return notFound(res);
    redirect(res, `${wikiBase(context, site.cloudId)}${contentWebui(space, item)}`);
  };
  const fromTinyCode = (req: Request): string | undefined => {
    const bytes = Buffer.from(pathParam(req, 'code'), 'base64url');
    let id = 0n;
    for (let index = bytes.length - 1; index >= 0; index -= 1) id = (id << 8n) | BigInt(bytes[index] as number);
    return bytes.length === 0 ? undefined : id.toString();
  };
  const fromDraftId = (req: Request): string | undefined => {
    const draftId = asQuery(req.query).draftId;
    return typeof draftId === 'string' && /^\d{1,18}$/.test(draftId) ? draftId : undefined;
  };

  for (const path of ['/sandbox', '/sandbox/wiki', '/sandbox/site/:cloudId', '/sandbox/site/:cloudId/wiki']) {
    server.get(path, index);
  }
  for (const site of ['/sandbox/wiki', '/sandbox/site/:cloudId/wiki']) {
    server.get(`${site}/spaces/:key`, space);
    server.get(`${site}/spaces/:key/pages/:id`, content('page'));
    server.get(`${site}/spaces/:key/pages/:id/:slug`, content('page'));
    server.get(`${site}/spaces/:key/blog/:year/:month/:day/:id/:slug`, content('blogpost'));
    server.get(`${site}/x/:code`, shortLink(fromTinyCode));
    server.get(`${site}/pages/resumedraft.action`, shortLink(fromDraftId));
  }
}
