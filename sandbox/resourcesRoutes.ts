/** `GET /sandbox/api/oauth/token/accessible-resources`: the sites a token reaches (contract §A4). */
import type { Request, Response, Server } from 'restify';
import { siteUrl, type SandboxContext } from './context.js';
import { authenticate } from './gatewayAuth.js';

const AVATAR_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48">' +
  '<rect width="48" height="48" rx="8" fill="#0052cc"/><text x="24" y="32" font-size="22" text-anchor="middle" fill="#fff" font-family="sans-serif">S</text></svg>';

/** Scopes that say nothing about a site are not listed against one, as on Atlassian. */
const ACCOUNT_SCOPES = new Set(['offline_access', 'read:me']);

export function mountResourcesRoutes(server: Server, context: SandboxContext): void {
  server.get('/sandbox/api/oauth/token/accessible-resources', async (req: Request, res: Response) => {
    const token = authenticate(context, req, res);
    if (token === undefined) return;
    const scopes = token.scopes.filter((scope) => !ACCOUNT_SCOPES.has(scope));
    res.send(
      200,
      context.store.data.sites.map((site) => ({
        id: site.cloudId,
        name: site.name,
        url: siteUrl(context, site.cloudId),
        scopes,
        avatarUrl: `${context.publicUrl}/sandbox/site-avatar.svg`,
      })),
    );
  });

  server.get('/sandbox/site-avatar.svg', async (_req: Request, res: Response) => {
    res.sendRaw(200, AVATAR_SVG, { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'public, max-age=86400' });
  });
}
