/**
 * The built-in Confluence sandbox: a fake of Atlassian's 3LO authorization server, the accessible-resources
 * endpoint, the Confluence v2 operations the bot uses and a small wiki viewer, all under `/sandbox`, on the bot's
 * own restify server (one instance) or on a server of its own that several instances share (server.ts). It is the
 * product's default when no Atlassian app is configured, and the test double at the network edge, so it keeps
 * Atlassian's paths, shapes and status codes (see ../shared/contracts/).
 *
 * Routes expect `req.query` parsed by restify's queryParser and `req.body` by web/http/requestBody.ts (sandboxRequestBodies).
 */
import path from 'node:path';
import type { Server } from 'restify';
import type { RecordStore } from '../services/storage/recordStore.js';
import { addComment } from './commentRoutes.js';
import { ConsentRequests } from './consentRequests.js';
import { mountConfluenceRoutes } from './confluenceRoutes.js';
import { describeContents, type SandboxContent } from './contentView.js';
import { normalizeRedirectUri, type ClientResolver, type SandboxContext } from './context.js';
import { Grants } from './grants.js';
import { importLegacySandbox } from './legacyImport.js';
import { mountOAuthRoutes } from './oauthRoutes.js';
import { RecordWriter } from './recordWriter.js';
import { mountResourcesRoutes } from './resourcesRoutes.js';
import { DEFAULT_SEED, seedSite, type SeedSpace } from './seed.js';
import { SandboxStore } from './store.js';
import { SANDBOX_COLLEAGUE } from './users.js';
import { applyEdit } from './versions.js';
import { mountViewerRoutes } from './viewer.js';

export type { SandboxContent } from './contentView.js';
export type { SeedContent, SeedSpace } from './seed.js';
export { DEFAULT_SEED, DOCS_SPACE, SEED_WITH_DOCS } from './seed.js';
export { readSandboxContents } from './offlineReader.js';
export { SandboxDataError } from './recordLayout.js';
export { SANDBOX_USER } from './store.js';
export { SANDBOX_COLLEAGUE, type SandboxPerson } from './users.js';

/** The cloudId of the default site; stable so links and tests can name it. */
export const DEFAULT_SANDBOX_CLOUD_ID = '5a4d6b1e-7c2f-4e0a-9b3d-0c0ffee5a2d0';

export interface SandboxOptions {
  /**
   * Where the sandbox keeps its data: records under `sandbox/` (layout in recordLayout.ts). It stays authoritative
   * in memory and writes through, so one sandbox, and only one, may use these records at a time.
   */
  records: RecordStore;
  /** A folder that may hold a `sandbox.json` from before records: imported once, then renamed `sandbox.json.migrated`. */
  legacyDataDir?: string;
  /** e.g. http://localhost:3978: used in `_links.base`, site URLs, viewer links and the consent form. */
  publicUrl: string;
  /** The app registered with this client id (secret and name), or undefined if none. Called on every authorize/token request. */
  resolveClient: ClientResolver;
  /**
   * The callback URLs registered for the apps the sandbox knows (Atlassian's developer console: Authorization →
   * Callback URL). Authorize redirects only to one of these and shows an error page for any other, as Atlassian
   * does. In this product every app, the system app and each admin profile alike, uses the bot's one callback.
   */
  redirectUris: readonly string[];
  /** Default: one site, `{ cloudId: DEFAULT_SANDBOX_CLOUD_ID, name: 'Sandbox' }`. A site is seeded when first seen. */
  sites?: Array<{ cloudId: string; name: string }>;
  /** What a new site holds. Default: DEFAULT_SEED (DEMO, ENG, TEAM and the read-only ARCHIVE). */
  seed?: SeedSpace[];
  accessTokenTtlSeconds?: number;
  now?: () => number;
}

export interface OtherPersonsEdit {
  body?: string;
  title?: string;
  message?: string;
  /** Default: SANDBOX_COLLEAGUE's account id. */
  authorId?: string;
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
  /**
   * Simulates a space administrator granting or taking away the sandbox user's permission to add content in every
   * space with this key (on every site); the space's operations and create answers follow.
   */
  setCanCreate(spaceKey: string, canCreate: boolean): Promise<void>;
  /**
   * Simulates someone else saving a new version (version + 1) while the bot was not looking, so a client's
   * update based on the older version gets Confluence's 409. By default the colleague (SANDBOX_COLLEAGUE) edits;
   * `body` replaces the storage body, `title` the title (both default to what is there). Returns the new number.
   */
  editContent(contentId: string, edit: OtherPersonsEdit): Promise<number>;
  /** Simulates someone deleting the content (it goes to the trash): from then on every route answers 404 for it. */
  deleteContent(contentId: string): Promise<void>;
  /** Simulates someone (by default the colleague) leaving a footer comment; returns its id. */
  addComment(contentId: string, comment: { body: string; authorId?: string }): Promise<string>;
  /** Simulates Atlassian removing v1 search from the OAuth gateway: from then on the search answers 410 Gone. */
  retireSearch(): Promise<void>;
  /** Simulates revoked consent: every access and refresh token stops working. */
  revokeAllTokens(): Promise<void>;
  /** Simulates expiry: every access token stops working; refresh tokens still do. */
  expireAccessTokens(): Promise<void>;
}

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  const now = options.now ?? Date.now;
  const redirectUris = new Set<string>();
  for (const uri of options.redirectUris) {
    const normalized = normalizeRedirectUri(uri);
    if (normalized === undefined) throw new Error(`The sandbox's registered callback URL ${JSON.stringify(uri)} is not an absolute http(s) URL without a fragment.`);
    redirectUris.add(normalized);
  }
  const { records } = options;
  if (options.legacyDataDir !== undefined) await importLegacySandbox(records, path.resolve(options.legacyDataDir), now());
  const writer = new RecordWriter(records);
  const store = await SandboxStore.open(records, writer);
  const grants = await Grants.open(records, writer, now, options.accessTokenTtlSeconds ?? 3600);

  const sites = options.sites ?? [{ cloudId: DEFAULT_SANDBOX_CLOUD_ID, name: 'Sandbox' }];
  const newSites = sites.filter((site) => !store.data.sites.some((known) => known.cloudId === site.cloudId));
  const seededSpaceIds: string[] = [];
  for (const site of newSites) {
    store.data.sites.push({ cloudId: site.cloudId, name: site.name });
    seededSpaceIds.push(...seedSite(store, site.cloudId, options.seed ?? DEFAULT_SEED, new Date(now()).toISOString()));
  }
  if (newSites.length > 0) {
    // Spaces first: a meta record naming a space whose record is not written yet would read as lost data.
    await Promise.all(seededSpaceIds.map((spaceId) => store.saveSpace(spaceId)));
    await store.saveMeta();
  }

  const context: SandboxContext = {
    store,
    grants,
    publicUrl: options.publicUrl.replace(/\/+$/, ''),
    resolveClient: options.resolveClient,
    redirectUris,
    now,
  };
  const consents = new ConsentRequests(now);

  return {
    mount(server) {
      mountOAuthRoutes(server, context, consents);
      mountResourcesRoutes(server, context);
      mountConfluenceRoutes(server, context);
      mountViewerRoutes(server, context);
    },
    async close() {
      await writer.flush();
    },
    async findContent(predicate) {
      return describeContents(store.data, context.publicUrl).filter(predicate);
    },
    async listSpaces() {
      return store.data.spaces.map(({ id, key, name, cloudId, homepageId, canCreate }) => ({ id, key, name, cloudId, homepageId, canCreate }));
    },
    async setCanCreate(spaceKey, canCreate) {
      const spaces = store.data.spaces.filter((space) => space.key === spaceKey);
      if (spaces.length === 0) throw new Error(`The sandbox has no space ${spaceKey}.`);
      for (const space of spaces) {
        space.canCreate = canCreate;
        await store.saveSpace(space.id);
      }
    },
    async editContent(contentId, edit) {
      const content = store.findContent(contentId);
      if (content === undefined) throw new Error(`The sandbox has no content ${contentId}.`);
      applyEdit(content, {
        title: edit.title ?? content.title,
        body: edit.body ?? content.body,
        authorId: edit.authorId ?? SANDBOX_COLLEAGUE.accountId,
        createdAt: new Date(now()).toISOString(),
        message: edit.message ?? '',
      });
      await store.saveSpace(content.spaceId);
      return content.versionNumber;
    },
    async deleteContent(contentId) {
      const content = store.findContent(contentId);
      if (content === undefined) throw new Error(`The sandbox has no content ${contentId}.`);
      store.trashContent(content);
      await store.saveSpace(content.spaceId);
    },
    async addComment(contentId, comment) {
      const content = store.findContent(contentId);
      const space = store.data.spaces.find((candidate) => candidate.id === content?.spaceId);
      if (content === undefined || space === undefined) throw new Error(`The sandbox has no content ${contentId}.`);
      const added = await addComment(context, { on: { space, content }, authorId: comment.authorId ?? SANDBOX_COLLEAGUE.accountId, body: comment.body });
      return added.id;
    },
    async retireSearch() {
      context.searchRetired = true;
    },
    revokeAllTokens: () => grants.revokeAll(),
    expireAccessTokens: () => grants.expireAccessTokens(),
  };
}
