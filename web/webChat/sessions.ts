/**
 * Where the Web Chat page gets its Direct Line token. Locally, the built-in Direct Line opens a conversation for
 * the browser's user. With DIRECT_LINE_SECRET set, the secret is exchanged at Azure for a token that opens one
 * conversation (the secret itself never reaches the browser).
 */
import { z } from 'zod';
import type { ConversationStore } from '../directLine/conversationStore.js';
import { AZURE_USER_PREFIX } from './browserIdentity.js';

export interface WebChatSession {
  token: string;
  /** Direct Line base URL for createDirectLine's `domain`: a path on this server, or Azure's absolute URL. */
  domain: string;
  /** The local Direct Line polls; Azure's streams over a WebSocket. */
  webSocket: boolean;
  /** The user id Web Chat must use (Azure embeds it in the token). */
  userId: string;
  /** The conversation the token opens, which the page keeps to resume it after a reload (local Direct Line). */
  conversationId?: string;
  /** Only when the page asked to resume one: whether it got that conversation back (false: a new one). */
  resumed?: boolean;
}

/**
 * Opens a session for the browser whose server-issued id (web/webChat/browserIdentity.ts) is `browserId`; with
 * `resume`, a fresh token for that conversation instead, if it is still there and this browser's.
 */
export type SessionSource = (browserId: string, resume?: string) => Promise<WebChatSession>;

/** The page cannot get a session, for a reason the person running the bot can fix; `message` says how. */
export class SessionUnavailableError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'SessionUnavailableError';
  }
}

export function localSessions(store: ConversationStore): SessionSource {
  return async (browserId, resume) => {
    const kept = resume === undefined ? undefined : store.resume(resume, browserId);
    const conversation = kept ?? store.open(browserId);
    return {
      token: conversation.token,
      domain: '/v3/directline',
      webSocket: false,
      userId: browserId,
      conversationId: conversation.id,
      ...(resume === undefined ? {} : { resumed: kept !== undefined }),
    };
  };
}

const generatedTokenSchema = z.object({ conversationId: z.string().min(1), token: z.string().min(1), expires_in: z.number().optional() });

/**
 * Azure's Direct Line: `POST {url}/v3/directline/tokens/generate` with the secret as bearer. The browser's
 * server-issued id goes into the token with the `dl_` prefix, so Direct Line (with enhanced authentication) rejects
 * any other id from the page.
 */
export function azureSessions(options: { secret: string; url: string; fetch?: typeof fetch; timeoutMs?: number }): SessionSource {
  const doFetch = options.fetch ?? fetch;
  return async (browserUserId) => {
    const userId = `${AZURE_USER_PREFIX}${browserUserId}`;
    let response: Response;
    try {
      response = await doFetch(`${options.url}/v3/directline/tokens/generate`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.secret}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: { id: userId } }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch {
      throw new SessionUnavailableError('Azure Direct Line is not reachable right now. Try again in a moment.', 502);
    }
    if (response.status === 401 || response.status === 403) {
      throw new SessionUnavailableError('Azure Direct Line refused DIRECT_LINE_SECRET. Check the secret of the Direct Line channel.', 502);
    }
    const parsed = response.ok ? generatedTokenSchema.safeParse(await response.json().catch(() => undefined)) : undefined;
    if (!parsed?.success) {
      throw new SessionUnavailableError(`Azure Direct Line did not issue a token (HTTP ${response.status}). Try again in a moment.`, 502);
    }
    return { token: parsed.data.token, domain: `${options.url}/v3/directline`, webSocket: true, userId };
  };
}

/** With MicrosoftAppId set and no DIRECT_LINE_SECRET there is nothing the page can connect to. */
export function unavailableSessions(): SessionSource {
  return async () => {
    throw new SessionUnavailableError(
      'This bot runs with MicrosoftAppId, so Web Chat goes through Azure: set DIRECT_LINE_SECRET (the secret of the Azure Bot\'s Direct Line channel).',
      503,
    );
  };
}
