/**
 * The standalone sandbox server's settings (`npm run sandbox`), parsed once from the environment like the bot's
 * own (services/config/config.ts). A bad or missing variable stops start-up with a message naming it; the client
 * secret is never part of any message.
 */
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, httpUrl, SANDBOX_CLIENT_ID } from '../services/config/config.js';
import { DEFAULT_SEED, SEED_WITH_DOCS, type SeedSpace } from './seed.js';

const blankIsUnset = (value: unknown): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const environmentSchema = z.object({
  SANDBOX_PORT: z.preprocess(blankIsUnset, z.coerce.number().int().min(0).max(65535).default(3979)),
  SANDBOX_HOST: z.preprocess(blankIsUnset, z.string().trim().default('127.0.0.1')),
  SANDBOX_PUBLIC_URL: z.preprocess(blankIsUnset, httpUrl.optional()),
  SANDBOX_DATA_DIR: z.preprocess(blankIsUnset, z.string().trim().default('./data/sandbox')),
  SANDBOX_CLIENT_ID: z.preprocess(blankIsUnset, z.string().trim().default(SANDBOX_CLIENT_ID)),
  SANDBOX_CLIENT_SECRET: z.preprocess(blankIsUnset, z.string().optional()),
  SANDBOX_ACCESS_TOKEN_TTL_SECONDS: z.preprocess(blankIsUnset, z.coerce.number().int().min(1).max(86_400).default(3600)),
  SANDBOX_SEED: z.preprocess(blankIsUnset, z.enum(['docs', 'small']).default('docs')),
  SANDBOX_REDIRECT_URIS: z.preprocess(
    blankIsUnset,
    z
      .string()
      .transform((list) => list.split(',').map((uri) => uri.trim()).filter(Boolean))
      .pipe(z.array(httpUrl.refine((uri) => !uri.includes('#'), 'must not contain a fragment (#)')).min(1))
      .optional(),
  ),
});

export interface SandboxServerConfig {
  port: number;
  host: string;
  /** Base URL browsers use (the consent page, the viewer); undefined: `http://localhost:{port}` once listening. */
  publicUrl?: string;
  /** Absolute; records go to `{dataDir}/records`, and a `{dataDir}/sandbox.json` from before is imported once. */
  dataDir: string;
  clientId: string;
  clientSecret: string;
  accessTokenTtlSeconds: number;
  seedName: 'docs' | 'small';
  /** The bots' OAuth callbacks, `{PUBLIC_URL}/oauth/callback`: the only redirect_uris authorize accepts. */
  redirectUris: string[];
  seed: SeedSpace[];
}

export function loadSandboxServerConfig(env: NodeJS.ProcessEnv): SandboxServerConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  if (e.SANDBOX_CLIENT_SECRET === undefined) {
    throw new ConfigError([
      'SANDBOX_CLIENT_SECRET: required. Choose a secret (openssl rand -hex 32) and give the same value to the bots that use this sandbox as ATLASSIAN_CLIENT_SECRET',
    ]);
  }
  if (e.SANDBOX_REDIRECT_URIS === undefined) {
    throw new ConfigError([
      "SANDBOX_REDIRECT_URIS: required. List the bots' OAuth callback URLs, comma-separated: each bot's PUBLIC_URL followed by /oauth/callback (for example https://bots.example.com/oauth/callback). Like Atlassian, the sandbox sends a sign-in back to no other address",
    ]);
  }
  return {
    port: e.SANDBOX_PORT,
    host: e.SANDBOX_HOST,
    publicUrl: e.SANDBOX_PUBLIC_URL,
    dataDir: path.resolve(e.SANDBOX_DATA_DIR),
    clientId: e.SANDBOX_CLIENT_ID,
    clientSecret: e.SANDBOX_CLIENT_SECRET,
    accessTokenTtlSeconds: e.SANDBOX_ACCESS_TOKEN_TTL_SECONDS,
    seedName: e.SANDBOX_SEED,
    redirectUris: e.SANDBOX_REDIRECT_URIS,
    seed: e.SANDBOX_SEED === 'small' ? DEFAULT_SEED : SEED_WITH_DOCS,
  };
}
