/**
 * `npm run admin -- test` against endpoints that answer oddly, played by a small server on 127.0.0.1: an HTML page,
 * a 500, a hang past the deadline, nothing listening, Atlassian's sign-in page and its error page, and a refresh
 * token URL of its own.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatProfileCheck } from '../../../admin/format.js';
import { runProfileCheck, type ProfileCheckReport } from '../../../admin/profileCheck.js';
import { AuthService } from '../../../services/auth/authService.js';
import { DEFAULT_SCOPES, loadConfig, type Config } from '../../../services/config/config.js';
import { temporaryDirectory } from '../auth/authTestKit.js';
import { result } from './checkResults.js';

const SECRET = 'odd-endpoint-secret-31f4';
const DEADLINE_MS = 300;

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const json = (status: number, value: unknown): Handler => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
};
const html = (status: number): Handler => (_req, res) => {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end('<!doctype html><html><body><h1>Welcome to our intranet</h1></body></html>');
};
const redirectTo = (location: string): Handler => (_req, res) => {
  res.writeHead(302, { Location: location });
  res.end();
};
/** Answers nothing; the connection is cut when the server closes. */
const hang: Handler = () => undefined;

const ROUTES: Record<string, Handler> = {
  '/page/authorize': html(200),
  '/page/token': html(200),
  '/broken/token': json(500, { error: 'server_error' }),
  '/missing/token': html(404),
  '/slow/authorize': hang,
  '/slow/token': hang,
  '/atlassian/authorize': (req, res) => redirectTo(`/login?continue=${encodeURIComponent(`http://${req.headers.host}${req.url}`)}`)(req, res, ''),
  '/idpage/authorize': redirectTo('/error?error=unauthorized_client&error_description=redirect_uri%20is%20not%20registered%20for%20client%3A%20https%3A%2F%2Fbot.example.com%2Foauth%2Fcallback'),
  '/callback-first/token': json(400, { error: 'unauthorized_client', error_description: 'redirect_uri is not registered for client: https://bot.example.com/oauth/callback' }),
  '/good/token': json(403, { error: 'invalid_grant', error_description: 'Invalid authorization code' }),
  '/rotated/refresh': json(403, { error: 'unauthorized_client', error_description: 'refresh_token is invalid' }),
  '/denied/refresh': json(401, { error: 'access_denied', error_description: 'Unauthorized' }),
};

let server: Server;
let base: string;
let received: Array<{ url: string; body: string }>;
let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
let auth: AuthService;
let config: Config;
let printed: string[];

beforeEach(async () => {
  received = [];
  printed = [];
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', body });
      const handler = ROUTES[new URL(req.url ?? '/', 'http://x').pathname];
      if (handler === undefined) return html(404)(req, res, body);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await temporaryDirectory();
  config = loadConfig({ DATA_DIR: dir.path, PORT: '3978', PUBLIC_URL: 'https://bot.example.com', LOG_LEVEL: 'silent' });
  auth = await AuthService.open({ config });
});

afterEach(async () => {
  try {
    const everything = printed.join('\n');
    expect(everything).not.toContain(SECRET);
    for (const { url, body } of received) {
      const state = new URL(url, base).searchParams.get('state');
      if (state !== null) expect(everything).not.toContain(state);
      const code = /"(?:code|refresh_token)":"([^"]+)"/.exec(body)?.[1];
      if (code !== undefined) expect(everything).not.toContain(code);
    }
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dir.remove();
  }
});

async function check(authorize: string, token: string, refresh = token): Promise<ProfileCheckReport> {
  await auth.profiles.add({
    name: 'odd',
    clientId: 'odd-client',
    clientSecret: SECRET,
    authorizationUrl: `${base}${authorize}`,
    tokenUrl: `${base}${token}`,
    refreshTokenUrl: `${base}${refresh}`,
    scopes: DEFAULT_SCOPES,
  });
  const report = await runProfileCheck(auth, config, { profileName: 'odd', deadlineMs: DEADLINE_MS });
  printed.push(formatProfileCheck(report));
  return report;
}


describe('admin test [profile] against odd answers', () => {
  it('reports an HTML page where the token endpoint should answer JSON', async () => {
    const report = await check('/page/authorize', '/page/token');
    expect(result(report, 'Token URL')).toMatchObject({
      status: 'failed',
      summary: `${base}/page/token answered 200 with an HTML page, not an OAuth token endpoint's JSON.`,
      next: "Check the URL; Atlassian's is https://auth.atlassian.com/oauth/token.",
    });
  });

  it('reports a 404 and a 500 for what they are', async () => {
    expect(result(await check('/page/authorize', '/missing/token'), 'Token URL').summary).toBe(
      `${base}/missing/token answered 404 with an HTML page, not an OAuth token endpoint's JSON.`,
    );
    await auth.profiles.remove('odd');
    expect(result(await check('/page/authorize', '/broken/token'), 'Token URL')).toMatchObject({
      status: 'failed',
      summary: `${base}/broken/token answered 500 server_error: the token endpoint is failing or busy.`,
    });
  });

  it('gives up on endpoints that hang past the deadline', async () => {
    const started = Date.now();
    const report = await check('/slow/authorize', '/slow/token');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result(report, 'Authorization URL')).toMatchObject({ status: 'failed', summary: `${base}/slow/authorize did not answer within 300 ms.` });
    expect(result(report, 'Token URL')).toMatchObject({ status: 'failed', summary: `${base}/slow/token did not answer within 300 ms.` });
  });

  it('reports an address where nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await auth.profiles.add({
      name: 'gone',
      clientId: 'gone-client',
      clientSecret: SECRET,
      authorizationUrl: `http://127.0.0.1:${port}/authorize`,
      tokenUrl: `http://127.0.0.1:${port}/token`,
      refreshTokenUrl: `http://127.0.0.1:${port}/token`,
    });
    const report = await runProfileCheck(auth, config, { profileName: 'gone', deadlineMs: DEADLINE_MS });
    printed.push(formatProfileCheck(report));
    expect(result(report, 'Authorization URL').summary).toBe(`http://127.0.0.1:${port}/authorize could not be reached (ECONNREFUSED).`);
    expect(result(report, 'Token URL').summary).toBe(`http://127.0.0.1:${port}/token could not be reached (ECONNREFUSED).`);
  });

  it('does not claim to have tested the callback when Atlassian asks for a sign-in first', async () => {
    const report = await check('/atlassian/authorize', '/good/token');
    expect(result(report, 'Authorization URL')).toMatchObject({
      status: 'skipped',
      summary: expect.stringContaining('answered with a sign-in page'),
      next: 'To test the callback URL https://bot.example.com/oauth/callback, open a sign-in link and check that the consent screen appears.',
    });
    expect(result(report, 'Token URL').status).toBe('passed');
    // The authorize request is the bot's own: its callback, a state, and the parameters Atlassian documents.
    const sent = new URL(received.find((request) => request.url.startsWith('/atlassian/authorize'))!.url, base).searchParams;
    expect(Object.fromEntries([...sent].filter(([name]) => name !== 'state'))).toEqual({
      audience: 'api.atlassian.com',
      client_id: 'odd-client',
      scope: DEFAULT_SCOPES.join(' '),
      redirect_uri: 'https://bot.example.com/oauth/callback',
      response_type: 'code',
      prompt: 'consent',
    });
    expect(sent.get('state')).toMatch(/^[\w-]{32}$/);
  });

  it('reads Atlassian\'s error page for a callback URL that is not registered', async () => {
    const report = await check('/idpage/authorize', '/good/token');
    expect(result(report, 'Authorization URL')).toMatchObject({
      status: 'failed',
      summary: 'The callback URL https://bot.example.com/oauth/callback is not registered for this app (unauthorized_client).',
    });
  });

  it('blames the callback URL, not the credentials, when the token endpoint says the redirect_uri is the problem', async () => {
    const report = await check('/page/authorize', '/callback-first/token');
    expect(result(report, 'Token URL')).toMatchObject({
      status: 'failed',
      summary: `${base}/callback-first/token refused the callback URL https://bot.example.com/oauth/callback (400 unauthorized_client).`,
    });
  });

  it('posts the made-up code as the bot posts a code, with the real client credentials', async () => {
    await check('/page/authorize', '/good/token');
    const posted = JSON.parse(received.find((request) => request.url === '/good/token')!.body) as Record<string, string>;
    expect(posted).toMatchObject({ grant_type: 'authorization_code', client_id: 'odd-client', client_secret: SECRET, redirect_uri: 'https://bot.example.com/oauth/callback' });
    expect(posted.code).toMatch(/^admin-test-[0-9a-f]{32}$/);
  });

  it('tests a refresh token URL of its own with a made-up refresh token', async () => {
    const rotated = await check('/page/authorize', '/good/token', '/rotated/refresh');
    expect(result(rotated, 'Refresh token URL')).toMatchObject({
      status: 'passed',
      summary: `${base}/rotated/refresh accepts the client id and secret (it refused only a made-up refresh token, with 403 unauthorized_client).`,
    });
    await auth.profiles.remove('odd');
    const denied = await check('/page/authorize', '/good/token', '/denied/refresh');
    expect(result(denied, 'Refresh token URL')).toMatchObject({ status: 'failed', summary: expect.stringContaining('refused the client credentials (401 access_denied)') });
  });
});
