/** The standalone sandbox server (`npm run sandbox`), run in-process on a free loopback port. */
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startSandboxServer, type SandboxServer } from '../../../sandbox/server.js';
import { ConfigError } from '../../../services/config/config.js';
import { ALL_SCOPES, hiddenRequestId, REDIRECT_URI, type Tokens } from './sandboxHarness.js';

const CLIENT_ID = 'standalone-test-app';
const SECRET = 'standalone-sandbox-secret-0123456789';

async function newDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'sandbox-server-'));
}

function environment(dataDir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    SANDBOX_PORT: '0',
    SANDBOX_HOST: '127.0.0.1',
    SANDBOX_DATA_DIR: dataDir,
    SANDBOX_CLIENT_ID: CLIENT_ID,
    SANDBOX_CLIENT_SECRET: SECRET,
    SANDBOX_REDIRECT_URIS: REDIRECT_URI,
    SANDBOX_SEED: 'small',
    ...overrides,
  };
}

/** What a bot does against the server: consent page, Accept, code exchange; all over HTTP. */
async function signIn(server: SandboxServer): Promise<Tokens> {
  const query = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: CLIENT_ID,
    scope: ALL_SCOPES.join(' '),
    redirect_uri: REDIRECT_URI,
    state: 'state-standalone',
    response_type: 'code',
    prompt: 'consent',
  });
  const page = await fetch(`${server.url}/sandbox/authorize?${query.toString()}`);
  expect(page.status).toBe(200);
  const decision = await fetch(`${server.url}/sandbox/authorize/decision`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: hiddenRequestId(await page.text()), decision: 'accept' }).toString(),
    redirect: 'manual',
  });
  expect(decision.status).toBe(302);
  const code = new URL(decision.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const exchanged = await token(server, { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI });
  expect(exchanged.status).toBe(200);
  return (await exchanged.json()) as Tokens;
}

function token(server: SandboxServer, fields: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/sandbox/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID, client_secret: SECRET, ...fields }),
  });
}

function resources(server: SandboxServer, accessToken: string): Promise<Response> {
  return fetch(`${server.url}/sandbox/api/oauth/token/accessible-resources`, { headers: { Authorization: `Bearer ${accessToken}` } });
}

describe('standalone sandbox server', () => {
  it('serves a code flow and refreshes over HTTP, prints what bots need (never the secret), and keeps its data on close', async () => {
    const dataDir = await newDataDir();
    const lines: string[] = [];
    const server = await startSandboxServer(environment(dataDir), { log: (line) => lines.push(line) });
    let refreshToken: string;
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const port = new URL(server.url).port;
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain('"msg":"sandbox listening"');
      expect(lines[0]).not.toContain(SECRET);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        url: server.url,
        publicUrl: `http://localhost:${port}`,
        botEnvironment: {
          ATLASSIAN_CLIENT_ID: CLIENT_ID,
          ATLASSIAN_AUTHORIZATION_URL: `http://localhost:${port}/sandbox/authorize`,
          ATLASSIAN_TOKEN_URL: `${server.url}/sandbox/oauth/token`,
          ATLASSIAN_API_URL: `${server.url}/sandbox/api`,
        },
      });

      const tokens = await signIn(server);
      const sites = await resources(server, tokens.access_token);
      expect(sites.status).toBe(200);
      expect(((await sites.json()) as Array<{ name: string }>).map((site) => site.name)).toEqual(['Sandbox']);
      expect((await server.sandbox.listSpaces()).map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);

      const rotated = await token(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '' });
      expect(rotated.status).toBe(200);
      refreshToken = ((await rotated.json()) as Tokens).refresh_token ?? '';
      expect((await token(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token ?? '', client_secret: 'wrong' })).status).toBe(401);
    } finally {
      await server.close();
    }
    expect(await readdir(path.join(dataDir, 'records', 'sandbox', 'grants', 'refresh'))).toHaveLength(1);

    const again = await startSandboxServer(environment(dataDir), { log: () => undefined });
    try {
      expect((await token(again, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(200);
      expect((await token(again, { grant_type: 'refresh_token', refresh_token: refreshToken })).status).toBe(403);
    } finally {
      await again.close();
    }
  });

  it.each([
    ['is missing', {}],
    ['is blank', { SANDBOX_CLIENT_SECRET: '  ' }],
  ])('refuses to start when SANDBOX_CLIENT_SECRET %s', async (_case, overrides: Record<string, string>) => {
    const env = environment(await newDataDir(), overrides);
    if (!('SANDBOX_CLIENT_SECRET' in overrides)) delete env.SANDBOX_CLIENT_SECRET;
    const refused = startSandboxServer(env, { log: () => undefined });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(/SANDBOX_CLIENT_SECRET: required/);
  });

  it.each([
    ['is missing', undefined, /SANDBOX_REDIRECT_URIS: required/],
    ['is blank', ' , ', /SANDBOX_REDIRECT_URIS/],
    ['is not an http(s) URL', 'javascript:alert(1)', /SANDBOX_REDIRECT_URIS/],
  ])('refuses to start when SANDBOX_REDIRECT_URIS %s', async (_case, value: string | undefined, message: RegExp) => {
    const env = environment(await newDataDir());
    if (value === undefined) delete env.SANDBOX_REDIRECT_URIS;
    else env.SANDBOX_REDIRECT_URIS = value;
    const refused = startSandboxServer(env, { log: () => undefined });
    await expect(refused).rejects.toThrow(ConfigError);
    await expect(refused).rejects.toThrow(message);
  });

  it('sends a sign-in back only to a callback listed in SANDBOX_REDIRECT_URIS', async () => {
    const other = 'https://bots.example.com/oauth/callback';
    const server = await startSandboxServer(environment(await newDataDir(), { SANDBOX_REDIRECT_URIS: `${REDIRECT_URI}, ${other}` }), { log: () => undefined });
    try {
      const authorize = (redirectUri: string): Promise<Response> =>
        fetch(
          `${server.url}/sandbox/authorize?${new URLSearchParams({ audience: 'api.atlassian.com', client_id: CLIENT_ID, scope: ALL_SCOPES.join(' '), redirect_uri: redirectUri, state: 's', response_type: 'code', prompt: 'consent' }).toString()}`,
          { redirect: 'manual' },
        );
      expect((await authorize(REDIRECT_URI)).status).toBe(200);
      expect((await authorize(other)).status).toBe(200);
      const stranger = await authorize('https://evil.example/oauth/callback');
      expect(stranger.status).toBe(400);
      expect(stranger.headers.get('location')).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('names a bad variable without ever printing the secret', async () => {
    const refused = startSandboxServer(environment(await newDataDir(), { SANDBOX_PORT: 'seventy', SANDBOX_SEED: 'huge' }), { log: () => undefined });
    await expect(refused).rejects.toThrow(/SANDBOX_PORT[\s\S]*SANDBOX_SEED/);
    await expect(refused).rejects.not.toThrow(SECRET);
  });

  it('says which port is taken', async () => {
    const first = await startSandboxServer(environment(await newDataDir()), { log: () => undefined });
    try {
      const port = new URL(first.url).port;
      await expect(startSandboxServer(environment(await newDataDir(), { SANDBOX_PORT: port }), { log: () => undefined })).rejects.toThrow(
        `SANDBOX_PORT: ${port} is already in use on 127.0.0.1`,
      );
    } finally {
      await first.close();
    }
  });
});
