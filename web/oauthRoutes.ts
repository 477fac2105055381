/**
 * The browser's side of sign-in: `/oauth/start` (our short sign-in link, which redirects to the provider with a
 * fresh single-use state) and `/oauth/callback` (where the provider sends the browser back with a code).
 */
import type { Request, Response, Server } from 'restify';
import type { AuthService } from '../services/auth/authService.js';
import type { CallbackOutcome } from '../services/auth/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { TrustProxy } from '../services/config/config.js';
import { FailedLookupLimit, isFailedLookup } from './failedLookupLimit.js';
import { escapeHtml, page } from './html.js';
import { confirmationPage, mountConfirmationScripts } from './signInConfirmationPage.js';

/**
 * A used link is most often one the person already signed in with (a reload, a second click), but the page cannot
 * tell who is asking: it speaks to both.
 */
const ALREADY_SIGNED_IN_OR_NEW_LINK =
  'If you already signed in with it, go back to the chat: you are done (type the code from the Connected page there if the chat asks for it). ' +
  'Otherwise, type "sign in" in the chat to get a new link.';

export type OutcomeListener = (outcome: CallbackOutcome) => Promise<void>;

const NO_STORE = { 'Cache-Control': 'no-store', 'Content-Type': 'text/html; charset=utf-8', 'Referrer-Policy': 'no-referrer' };

export interface OAuthRouteOptions {
  /**
   * Failed look-ups (unknown or expired link ids and states) one client address may make per minute, start and
   * callback together, before it gets 429; default 30. Valid links and callbacks are never limited.
   */
  rateLimitPerMinute?: number;
  /** Which proxies' X-Forwarded-For decides the client address; by default the socket's address alone. */
  trustProxy?: TrustProxy;
  /** The Web Chat user id this browser's signed cookie carries, if any (proof that it is that chat user). */
  browserUserId?: (req: Request) => string | undefined;
}

export function mountOAuthRoutes(
  server: Server,
  auth: AuthService,
  onOutcome: OutcomeListener,
  logger: Logger,
  options: OAuthRouteOptions = {},
): void {
  // Guessing is limited per client address; real sign-ins, however many share an address, are not.
  const limit = new FailedLookupLimit({ perMinute: options.rateLimitPerMinute, trustProxy: options.trustProxy });

  mountConfirmationScripts(server);

  server.get('/oauth/start', async (req: Request, res: Response) => {
    const id = typeof req.query?.id === 'string' ? req.query.id : '';
    const target = id === '' ? undefined : await auth.beginAuthorization(id);
    if (target === undefined) {
      if (!limit.charge(req)) {
        limit.refuse(res);
        return;
      }
      sendPage(res, 400, 'Sign-in link expired', `This sign-in link has expired or was already used. ${ALREADY_SIGNED_IN_OR_NEW_LINK}`);
      return;
    }
    res.writeHead(302, { Location: target, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    res.end();
  });

  server.get('/oauth/callback', async (req: Request, res: Response) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
    const outcome = await auth.completeAuthorization(
      { code: text('code'), state: text('state'), error: text('error') },
      { webChatUserId: options.browserUserId?.(req) },
    );
    if (isFailedLookup(outcome) && !limit.charge(req)) {
      limit.refuse(res);
      return;
    }
    logger.info('oauth callback', { outcome: outcome.kind, reason: 'reason' in outcome ? outcome.reason : undefined });
    if (outcome.kind === 'user-confirmation-required' || outcome.kind === 'preauthorization-confirmation-required') {
      const audience = outcome.kind === 'preauthorization-confirmation-required' ? 'admin' : outcome.requester.channelId === 'msteams' ? 'teams' : 'chat';
      const confirmation = confirmationPage({ code: outcome.code, audience });
      res.writeHead(confirmation.status, confirmation.headers);
      res.end(confirmation.html);
    } else {
      const [status, title, message] = describe(outcome);
      sendPage(res, status, title, message);
    }
    // The page is sent first: resuming the chat may take a moment and the browser need not wait for it.
    await onOutcome(outcome).catch((error: unknown) => logger.error('could not resume the conversation after sign-in', { error }));
  });
}

function describe(
  outcome: Exclude<CallbackOutcome, { kind: 'user-confirmation-required' } | { kind: 'preauthorization-confirmation-required' }>,
): [number, string, string] {
  switch (outcome.kind) {
    case 'user-signed-in':
      return [200, 'Connected', 'Connected to Confluence. You can close this window and go back to the chat.'];
    case 'preauthorized':
      return [200, 'Connected', `The shared Confluence connection for "${outcome.profileName}" is authorized. You can close this window.`];
    case 'user-sign-in-failed':
      return outcome.reason === 'denied'
        ? [200, 'Sign-in declined', 'You declined access, so nothing was connected. You can close this window; the chat says what to do next.']
        : [502, 'Sign-in failed', 'Atlassian did not accept the sign-in. You can close this window and try again from the chat.'];
    case 'rejected':
      switch (outcome.reason) {
        case 'missing-state':
          return [400, 'Invalid sign-in', 'This sign-in response is incomplete. Start again from the link in the chat.'];
        case 'unknown-or-expired-state':
          return [400, 'Sign-in link expired', `This sign-in has expired or was already completed. ${ALREADY_SIGNED_IN_OR_NEW_LINK}`];
        case 'denied':
          return [400, 'Sign-in declined', 'Access was declined. Start again from the chat if that was a mistake.'];
        case 'exchange-failed':
          return [502, 'Sign-in failed', 'Atlassian did not accept the sign-in. Start again from the chat.'];
      }
  }
}

function sendPage(res: Response, status: number, title: string, message: string): void {
  res.writeHead(status, NO_STORE);
  res.end(page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`));
}
