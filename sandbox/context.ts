/** What every sandbox route needs, built once by createSandbox, plus the URLs browsers use for a site. */
import type { Grants } from './grants.js';
import type { SandboxData, SandboxStore, SiteRecord, SpaceRecord } from './store.js';

/** An app registered with the sandbox, as Atlassian's developer console knows one: its secret and its name. */
export interface RegisteredClient {
  secret: string;
  /** What the consent page calls the app ("Confluence assistant (system app)"); without it, the client id. */
  name?: string;
}

export type ClientResolver = (clientId: string) => Promise<RegisteredClient | undefined> | RegisteredClient | undefined;

export interface SandboxContext {
  store: SandboxStore;
  grants: Grants;
  /** Without a trailing slash. */
  publicUrl: string;
  resolveClient: ClientResolver;
  /** The registered callback URLs, normalized by registeredRedirectUris; the only ones authorize sends a browser to. */
  redirectUris: ReadonlySet<string>;
  now: () => number;
  /** Plays Atlassian removing v1 search from the gateway as it removed v1 content: the search answers 410. */
  searchRetired?: boolean;
}

/** URL parsing settles spelling that means the same place (host case, a default port); nothing else is forgiven. */
export function normalizeRedirectUri(value: string): string | undefined {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hash === '' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Enough to build a site's URLs: a running sandbox's context, or data read offline (offlineReader.ts). */
export interface SiteUrls {
  publicUrl: string;
  store: { readonly data: Pick<SandboxData, 'sites'> };
}

export function findSite(context: SandboxContext, cloudId: string): SiteRecord | undefined {
  return context.store.data.sites.find((site) => site.cloudId === cloudId);
}

/**
 * The first site is the one `/sandbox/wiki/…` shows; any other lives under `/sandbox/site/{cloudId}`.
 * Like `https://x.atlassian.net`, a site URL is what accessible-resources returns, and `{site}/wiki` is `_links.base`.
 */
export function siteUrl(context: SiteUrls, cloudId: string): string {
  const isDefault = context.store.data.sites[0]?.cloudId === cloudId;
  return isDefault ? `${context.publicUrl}/sandbox` : `${context.publicUrl}/sandbox/site/${encodeURIComponent(cloudId)}`;
}

export function wikiBase(context: SiteUrls, cloudId: string): string {
  return `${siteUrl(context, cloudId)}/wiki`;
}

export function spacesOf(context: SandboxContext, cloudId: string): SpaceRecord[] {
  return context.store.data.spaces.filter((space) => space.cloudId === cloudId);
}
