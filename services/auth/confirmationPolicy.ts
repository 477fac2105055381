/**
 * Whether a sign-in that just finished in a browser may be bound to its requester at once, or must first be
 * confirmed from the chat (signInConfirmations.ts). The question is always: is the browser that finished the sign-in
 * provably the chat user the link was made for?
 *
 * - Web Chat: the page's user id is issued by this server in a signed cookie, so the same cookie arriving with the
 *   callback is that proof. The local Direct Line uses the id as is; Azure Direct Line prefixes it with `dl_`.
 * - Emulator mode (no MicrosoftAppId): nothing on /api/messages is authenticated, so any chat identity can be
 *   claimed anyway; a code would add friction and no protection. The Emulator and the sandbox demo stay one click.
 * - Every other case, and always a pre-authorization (the admin CLI cannot see the browser): a code.
 */
import type { PendingSignIn } from './signInRequests.js';

/** What the browser that reached the callback proved about itself. */
export interface BrowserEvidence {
  /** The Web Chat user id from this server's signed cookie, when the browser carries a valid one. */
  webChatUserId?: string;
}

const WEB_CHAT_CHANNELS = new Set(['webchat', 'directline']);

export function needsChatConfirmation(pending: PendingSignIn, browser: BrowserEvidence, emulatorMode: boolean): boolean {
  if (pending.kind === 'preauthorize' || pending.requester === undefined) return true;
  const { channelId, userId } = pending.requester;
  if (WEB_CHAT_CHANNELS.has(channelId)) {
    const cookieId = browser.webChatUserId;
    return !(cookieId !== undefined && (userId === cookieId || userId === `dl_${cookieId}`));
  }
  return !emulatorMode;
}
