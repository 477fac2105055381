/**
 * Who a Web Chat browser is: an id this server issues, in a signed cookie, never an id the page chooses. The id is
 * the Web Chat user's id as the bot sees it (local Direct Line), or with `dl_` in front (Azure Direct Line, see
 * `browserIdOfChatUser`), and the Confluence token is stored under it. So a browser can only ever be the user its
 * own cookie says, and another browser cannot become that user by knowing or guessing the id: it would need the
 * signature, which only the holder of the encryption key can make.
 *
 * Cookie value: `web-<32 hex: 128 random bits>.<HMAC-SHA256 of the id, base64url>`, with a key derived from the
 * encryption key for this purpose only (services/crypto/keyDerivation.ts). A cookie that does not verify (tampered,
 * signed with another key, or malformed) is treated as absent, and `ensure` replaces it with a new identity.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** Plain name over http (a developer's machine); `__Host-` over https, see `cookieName`. */
export const COOKIE_NAME = 'webchat-id';
/** Browsers keep a cookie at most 400 days; so does this one, which is how long a Web Chat sign-in is remembered. */
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;
const ID = /^web-[0-9a-f]{32}$/;
const VALUE = /^(web-[0-9a-f]{32})\.([A-Za-z0-9_-]{43})$/;
/** Azure Direct Line's prefix for user ids it vouches for in a token (web/webChat/sessions.ts `azureSessions`). */
export const AZURE_USER_PREFIX = 'dl_';

export interface BrowserIdentityOptions {
  /** Set the cookie's `Secure` attribute (and the `__Host-` name): true when PUBLIC_URL is https. */
  secure: boolean;
}

export class BrowserIdentity {
  readonly cookieName: string;

  constructor(
    private readonly key: Buffer,
    private readonly options: BrowserIdentityOptions,
  ) {
    if (key.length < 32) throw new RangeError('BrowserIdentity: the signing key must be at least 32 bytes');
    // `__Host-` makes the browser refuse the cookie unless it is Secure, for this exact host and Path=/, so a
    // sibling subdomain cannot plant its own (validly signed, but someone else's) identity in a victim's browser.
    this.cookieName = options.secure ? `__Host-${COOKIE_NAME}` : COOKIE_NAME;
  }

  /** The verified id from the request's cookie, or undefined when there is none or it does not verify. */
  userIdOf(req: Pick<IncomingMessage, 'headers'>): string | undefined {
    for (const value of cookieValues(req.headers.cookie, this.cookieName)) {
      const id = this.verify(value);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** The request's verified id; otherwise a new identity, whose cookie is set on `res`, and its id. */
  ensure(req: Pick<IncomingMessage, 'headers'>, res: Pick<ServerResponse, 'getHeader' | 'setHeader'>): string {
    const existing = this.userIdOf(req);
    if (existing !== undefined) return existing;
    const id = `web-${randomBytes(16).toString('hex')}`;
    appendSetCookie(res, this.cookie(`${id}.${this.sign(id)}`));
    return id;
  }

  private cookie(value: string): string {
    return [
      `${this.cookieName}=${value}`,
      'Path=/',
      `Max-Age=${MAX_AGE_SECONDS}`,
      'HttpOnly',
      // Lax, not Strict: Atlassian's consent page sends the browser back to /oauth/callback (and a sign-in link in
      // another app opens /oauth/start) by a top-level navigation from another site. Lax sends the cookie on those
      // GET navigations, so the sign-in can check it is the same browser; Strict would drop it there. Lax still
      // keeps it off cross-site POSTs and embedded requests, so another site cannot open sessions as this browser.
      'SameSite=Lax',
      ...(this.options.secure ? ['Secure'] : []),
    ].join('; ');
  }

  private sign(id: string): string {
    return createHmac('sha256', this.key).update(id).digest('base64url');
  }

  private verify(value: string): string | undefined {
    const match = VALUE.exec(value);
    if (!match) return undefined;
    const id = match[1]!;
    const expected = Buffer.from(this.sign(id));
    const given = Buffer.from(match[2]!);
    // Constant time, so the response time says nothing about how much of a forged signature was right.
    return given.length === expected.length && timingSafeEqual(given, expected) ? id : undefined;
  }
}

/**
 * The browser id behind a Web Chat user id as the bot sees it (`context.activity.from.id`): the id itself with the
 * local Direct Line, `dl_<id>` with Azure Direct Line. Undefined for ids that no Web Chat browser of ours has (other
 * channels, or a Direct Line client that is not our page). Compare the result with `userIdOf(req)`.
 */
export function browserIdOfChatUser(chatUserId: string): string | undefined {
  const id = chatUserId.startsWith(AZURE_USER_PREFIX) ? chatUserId.slice(AZURE_USER_PREFIX.length) : chatUserId;
  return ID.test(id) ? id : undefined;
}

/** Every value of the named cookie, in header order (a browser may send two of the same name from other paths). */
function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals < 0) continue;
    if (pair.slice(0, equals).trim() === name) values.push(pair.slice(equals + 1).trim());
  }
  return values;
}

function appendSetCookie(res: Pick<ServerResponse, 'getHeader' | 'setHeader'>, cookie: string): void {
  const current = res.getHeader('Set-Cookie');
  const list = current === undefined ? [] : Array.isArray(current) ? current : [String(current)];
  res.setHeader('Set-Cookie', [...list, cookie]);
}
