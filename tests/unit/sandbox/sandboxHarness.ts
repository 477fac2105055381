/**
 * The sandbox on a real restify server on 127.0.0.1 (port 0), built as the bot's server is (queryParser +
 * the sandbox's request-body policies), with its records in `{dataDir}/records`, plus the steps a client takes:
 * consent, code exchange, API calls.
 */
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { sandboxRequestBodies } from '../../../web/http/bodyPolicies.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import type { RecordStore } from '../../../services/storage/recordStore.js';
import { createSandbox, DEFAULT_SANDBOX_CLOUD_ID, type Sandbox, type SandboxOptions } from '../../../sandbox/index.js';

export const CLIENT_ID = 'test-client';
export const CLIENT_SECRET = 'test-client-secret-value';
export const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';
export const ALL_SCOPES = ['read:space:confluence', 'read:page:confluence', 'write:page:confluence', 'offline_access'];
/** ALL_SCOPES plus what reading, commenting on and adding to pages needs (comments, user names). */
export const CONTENT_ACTION_SCOPES = [...ALL_SCOPES, 'read:comment:confluence', 'write:comment:confluence', 'read:user:confluence'];
export const CLOUD_ID = DEFAULT_SANDBOX_CLOUD_ID;

export interface Harness {
  url: string;
  /** Holds `records/` (the sandbox's record store, unless a test passed its own) and any legacy sandbox.json. */
  dataDir: string;
  records: RecordStore;
  sandbox: Sandbox;
  /** Base of the v2 API through the gateway, as a client builds it: `{apiUrl}/ex/confluence/{cloudId}/wiki/api/v2`. */
  v2: string;
  clock: { now: number };
  close(): Promise<void>;
}

export async function newDataDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'sandbox-test-'));
}

export async function startSandbox(options: Partial<SandboxOptions> & { dataDir?: string } = {}): Promise<Harness> {
  const { dataDir = await newDataDir(), ...sandboxOptions } = options;
  const records = sandboxOptions.records ?? new LocalRecordStore(path.join(dataDir, 'records'));
  const clock = { now: Date.parse('2026-11-30T10:00:00.000Z') };
  const server = restify.createServer();
  server.use(restify.plugins.queryParser());
  server.use(sandboxRequestBodies());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const closeServer = (): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));
  const sandbox = await createSandbox({
    publicUrl: url,
    resolveClient: (clientId) => (clientId === CLIENT_ID ? { secret: CLIENT_SECRET, name: 'Harness app' } : undefined),
    redirectUris: [REDIRECT_URI],
    now: () => clock.now,
    ...sandboxOptions,
    records,
  }).catch(async (error: unknown) => {
    await closeServer();
    throw error;
  });
  sandbox.mount(server);
  return {
    url,
    dataDir,
    records,
    sandbox,
    v2: `${url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki/api/v2`,
    clock,
    close: async () => {
      await closeServer();
      await sandbox.close();
    },
  };
}

export function authorizeUrl(harness: Harness, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    audience: 'api.atlassian.com',
    client_id: CLIENT_ID,
    scope: ALL_SCOPES.join(' '),
    redirect_uri: REDIRECT_URI,
    state: 'state-123',
    response_type: 'code',
    prompt: 'consent',
    ...overrides,
  };
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `${harness.url}/sandbox/authorize?${query.toString()}`;
}

export function hiddenRequestId(html: string): string {
  const id = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (id === undefined) throw new Error('no consent form on the page');
  return id;
}

/** Opens the consent page, presses a button, and returns the redirect's Location. */
export async function decide(harness: Harness, decision: 'accept' | 'decline', scopes = ALL_SCOPES): Promise<URL> {
  const page = await fetch(authorizeUrl(harness, { scope: scopes.join(' ') }));
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const response = await fetch(`${harness.url}/sandbox/authorize/decision`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: hiddenRequestId(await page.text()), decision }).toString(),
    redirect: 'manual',
  });
  if (response.status !== 302) throw new Error(`decision answered ${response.status}`);
  return new URL(response.headers.get('location') ?? '');
}

export async function postToken(harness: Harness, body: Record<string, string>, form = false): Promise<Response> {
  return fetch(`${harness.url}/sandbox/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': form ? 'application/x-www-form-urlencoded' : 'application/json', Accept: 'application/json' },
    body: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

/** The whole 3LO dance: consent accepted, code exchanged. */
export async function signIn(harness: Harness, scopes = ALL_SCOPES): Promise<Tokens> {
  const location = await decide(harness, 'accept', scopes);
  const response = await postToken(harness, {
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    code: location.searchParams.get('code') ?? '',
    redirect_uri: REDIRECT_URI,
  });
  if (response.status !== 200) throw new Error(`token exchange answered ${response.status}`);
  return (await response.json()) as Tokens;
}

export async function api(url: string, accessToken: string | undefined, init: RequestInit = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) };
  if (accessToken !== undefined) headers.Authorization = `Bearer ${accessToken}`;
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  return fetch(url, { ...init, headers });
}
