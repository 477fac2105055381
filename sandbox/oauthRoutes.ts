/**
 * The authorization server half of Atlassian 3LO: `GET /sandbox/authorize` (consent page),
 * `POST /sandbox/authorize/decision` (Accept / Decline) and `POST /sandbox/oauth/token`.
 * See ../shared/contracts/atlassian-oauth.md §A1–A3 for the behaviour copied here.
 */
import type { Request, Response, Server } from 'restify';
import type { TokenResponse } from './grants.js';
import { sameSecret } from './secrets.js';
import { normalizeRedirectUri, type SandboxContext } from './context.js';
import type { ConsentRequests } from './consentRequests.js';
import { redirect, sendHtml } from './html.js';
import { consentPage, errorPage } from './pages.js';
import { isKnownScope, SCOPE_DESCRIPTIONS } from './scopes.js';

const AUDIENCE = 'api.atlassian.com';

type Fields = Record<string, unknown>;

function asFields(value: unknown): Fields {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
}

/** One string value; a repeated or non-text parameter counts as missing. */
function single(fields: Fields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * How Atlassian words a refusal it shows on its own error page (id.atlassian.com/error?error=…&error_description=…)
 * rather than sending it to the app: `unauthorized_client` and "redirect_uri is not registered for client: <uri>" for
 * a callback URL the app has not registered (observed, humanlayer/humanlayer#1068). For an unknown client id the
 * wording is not documented; `invalid_client` is this sandbox's choice. The sandbox keeps both on its own 400 page (it
 * never redirects before client and callback are known good), with the same code and description, so a tool that
 * reads the answer (`npm run admin -- test`) recognizes either.
 */
function atlassianError(error: string, description: string): string {
  return `${description} (error=${error}).`;
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  return url.toString();
}

export function mountOAuthRoutes(server: Server, context: SandboxContext, consents: ConsentRequests): void {
  const home = `${context.publicUrl}/sandbox`;
  const badRequestPage = (res: Response, message: string): void =>
    sendHtml(res, 400, errorPage(home, 'Something is wrong with this sign-in request', message));

  server.get('/sandbox/authorize', async (req: Request, res: Response) => {
    const query = asFields(req.query);
    const clientId = single(query, 'client_id');
    // Until client and redirect URI are known good, errors stay on this page: redirecting to an unchecked URI
    // would make the sandbox an open redirector.
    if (clientId === undefined) return badRequestPage(res, 'The request has no client_id.');
    const client = await context.resolveClient(clientId);
    if (client === undefined) {
      return badRequestPage(res, `${atlassianError('invalid_client', `client_id is not registered: ${clientId}`)} No app with this client_id is registered with the sandbox.`);
    }
    // The code stays bound to the URI exactly as sent: the token request must repeat it identically (RFC 6749 §4.1.3).
    const redirectUri = single(query, 'redirect_uri');
    if (redirectUri === undefined) return badRequestPage(res, 'The request has no redirect_uri.');
    const registered = normalizeRedirectUri(redirectUri);
    if (registered === undefined || !context.redirectUris.has(registered)) {
      return badRequestPage(res, `${atlassianError('unauthorized_client', `redirect_uri is not registered for client: ${redirectUri}`)} The redirect_uri is not a callback URL registered with the sandbox. A bot's callback is its PUBLIC_URL followed by /oauth/callback; a shared sandbox (npm run sandbox) accepts those listed in SANDBOX_REDIRECT_URIS.`);
    }

    const state = single(query, 'state');
    const fail = (error: string, description: string): void =>
      redirect(res, withParams(redirectUri, { error, error_description: description, state }));
    const responseType = single(query, 'response_type');
    if (responseType === undefined) return fail('invalid_request', 'response_type is required');
    if (responseType !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported');
    if (single(query, 'audience') !== AUDIENCE) return fail('invalid_request', `audience must be ${AUDIENCE}`);
    if (single(query, 'prompt') !== 'consent') return fail('invalid_request', 'prompt must be consent');
    if (state === undefined) return fail('invalid_request', 'state is required');
    const scopes = [...new Set((single(query, 'scope') ?? '').split(' ').filter(Boolean))];
    if (scopes.length === 0) return fail('invalid_request', 'scope is required');
    const unknown = scopes.filter((scope) => !isKnownScope(scope));
    if (unknown.length > 0) return fail('invalid_scope', `Unknown scope: ${unknown.join(' ')}`);

    const requestId = consents.add({ clientId, redirectUri, scopes, state });
    sendHtml(
      res,
      200,
      consentPage({
        homeHref: home,
        decisionAction: `${context.publicUrl}/sandbox/authorize/decision`,
        requestId,
        appName: client.name ?? `The app with client id ${clientId}`,
        userName: context.store.data.user.displayName,
        siteNames: context.store.data.sites.map((site) => site.name),
        scopes: scopes.map((scope) => ({ scope, description: SCOPE_DESCRIPTIONS[scope] ?? scope })),
      }),
    );
  });

  server.post('/sandbox/authorize/decision', async (req: Request, res: Response) => {
    const form = asFields(req.body);
    const consent = consents.take(single(form, 'request') ?? '');
    if (consent === undefined) {
      return badRequestPage(res, 'This sign-in request has expired or was already answered. Start signing in again from the app.');
    }
    if ((await context.resolveClient(consent.clientId)) === undefined) {
      return badRequestPage(res, 'The app that asked for access is no longer registered with the sandbox.');
    }
    const decision = single(form, 'decision');
    if (decision === 'decline') {
      return redirect(res, withParams(consent.redirectUri, { error: 'access_denied', error_description: 'User denied access', state: consent.state }));
    }
    if (decision !== 'accept') return badRequestPage(res, 'Choose Accept or Decline.');
    const code = await context.grants.issueCode({ clientId: consent.clientId, redirectUri: consent.redirectUri, scopes: consent.scopes });
    redirect(res, withParams(consent.redirectUri, { code, state: consent.state }));
  });

  server.post('/sandbox/oauth/token', async (req: Request, res: Response) => {
    const body = asFields(req.body);
    const sendError = (status: number, error: string, description: string): void => {
      res.header('Cache-Control', 'no-store');
      res.send(status, { error, error_description: description });
    };
    const required = (names: string[]): string[] | undefined => {
      const missing = names.filter((name) => single(body, name) === undefined);
      if (missing.length === 0) return names.map((name) => single(body, name) as string);
      sendError(400, 'invalid_request', `Missing required parameter(s): ${missing.join(', ')}`);
      return undefined;
    };
    const clientIsAuthentic = async (clientId: string, clientSecret: string): Promise<boolean> => {
      const expected = await context.resolveClient(clientId);
      if (expected !== undefined && sameSecret(clientSecret, expected.secret)) return true;
      sendError(401, 'access_denied', 'Unauthorized');
      return false;
    };
    const sendTokens = (tokens: TokenResponse): void => {
      res.header('Cache-Control', 'no-store');
      res.header('Pragma', 'no-cache');
      res.send(200, tokens);
    };

    const grantType = single(body, 'grant_type');
    if (grantType === 'authorization_code') {
      const fields = required(['client_id', 'client_secret', 'code', 'redirect_uri']);
      if (fields === undefined) return;
      const [clientId, clientSecret, code, redirectUri] = fields;
      if (!(await clientIsAuthentic(clientId, clientSecret))) return;
      const tokens = await context.grants.redeemCode(code, clientId, redirectUri);
      if (tokens === undefined) return sendError(403, 'invalid_grant', 'Invalid authorization code');
      return sendTokens(tokens);
    }
    if (grantType === 'refresh_token') {
      const fields = required(['client_id', 'client_secret', 'refresh_token']);
      if (fields === undefined) return;
      const [clientId, clientSecret, refreshToken] = fields;
      if (!(await clientIsAuthentic(clientId, clientSecret))) return;
      const tokens = await context.grants.refresh(refreshToken, clientId);
      if (tokens === undefined) return sendError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
      return sendTokens(tokens);
    }
    if (grantType === undefined) return sendError(400, 'invalid_request', 'Missing required parameter(s): grant_type');
    return sendError(400, 'unsupported_grant_type', 'Unsupported grant_type');
  });
}
