/**
 * Which body each route takes, and how much of it: one table for the bot's routes and one for the Confluence
 * sandbox's, looked up by the route restify matched. A route missing from the tables gets the conservative default;
 * GET, HEAD, DELETE and OPTIONS take no body at all.
 */
import type { Request, RequestHandler, Response } from 'restify';
import { type BodyPolicy, type Refusal, readRequestBodies } from './requestBody.js';

const KB = 1024;
const MB = 1024 * KB;

export interface RouteBodyPolicy extends BodyPolicy {
  method: 'POST' | 'PUT' | 'PATCH';
  /** Matched against the path the route was registered with, e.g. `/v3/conversations/:conversationId/activities`. */
  route: RegExp;
}

/** A POST, PUT or PATCH route nobody listed: a small JSON body. */
export const DEFAULT_BODY_POLICY: BodyPolicy = { accepts: ['json'], maxBytes: 16 * KB };
const NO_BODY: BodyPolicy = { accepts: [], maxBytes: 0 };

/** Azure Bot Service and Direct Line refuse activities over 256 KB; so do we, on every route that carries one. */
const ACTIVITY_BYTES = 256 * KB;

/** `Bearer` and a token of three dot-separated base64url parts: the shape of a JWT, not yet its validity. */
const BEARER_JWT = /^Bearer [A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface BotBodyOptions {
  /**
   * MicrosoftAppId mode: /api/messages without a bearer token is refused before its body is read. (The token
   * itself is validated by the adapter, which needs the activity for that.)
   */
  requireBearerToken: boolean;
}

export function botBodyPolicies(options: BotBodyOptions): RouteBodyPolicy[] {
  const directLineError = (res: Response, refusal: Refusal): void => {
    res.json(refusal.status, { error: { code: DIRECT_LINE_CODES[refusal.status], message: refusal.message } });
  };
  return [
    {
      method: 'POST',
      route: /^\/api\/messages$/,
      accepts: ['json'],
      maxBytes: ACTIVITY_BYTES,
      precheck: options.requireBearerToken ? requireBearerToken : undefined,
    },
    // The local Direct Line: what Web Chat posts, and the Bot Connector routes the bot replies to.
    { method: 'POST', route: /^\/v3\/directline\//, accepts: ['json'], maxBytes: ACTIVITY_BYTES, refuse: directLineError },
    { method: 'POST', route: /^\/v3\/conversations\//, accepts: ['json'], maxBytes: ACTIVITY_BYTES, refuse: directLineError },
    // The page asks for its session with an empty body or a few bytes of JSON.
    { method: 'POST', route: /^\/webchat\/session$/, accepts: ['json'], maxBytes: 4 * KB },
    ...SANDBOX_BODY_POLICIES,
  ];
}

const DIRECT_LINE_CODES: Record<Refusal['status'], string> = {
  400: 'BadArgument',
  401: 'Unauthorized',
  413: 'MessageSizeTooBig',
  415: 'BadArgument',
};

function requireBearerToken(req: Request): Refusal | undefined {
  const header = req.headers.authorization;
  if (header !== undefined && header.length <= 16 * KB && BEARER_JWT.test(header)) return undefined;
  return { status: 401, message: 'This endpoint needs a Bot Framework token: Authorization: Bearer <JWT>.' };
}

/** The sandbox's routes, the same whether it runs inside the bot or on its own server (npm run sandbox). */
export const SANDBOX_BODY_POLICIES: RouteBodyPolicy[] = [
  // Atlassian's token endpoint takes JSON (what our OAuth client sends) and, as OAuth 2.0 specifies, a form.
  { method: 'POST', route: /^\/sandbox\/oauth\/token$/, accepts: ['json', 'form'], maxBytes: 16 * KB, refuse: oauthError },
  // The consent page's Accept / Decline form.
  { method: 'POST', route: /^\/sandbox\/authorize\/decision$/, accepts: ['form'], maxBytes: 4 * KB },
  // Creating a page or blog post: Confluence takes up to 5 MB (services/confluence/client.ts refuses more before
  // sending), so the sandbox reads that much and answers more with Confluence's own 413.
  {
    method: 'POST',
    route: /^\/sandbox\/api\/ex\/confluence\/[^/]+\/wiki\/api\/v2\/(pages|blogposts)$/,
    accepts: ['json'],
    maxBytes: 5 * MB,
    refuse: confluenceError,
  },
  // Updating a page or blog post sends its whole body: the same 5 MB as creating. A comment takes as much.
  {
    method: 'PUT',
    route: /^\/sandbox\/api\/ex\/confluence\/[^/]+\/wiki\/api\/v2\/(pages|blogposts)\/[^/]+$/,
    accepts: ['json'],
    maxBytes: 5 * MB,
    refuse: confluenceError,
  },
  { method: 'POST', route: /^\/sandbox\/api\/ex\/confluence\/[^/]+\/wiki\/api\/v2\/footer-comments$/, accepts: ['json'], maxBytes: 5 * MB, refuse: confluenceError },
  // 250 account ids of about 60 characters each.
  { method: 'POST', route: /^\/sandbox\/api\/ex\/confluence\/[^/]+\/wiki\/api\/v2\/users-bulk$/, accepts: ['json'], maxBytes: 64 * KB, refuse: confluenceError },
];

function oauthError(res: Response, refusal: Refusal): void {
  res.header('Cache-Control', 'no-store');
  res.json(refusal.status, { error: 'invalid_request', error_description: refusal.message });
}

const CONFLUENCE_CODES: Record<Refusal['status'], string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  413: 'REQUEST_ENTITY_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** Confluence v2's error body (see sandbox/v2Errors.ts). */
function confluenceError(res: Response, refusal: Refusal): void {
  res.json(refusal.status, { errors: [{ status: refusal.status, code: CONFLUENCE_CODES[refusal.status], title: refusal.message, detail: null }] });
}

/** The policy for the route restify matched, by method and registered path. */
export function bodyPolicyTable(routes: readonly RouteBodyPolicy[]): (req: Request) => BodyPolicy {
  return (req) => {
    const method = req.method ?? 'GET';
    if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return NO_BODY;
    const registered = req.getRoute()?.path;
    const path = typeof registered === 'string' ? registered : req.path();
    return routes.find((policy) => policy.method === method && policy.route.test(path)) ?? DEFAULT_BODY_POLICY;
  };
}

/** The `server.use` handler for the bot's server. */
export function botRequestBodies(options: BotBodyOptions): RequestHandler {
  return readRequestBodies(bodyPolicyTable(botBodyPolicies(options)));
}

/** The `server.use` handler for the sandbox's own server. */
export function sandboxRequestBodies(): RequestHandler {
  return readRequestBodies(bodyPolicyTable(SANDBOX_BODY_POLICIES));
}
