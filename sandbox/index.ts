/**
 * The built-in Confluence sandbox: a fake of Atlassian's 3LO authorization server, the accessible-resources
 * endpoint, the Confluence v2 operations the bot uses and a small wiki viewer, all under `/sandbox` on the
 * bot's own restify server. It is the product's default when no Atlassian app is configured, and the test double
 * at the network edge, so it keeps Atlassian's paths, shapes and status codes (see ../shared/contracts/).
 *
 * Routes expect `req.query` and `req.body` parsed by restify's queryParser and bodyParser({ mapParams: false }).
 */
import path from 'node:path';
import type { Server } from 'restify';
import { ConsentRequests } from './consentRequests.js';
import { mountConfluenceRoutes } from './confluenceRoutes.js';
import { wikiBase, type ClientResolver, type SandboxContext } from './context.js';
import { Grants } from './grants.js';
import { mountOAuthRoutes } from './oauthRoutes.js';
import { mountResourcesRoutes } from './resourcesRoutes.js';
import { DEFAULT_SEED, seedSite, type SeedSpace } from './seed.js';
import { contentWebui } from './shapes.js';
import { SandboxStore, type ContentRecord } from './store.js';
import { mountViewerRoutes } from './viewer.js';

export type { SeedContent, SeedSpace } from './seed.js';
export { DEFAULT_SEED, DOCS_SPACE, SEED_WITH_DOCS } from './seed.js';

/** The cloudId of the default site; stable so links and tests can name it. */
export const DEFAULT_SANDBOX_CLOUD_ID = '5a4d6b1e-7c2f-4e0a-9b3d-0c0ffee5a2d0';

export interface SandboxOptions {
  /** State is kept in `${dataDir}/sandbox.json` (lowdb); the folder is created if missing. */
  dataDir: string;
  /** e.g. http://localhost:3978: used in `_links.base`, site URLs, viewer links and the consent form. */
  publicUrl: string;
  /** The client secret registered for this client id, or undefined if no such app. Called on every authorize/token request. */
  resolveClient: ClientResolver;
  /** Default: one site, `{ cloudId: DEFAULT_SANDBOX_CLOUD_ID, name: 'Sandbox' }`. A site is seeded when first seen. */
  sites?: Array<{ cloudId: string; name: string }>;
  /** What a new site holds. Default: DEFAULT_SEED (DEMO, ENG, TEAM and the read-only ARCHIVE). */
  seed?: SeedSpace[];
  accessTokenTtlSeconds?: number;
  now?: () => number;
}

/** A page or blog post as tests and tools see it. */
export interface SandboxContent {
  id: string;
  type: 'page' | 'blogpost';
  status: 'current' | 'archived' | 'draft';
  cloudId: string;
  spaceId: string;
  spaceKey: string;
  title: string;
  parentId?: string;
  /** Storage-format XHTML as stored. */
  body: string;
  createdAt: string;
  /** `_links.base + _links.webui`. */
  webUrl: string;
}

export interface SandboxSpace {
  id: string;
  key: string;
  name: string;
  cloudId: string;
  homepageId?: string;
  canCreate: boolean;
}

export interface Sandbox {
  /** Registers every route under /sandbox. */
  mount(server: Server): void;
  close(): Promise<void>;
  findContent(predicate: (content: SandboxContent) => boolean): Promise<SandboxContent[]>;
  listSpaces(): Promise<SandboxSpace[]>;
  /** Simulates revoked consent: every access and refresh token stops working. */
  revokeAllTokens(): Promise<void>;
  /** Simulates expiry: every access token stops working; refresh tokens still do. */
  expireAccessTokens(): Promise<void>;
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const store = await SandboxStore.open(path.resolve(options.dataDir));
  const sites = options.sites ?? [{ cloudId: DEFAULT_SANDBOX_CLOUD_ID, name: 'Sandbox' }];
  const newSites = sites.filter((site) => !store.data.sites.some((known) => known.cloudId === site.cloudId));
  for (const site of newSites) {
    store.data.sites.push({ cloudId: site.cloudId, name: site.name });
    seedSite(store, site.cloudId, options.seed ?? DEFAULT_SEED, new Date(now()).toISOString());
  }
  if (newSites.length > 0) await store.save();

  const context: SandboxContext = {
    store,
    grants: new Grants(store, now, options.accessTokenTtlSeconds ?? 3600),
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    resolveClient: options.resolveClient,
    now,
  };
  const consents = new ConsentRequests(now);

  const describe = (content: ContentRecord): SandboxContent | undefined => {
    const space = store.data.spaces.find((candidate) => candidate.id === content.spaceId);
    if (space === undefined) return undefined;
    return {
      id: content.id,
      type: content.type,
      status: content.status,
      cloudId: content.cloudId,
      spaceId: content.spaceId,
      spaceKey: space.key,
      title: content.title,
      parentId: content.parentId,
      body: content.body,
      createdAt: content.createdAt,
      webUrl: `${wikiBase(context, content.cloudId)}${contentWebui(space, content)}`,
    };
  };

  return {
    mount(server) {
      mountOAuthRoutes(server, context, consents);
      mountResourcesRoutes(server, context);
      mountConfluenceRoutes(server, context);
      mountViewerRoutes(server, context);
    },
    async close() {
      await store.save();
    },
    async findContent(predicate) {
      return store.data.contents
        .map(describe)
        .filter((content): content is SandboxContent => content !== undefined && predicate(content));
    },
    async listSpaces() {
      return store.data.spaces.map(({ id, key, name, cloudId, homepageId, canCreate }) => ({ id, key, name, cloudId, homepageId, canCreate }));
    },
    revokeAllTokens: () => context.grants.revokeAll(),
    expireAccessTokens: () => context.grants.expireAccessTokens(),
  };
}
