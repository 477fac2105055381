/**
 * Web Chat in the browser: the page at `/`, Web Chat's bundle, and `POST /webchat/session`, which gives the page
 * a Direct Line token (from the local Direct Line, or from Azure when DIRECT_LINE_SECRET is set) for the browser's
 * server-issued identity (browserIdentity.ts). The user id comes from the cookie, never the body; the body may
 * name a conversation to resume (`{ "resume": "<conversation id>", "ticket": "<resume ticket>" }`, the ticket for
 * Azure Direct Line only), which only that same browser gets back.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { TrustProxy } from '../../services/config/config.js';
import type { Logger } from '../../services/logging/logger.js';
import { clientAddress } from '../clientAddress.js';
import { RateLimiter } from '../rateLimiter.js';
import type { BrowserIdentity } from './browserIdentity.js';
import { locateWebChat, mountWebChatBundle, WEBCHAT_SCRIPT_PATH } from './bundle.js';
import { mountFavicon } from './favicon.js';
import { webChatPage } from './page.js';
import { SessionSource, SessionUnavailableError } from './sessions.js';

/**
 * Sessions one client address may open: 20 at once, then 30 a minute. A session is one page load, so a person
 * reloading as fast as they can, or a family or office behind one address opening a few tabs, stays well inside.
 * And one address alone cannot push live conversations out of the local Direct Line (1,000 at most, forgotten
 * after 30 idle minutes): keeping every session it can open alive, it holds 20 + 30 × 30 = 920 at most.
 * Behind a proxy or tunnel every user shares its address unless TRUST_PROXY is set.
 */
export const SESSION_BUDGET = { perMinute: 30, burst: 20 } as const;

export const TOO_MANY_SESSIONS =
  'Too many chat sessions were started from your network in the last minute. Wait a minute, then reload the page.';

const resumeRequestSchema = z.object({ resume: z.string().min(1).max(200), ticket: z.string().min(1).max(200).optional() });

export interface WebChatOptions {
  sandbox: boolean;
  sessions: SessionSource;
  logger: Logger;
  /** Issues and verifies the browser's id (the Web Chat user id). */
  identity: BrowserIdentity;
  /** How far X-Forwarded-For is believed when keying the session budget by client address. */
  trustProxy: TrustProxy;
  /** Replaces the SESSION_BUDGET limiter (tests). */
  sessionLimiter?: RateLimiter;
}

export function mountWebChat(server: Server, options: WebChatOptions): void {
  const webChat = locateWebChat();
  mountWebChatBundle(server, webChat);
  const html = webChatPage({ sandbox: options.sandbox, scriptUrl: `${WEBCHAT_SCRIPT_PATH}?v=${encodeURIComponent(webChat.version)}` });

  const pageHeaders = {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  };
  server.get('/', async (_req: Request, res: Response) => {
    res.writeHead(200, pageHeaders);
    res.end(html);
  });
  // Uptime checks and link previews ask with HEAD: the page's headers, no body.
  server.head('/', async (_req: Request, res: Response) => {
    res.writeHead(200, { ...pageHeaders, 'Content-Length': String(Buffer.byteLength(html)) });
    res.end();
  });
  mountFavicon(server, options.logger);

  const limiter = options.sessionLimiter ?? new RateLimiter(SESSION_BUDGET);
  let lastWarned = -Infinity;
  server.post('/webchat/session', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    const address = clientAddress(req, options.trustProxy);
    if (!limiter.take(address)) {
      // Once a minute at most, so a flood cannot fill the log; the address is left out, being personal data.
      if (Date.now() - lastWarned > 60_000) {
        lastWarned = Date.now();
        options.logger.warn('Web Chat sessions refused: too many from one client address (answered 429)', SESSION_BUDGET);
      }
      res.header('Retry-After', '60');
      res.json(429, { message: TOO_MANY_SESSIONS });
      return;
    }
    // Any userId in the body is ignored: the browser is who its signed cookie says, or gets a new identity now.
    const browserId = options.identity.ensure(req, res);
    // A reloaded page names the conversation it had; the session source gives it back only to that same browser.
    const resume = resumeRequestSchema.safeParse(req.body);
    try {
      const request = resume.success ? { conversationId: resume.data.resume, ...(resume.data.ticket === undefined ? {} : { ticket: resume.data.ticket }) } : undefined;
      res.json(200, await options.sessions(browserId, request));
    } catch (error) {
      if (!(error instanceof SessionUnavailableError)) throw error;
      options.logger.warn('Web Chat session refused', { reason: error.message });
      res.json(error.status, { message: error.message });
    }
  });
}
