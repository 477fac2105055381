/**
 * A local stand-in for Atlassian's authorization server and the accessible-resources endpoint, speaking
 * shared/contracts/atlassian-oauth.md (A2–A4): JSON (or form) token requests, rotating refresh tokens that are
 * disabled once used, `403 invalid_grant` / `403 unauthorized_client` / `401 access_denied` refusals.
 * Tests play the browser: `grantCode()` is what the consent screen would redirect back with.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeSite {
  id: string;
  name: string;
  url: string;
  scopes: string[];
}

export interface FakeAtlassianOptions {
  clientId?: string;
  clientSecret?: string;
  redirectUri?: string;
  expiresInSeconds?: number;
  sites?: FakeSite[];
  /** Delay before answering a refresh, to let concurrent callers pile up. */
  refreshDelayMs?: number;
}

interface Grant {
  scope: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  body: Record<string, string>;
}

export class FakeAtlassianAuth {
  readonly clientId: string;
  readonly clientSecret: string;
  redirectUri: string;
  expiresInSeconds: number;
  sites: FakeSite[];
  refreshDelayMs: number;
  /** Every token-endpoint request, in order. */
  readonly tokenRequests: RecordedRequest[] = [];
  resourceRequests = 0;
  /** Status codes to answer the next token requests with, before any checks (e.g. 503). */
  readonly failNextTokenRequests: number[] = [];

  private server: Server | undefined;
  private readonly clients = new Map<string, string>();
  private readonly codes = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, Grant>();
  private readonly refreshTokens = new Map<string, Grant>();

  constructor(options: FakeAtlassianOptions = {}) {
    this.clientId = options.clientId ?? 'fake-client-id';
    this.clientSecret = options.clientSecret ?? `fake-client-secret-${randomBytes(6).toString('hex')}`;
    this.clients.set(this.clientId, this.clientSecret);
    this.redirectUri = options.redirectUri ?? 'http://localhost:3978/oauth/callback';
    this.expiresInSeconds = options.expiresInSeconds ?? 3600;
    this.refreshDelayMs = options.refreshDelayMs ?? 0;
    this.sites = options.sites ?? [
      { id: 'cloud-1', name: 'Example', url: 'https://example.atlassian.net', scopes: ['read:page:confluence', 'write:page:confluence'] },
    ];
  }

  get baseUrl(): string {
    const address = this.server?.address() as AddressInfo | undefined;
    if (!address) throw new Error('fake Atlassian server is not started');
    return `http://127.0.0.1:${address.port}`;
  }
  get authorizationUrl(): string {
    return `${this.baseUrl}/authorize`;
  }
  get tokenUrl(): string {
    return `${this.baseUrl}/oauth/token`;
  }
  get apiUrl(): string {
    return this.baseUrl;
  }
  /** A second token path, for profiles whose refresh URL differs from their token URL. */
  get refreshTokenUrl(): string {
    return `${this.baseUrl}/oauth/refresh-token`;
  }
  get refreshRequests(): RecordedRequest[] {
    return this.tokenRequests.filter((request) => request.body.grant_type === 'refresh_token');
  }

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch(() => send(response, 500, { error: 'server_error' }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Another OAuth client this server accepts (a custom profile's app). */
  registerClient(clientId: string, clientSecret: string): void {
    this.clients.set(clientId, clientSecret);
  }

  /** What the consent screen hands back: a single-use code for this client. */
  grantCode(scope = 'read:space:confluence read:page:confluence write:page:confluence offline_access'): string {
    const code = `code-${randomBytes(12).toString('hex')}`;
    this.codes.set(code, { scope });
    return code;
  }

  /** As if the user removed the app: every refresh token stops working. */
  revokeRefreshTokens(): void {
    this.refreshTokens.clear();
  }

  isIssuedAccessToken(token: string): boolean {
    return this.accessTokens.has(token);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'POST' && (url.pathname === '/oauth/token' || url.pathname === '/oauth/refresh-token')) {
      const body = await readBody(request);
      this.tokenRequests.push({ method: 'POST', path: url.pathname, contentType: request.headers['content-type'], body });
      const forced = this.failNextTokenRequests.shift();
      if (forced !== undefined) return send(response, forced, { error: 'temporarily_unavailable' });
      if (body.grant_type === 'refresh_token' && this.refreshDelayMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, this.refreshDelayMs));
      }
      return this.token(body, response);
    }
    if (request.method === 'GET' && url.pathname === '/oauth/token/accessible-resources') {
      this.resourceRequests += 1;
      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !this.accessTokens.has(bearer)) return send(response, 401, { code: 401, message: 'Unauthorized' });
      return send(response, 200, this.sites.map((site) => ({ ...site, avatarUrl: `${site.url}/avatar.png` })));
    }
    send(response, 404, { error: 'not_found' });
  }

  private token(body: Record<string, string>, response: ServerResponse): void {
    if (body.client_id === undefined || this.clients.get(body.client_id) !== body.client_secret) {
      return send(response, 401, { error: 'access_denied', error_description: 'Unauthorized' });
    }
    if (body.grant_type === 'authorization_code') {
      const grant = body.code === undefined ? undefined : this.codes.get(body.code);
      if (grant === undefined || body.redirect_uri !== this.redirectUri) {
        return send(response, 403, { error: 'invalid_grant', error_description: 'Invalid authorization code' });
      }
      this.codes.delete(body.code!);
      return send(response, 200, this.issue(grant));
    }
    if (body.grant_type === 'refresh_token') {
      const grant = body.refresh_token === undefined ? undefined : this.refreshTokens.get(body.refresh_token);
      if (grant === undefined) {
        return send(response, 403, { error: 'unauthorized_client', error_description: 'refresh_token is invalid' });
      }
      this.refreshTokens.delete(body.refresh_token!);
      return send(response, 200, this.issue(grant));
    }
    send(response, 400, { error: 'unsupported_grant_type' });
  }

  private issue(grant: Grant): Record<string, unknown> {
    const accessToken = `at-${randomBytes(16).toString('hex')}`;
    this.accessTokens.set(accessToken, grant);
    const answer: Record<string, unknown> = { access_token: accessToken, expires_in: this.expiresInSeconds, scope: grant.scope, token_type: 'bearer' };
    if (grant.scope.split(' ').includes('offline_access')) {
      const refreshToken = `rt-${randomBytes(16).toString('hex')}`;
      this.refreshTokens.set(refreshToken, grant);
      answer.refresh_token = refreshToken;
    }
    return answer;
  }
}

async function readBody(request: IncomingMessage): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if ((request.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'Content-Type': 'application/json' });
  response.end(JSON.stringify(body));
}
