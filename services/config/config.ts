/**
 * The bot's configuration, parsed once from the environment (and `.env`, loaded by index.ts).
 * A bad or missing variable stops start-up with a message naming it.
 */
import { isIP } from 'node:net';
import { z } from 'zod';

/**
 * What every action needs, per the OpenAPI documents' scopes: spaces, pages (read, create, append), search (v1),
 * footer comments, and people's names for "author" on a page card. A token without one of them still does the rest.
 */
export const DEFAULT_SCOPES = [
  'read:space:confluence',
  'read:page:confluence',
  'write:page:confluence',
  'search:confluence',
  'read:comment:confluence',
  'write:comment:confluence',
  'read:user:confluence',
  'offline_access',
];

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

/** An http(s) URL without trailing slashes (the bot's and the standalone sandbox's settings). */
export const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

const environmentSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  PUBLIC_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  ENCRYPTION_KEY: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 32 bytes written as 64 hexadecimal characters (openssl rand -hex 32)')
      .optional(),
  ),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  LOG_FORMAT: z.preprocess((v) => (v === '' ? undefined : v), z.enum(['json', 'pretty']).optional()),
  TRANSCRIPTS_DIR: optionalText,
  OAUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  TRUST_PROXY: optionalText,
  ALLOWED_SERVICE_URLS: optionalText,

  MicrosoftAppId: optionalText,
  MicrosoftAppPassword: optionalText,
  MicrosoftAppType: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
  ),
  MicrosoftAppTenantId: optionalText,
  MicrosoftAppCertificateThumbprint: optionalText,
  MicrosoftAppCertificatePrivateKeyFile: optionalText,
  // botbuilder's own setting: where the signing keys of channel tokens are published (a sovereign cloud, a test).
  BotOpenIdMetadata: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),

  ATLASSIAN_CLIENT_ID: optionalText,
  ATLASSIAN_CLIENT_SECRET: optionalText,
  ATLASSIAN_AUTHORIZATION_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  ATLASSIAN_TOKEN_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  ATLASSIAN_API_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
  ATLASSIAN_SCOPES: optionalText,

  AZURE_STORAGE_CONNECTION_STRING: optionalText,
  AZURE_STORAGE_CONTAINER: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/, 'must be 3 to 63 lowercase letters, digits and single hyphens (an Azure container name)')
      .default('confluence-assistant'),
  ),
  RECORD_TRANSCRIPTS: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(['true', 'false', '1', '0']).default('false').transform((v) => v === 'true' || v === '1'),
  ),

  DIRECT_LINE_SECRET: optionalText,
  DIRECT_LINE_URL: z.preprocess((v) => (v === '' ? undefined : v), httpUrl.optional()),
});

export interface MicrosoftIdentity {
  appId: string;
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  tenantId?: string;
  password?: string;
  certificateThumbprint?: string;
  certificatePrivateKeyFile?: string;
  /** OpenID metadata of the channel tokens' issuer; botbuilder's default (login.botframework.com) when unset. */
  openIdMetadataUrl?: string;
}

export interface SystemApp {
  clientId: string;
  /** Undefined in sandbox mode until index.ts registers the sandbox's generated client. */
  clientSecret?: string;
  authorizationUrl: string;
  tokenUrl: string;
  apiUrl: string;
  scopes: string[];
}

export interface Config {
  port: number;
  /** Base URL browsers use to reach this server (sign-in links, the OAuth redirect URI). */
  publicUrl: string;
  /** `{publicUrl}/oauth/callback`: must equal the callback URL registered with Atlassian. */
  redirectUri: string;
  dataDir: string;
  encryptionKeyHex?: string;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** LOG_FORMAT; unset: `pretty` when standard output is a terminal (a person reads it), else `json` (a machine does). */
  logFormat: 'json' | 'pretty';
  /** Set: every conversation is recorded as an Emulator `.transcript` file here, secrets redacted. */
  transcriptsDir?: string;
  /** Every conversation is recorded into the shared store (all instances), exported with `npm run transcripts:export`. */
  recordTranscripts: boolean;
  /** Where the bot's own data and conversation state live. */
  storage: StorageSettings;
  /** Sign-in requests (/oauth/start and /oauth/callback) one client address may make per minute. */
  oauthRateLimitPerMinute: number;
  /** Which proxies may tell us the client's address in X-Forwarded-For; none unless TRUST_PROXY says so. */
  trustProxy: TrustProxy;
  /**
   * Emulator mode only: serviceUrls the bot may reply to besides loopback ones (origins, e.g. a tunnel's). With
   * MicrosoftAppId set, the signed token vouches for the serviceUrl instead.
   */
  allowedServiceUrls: string[];
  /** Unset: Emulator mode, no Bot Framework authentication. */
  microsoft?: MicrosoftIdentity;
  /** True when no ATLASSIAN_CLIENT_ID is set: the built-in Confluence sandbox plays Atlassian. */
  sandbox: boolean;
  system: SystemApp;
  /** Web Chat's connection: Azure's Direct Line when a secret is set, else the built-in local Direct Line. */
  directLine: DirectLineSettings;
}

/**
 * `none`: the socket's address is the client's. `hops`: that many proxies in front of us each append to
 * X-Forwarded-For, so the client is that many entries from the right. `addresses`: proxies at these addresses (or
 * CIDR ranges) are trusted; the client is the rightmost entry not among them.
 */
export type TrustProxy = { kind: 'none' } | { kind: 'hops'; count: number } | { kind: 'addresses'; ranges: string[] };

export type StorageSettings =
  | { kind: 'local' }
  /** Shared by every instance: Azure Blob Storage (or Azurite). */
  | { kind: 'azure'; connectionString: string; container: string };

export interface DirectLineSettings {
  /** The Azure Bot's Direct Line channel secret; never sent to a browser, only exchanged for tokens. */
  secret?: string;
  /** Azure's Direct Line base URL (regional endpoints differ); also lets tests point at a local fake. */
  url: string;
}

export const DEFAULT_DIRECT_LINE_URL = 'https://directline.botframework.com';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problem:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export const SANDBOX_CLIENT_ID = 'sandbox-system-app';

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];

  const publicUrl = e.PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  const sandbox = e.ATLASSIAN_CLIENT_ID === undefined;
  if (!sandbox && e.ATLASSIAN_CLIENT_SECRET === undefined) {
    problems.push('ATLASSIAN_CLIENT_SECRET: required when ATLASSIAN_CLIENT_ID is set');
  }
  if (sandbox && e.ATLASSIAN_CLIENT_SECRET !== undefined) {
    problems.push('ATLASSIAN_CLIENT_ID: required when ATLASSIAN_CLIENT_SECRET is set');
  }
  if (!sandbox && e.ENCRYPTION_KEY === undefined) {
    problems.push('ENCRYPTION_KEY: required with a real Atlassian app (generate one with: openssl rand -hex 32)');
  } else if (e.AZURE_STORAGE_CONNECTION_STRING !== undefined && e.ENCRYPTION_KEY === undefined) {
    problems.push('ENCRYPTION_KEY: required with AZURE_STORAGE_CONNECTION_STRING, the same on every instance (openssl rand -hex 32)');
  }

  let microsoft: MicrosoftIdentity | undefined;
  if (e.MicrosoftAppId !== undefined) {
    if (e.MicrosoftAppType === 'SingleTenant' && e.MicrosoftAppTenantId === undefined) {
      problems.push('MicrosoftAppTenantId: required when MicrosoftAppType is SingleTenant');
    }
    const hasCertificate = e.MicrosoftAppCertificateThumbprint !== undefined;
    if (hasCertificate !== (e.MicrosoftAppCertificatePrivateKeyFile !== undefined)) {
      problems.push(
        'MicrosoftAppCertificateThumbprint and MicrosoftAppCertificatePrivateKeyFile: set both, or neither',
      );
    }
    if (e.MicrosoftAppType !== 'UserAssignedMSI' && !hasCertificate && e.MicrosoftAppPassword === undefined) {
      problems.push('MicrosoftAppPassword: required when MicrosoftAppId is set (or use a certificate)');
    }
    microsoft = {
      appId: e.MicrosoftAppId,
      appType: e.MicrosoftAppType,
      tenantId: e.MicrosoftAppTenantId,
      password: e.MicrosoftAppPassword,
      certificateThumbprint: e.MicrosoftAppCertificateThumbprint,
      certificatePrivateKeyFile: e.MicrosoftAppCertificatePrivateKeyFile,
      openIdMetadataUrl: e.BotOpenIdMetadata,
    };
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY, problems);
  const allowedServiceUrls = parseServiceUrlOrigins(e.ALLOWED_SERVICE_URLS, problems);
  if (problems.length > 0) throw new ConfigError(problems);

  // The sandbox is mounted under /sandbox on this same server. Browsers reach it through the public URL;
  // the bot's own server-to-server calls go straight to loopback so a tunnel is never in that path.
  const sandboxInternal = `http://127.0.0.1:${e.PORT}/sandbox`;
  const system: SystemApp = sandbox
    ? {
        clientId: SANDBOX_CLIENT_ID,
        authorizationUrl: e.ATLASSIAN_AUTHORIZATION_URL ?? `${publicUrl}/sandbox/authorize`,
        tokenUrl: e.ATLASSIAN_TOKEN_URL ?? `${sandboxInternal}/oauth/token`,
        apiUrl: e.ATLASSIAN_API_URL ?? `${sandboxInternal}/api`,
        scopes: splitScopes(e.ATLASSIAN_SCOPES) ?? DEFAULT_SCOPES,
      }
    : {
        clientId: e.ATLASSIAN_CLIENT_ID!,
        clientSecret: e.ATLASSIAN_CLIENT_SECRET,
        authorizationUrl: e.ATLASSIAN_AUTHORIZATION_URL ?? 'https://auth.atlassian.com/authorize',
        tokenUrl: e.ATLASSIAN_TOKEN_URL ?? 'https://auth.atlassian.com/oauth/token',
        apiUrl: e.ATLASSIAN_API_URL ?? 'https://api.atlassian.com',
        scopes: splitScopes(e.ATLASSIAN_SCOPES) ?? DEFAULT_SCOPES,
      };

  return {
    port: e.PORT,
    publicUrl,
    redirectUri: `${publicUrl}/oauth/callback`,
    dataDir: e.DATA_DIR,
    encryptionKeyHex: e.ENCRYPTION_KEY,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY === true ? 'pretty' : 'json'),
    transcriptsDir: e.TRANSCRIPTS_DIR,
    recordTranscripts: e.RECORD_TRANSCRIPTS,
    storage:
      e.AZURE_STORAGE_CONNECTION_STRING === undefined
        ? { kind: 'local' }
        : { kind: 'azure', connectionString: e.AZURE_STORAGE_CONNECTION_STRING, container: e.AZURE_STORAGE_CONTAINER },
    oauthRateLimitPerMinute: e.OAUTH_RATE_LIMIT_PER_MINUTE,
    trustProxy,
    allowedServiceUrls,
    microsoft,
    sandbox,
    system,
    directLine: { secret: e.DIRECT_LINE_SECRET, url: e.DIRECT_LINE_URL ?? DEFAULT_DIRECT_LINE_URL },
  };
}

function splitScopes(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const scopes = value.split(/\s+/).filter(Boolean);
  return scopes.length > 0 ? scopes : undefined;
}

function parseTrustProxy(value: string | undefined, problems: string[]): TrustProxy {
  if (value === undefined || value === 'false' || value === '0') return { kind: 'none' };
  if (/^\d+$/.test(value)) {
    const count = Number(value);
    if (count <= 10) return { kind: 'hops', count };
  }
  const ranges = value.split(',').map((entry) => entry.trim()).filter(Boolean);
  const invalid = ranges.filter((range) => !isAddressOrRange(range));
  if (ranges.length === 0 || invalid.length > 0) {
    problems.push(
      `TRUST_PROXY: expected a hop count from 1 to 10, or comma-separated proxy addresses or CIDR ranges (got ${JSON.stringify(value.slice(0, 80))})`,
    );
    return { kind: 'none' };
  }
  return { kind: 'addresses', ranges };
}

function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function parseServiceUrlOrigins(value: string | undefined, problems: string[]): string[] {
  if (value === undefined) return [];
  const origins: string[] = [];
  for (const entry of value.split(',').map((item) => item.trim()).filter(Boolean)) {
    const parsed = httpUrl.safeParse(entry);
    if (!parsed.success) {
      problems.push(`ALLOWED_SERVICE_URLS: ${JSON.stringify(entry.slice(0, 80))} is not an http(s) URL`);
      continue;
    }
    origins.push(new URL(parsed.data).origin);
  }
  return origins;
}
