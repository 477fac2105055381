/**
 * The sign-in routes' rate limit. Only failed look-ups (an unknown or expired link id, an unknown or missing
 * state) are charged to the client address, since that is what guessing produces. A valid link or callback is never
 * refused, not even from an address over its budget: a crowd behind one address (a tunnel, a proxy, a corporate NAT)
 * shares it with whoever guesses there, and refusing before the look-up would let one guesser lock them all out.
 * Link ids and states are 256 random bits, so letting a limited caller's look-ups run gains a guesser nothing.
 */
import type { Request, Response } from 'restify';
import type { TrustProxy } from '../services/config/config.js';
import type { CallbackOutcome } from '../services/auth/types.js';
import { clientAddress } from './clientAddress.js';
import { escapeHtml, page } from './html.js';
import { RateLimiter } from './rateLimiter.js';

export const DEFAULT_FAILED_LOOKUPS_PER_MINUTE = 30;

const TITLE = 'Too many sign-in attempts';
const MESSAGE =
  'Too many sign-in links that did not work were opened from your network. Wait a minute, then go back to the chat and open the sign-in link there again (or ask the bot for a new one).';

export class FailedLookupLimit {
  private readonly limiter: RateLimiter;
  private readonly trustProxy: TrustProxy;

  constructor(options: { perMinute?: number; trustProxy?: TrustProxy; now?: () => number } = {}) {
    this.limiter = new RateLimiter({ perMinute: options.perMinute ?? DEFAULT_FAILED_LOOKUPS_PER_MINUTE, now: options.now });
    this.trustProxy = options.trustProxy ?? { kind: 'none' };
  }

  /** Charges one failed look-up to the caller's address; false when it had none left (answer with `refuse`). */
  charge(req: Request): boolean {
    return this.limiter.take(clientAddress(req, this.trustProxy));
  }

  /** The 429 page for a caller over its budget: plain, and saying what to do. */
  refuse(res: Response): void {
    res.writeHead(429, {
      'Retry-After': '60',
      'Cache-Control': 'no-store',
      'Content-Type': 'text/html; charset=utf-8',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(page(TITLE, `<h1>${escapeHtml(TITLE)}</h1><p>${escapeHtml(MESSAGE)}</p>`));
  }
}

/** A callback whose state was missing or not found: the only callback outcomes that count as a failed look-up. */
export function isFailedLookup(outcome: CallbackOutcome): boolean {
  return outcome.kind === 'rejected' && (outcome.reason === 'missing-state' || outcome.reason === 'unknown-or-expired-state');
}
