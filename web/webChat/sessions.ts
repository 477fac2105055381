/**
 * Where the Web Chat page gets its Direct Line token. Locally, the built-in Direct Line opens a conversation for
 * the browser's user. With DIRECT_LINE_SECRET set, the secret is exchanged at Azure for a token that opens one
 * conversation (the secret itself never reaches the browser).
 */
import { z } from 'zod';
import { withCallDeadline } from '../../services/http/callDeadline.js';
import type { ConversationStore } from '../directLine/conversationStore.js';
import { AZURE_USER_PREFIX } from './browserIdentity.js';
import type { ResumeTickets } from './resumeTicket.js';

export interface WebChatSession {
  token: string;
  /** Direct Line base URL for createDirectLine's `domain`: a path on this server, or Azure's absolute URL. */
  domain: string;
  /** The local Direct Line polls; Azure's streams over a WebSocket. */
  webSocket: boolean;
  /** The user id Web Chat must use (Azure embeds it in the token). */
  userId: string;
  /** The conversation the token opens, which the page keeps to resume it after a reload. */
  conversationId?: string;
  /** Azure only: proof that this browser opened `conversationId` (resumeTicket.ts); the page shows it to resume. */
  resumeTicket?: string;
  /** Only when the page asked to resume one: whether it got that conversation back (false: a new one). */
  resumed?: boolean;
}

/** What a reloaded page shows to get its conversation back: its id, and (Azure) the ticket it was given with it. */
export interface ResumeRequest {
  conversationId: string;
  ticket?: string;
}

/**
 * Opens a session for the browser whose server-issued id (web/webChat/browserIdentity.ts) is `browserId`; with
 * `resume`, a fresh token for that conversation instead, if it is still there and this browser's.
 */
export type SessionSource = (browserId: string, resume?: ResumeRequest) => Promise<WebChatSession>;

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
    const kept = resume === undefined ? undefined : store.resume(resume.conversationId, browserId);
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
const reconnectedSchema = z.object({ conversationId: z.string().min(1), token: z.string().min(1) });

export interface AzureSessionOptions {
  secret: string;
  url: string;
  /** Signs and checks which browser opened a conversation, so only that browser resumes it after a reload. */
  tickets: ResumeTickets;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/**
 * Azure's Direct Line: `POST {url}/v3/directline/tokens/generate` with the secret as bearer. The browser's
 * server-issued id goes into the token with the `dl_` prefix, so Direct Line (with enhanced authentication) rejects
 * any other id from the page.
 *
 * A reload resumes the tab's conversation: the page shows its id and the ticket it got with it; if the ticket is this
 * browser's for that conversation, Direct Line's reconnect (`GET {url}/v3/directline/conversations/{id}?watermark=`,
 * with the secret) gives a fresh token for it, and Web Chat reconnects and replays what Direct Line still holds.
 * A ticket that does not verify, or a conversation Azure no longer knows, gets a new conversation and
 * `resumed: false`, which the page explains. Nothing is remembered here, so any instance can answer.
 */
export function azureSessions(options: AzureSessionOptions): SessionSource {
  const doFetch = options.fetch ?? fetch;
  const base = `${options.url}/v3/directline`;
  /** The status and, for a success, the JSON body (undefined when it is not JSON), both within the deadline. */
  const call = async (path: string, init: RequestInit): Promise<{ status: number; ok: boolean; body?: unknown }> => {
    try {
      return await withCallDeadline(options.timeoutMs ?? 10_000, async (signal) => {
        const response = await doFetch(`${base}${path}`, {
          ...init,
          headers: { Authorization: `Bearer ${options.secret}`, 'Content-Type': 'application/json' },
          signal,
        });
        const body = response.ok ? await response.json().catch(() => undefined) : undefined;
        return { status: response.status, ok: response.ok, body };
      });
    } catch {
      throw new SessionUnavailableError('Azure Direct Line is not reachable right now. Try again in a moment.', 502);
    }
  };
  const refusedSecret = () =>
    new SessionUnavailableError('Azure Direct Line refused DIRECT_LINE_SECRET. Check the secret of the Direct Line channel.', 502);
  const noToken = (status: number) =>
    new SessionUnavailableError(`Azure Direct Line did not issue a token (HTTP ${status}). Try again in a moment.`, 502);

  const open = async (userId: string): Promise<{ conversationId: string; token: string }> => {
    const response = await call('/tokens/generate', { method: 'POST', body: JSON.stringify({ user: { id: userId } }) });
    if (response.status === 401 || response.status === 403) throw refusedSecret();
    const parsed = response.ok ? generatedTokenSchema.safeParse(response.body) : undefined;
    if (!parsed?.success) throw noToken(response.status);
    return parsed.data;
  };

  /** A fresh token for the conversation, or undefined when Direct Line no longer knows it. */
  const reconnect = async (conversationId: string): Promise<string | undefined> => {
    // An empty watermark: this call only mints the token; Web Chat then reconnects itself from the start.
    const response = await call(`/conversations/${encodeURIComponent(conversationId)}?watermark=`, { method: 'GET' });
    if (response.status === 401) throw refusedSecret();
    // Expired or unknown (404), or not this channel's (403), or malformed id (400): it cannot come back.
    if (response.status === 400 || response.status === 403 || response.status === 404) return undefined;
    const parsed = response.ok ? reconnectedSchema.safeParse(response.body) : undefined;
    // Busy or failing (5xx, 429): an error, not a new conversation, so the page's next reload can still resume it.
    if (!parsed?.success || parsed.data.conversationId !== conversationId) throw noToken(response.status);
    return parsed.data.token;
  };

  return async (browserUserId, resume) => {
    const userId = `${AZURE_USER_PREFIX}${browserUserId}`;
    const session = (conversationId: string, token: string) => ({
      token,
      domain: base,
      webSocket: true,
      userId,
      conversationId,
      resumeTicket: options.tickets.issue(userId, conversationId),
    });
    if (resume?.ticket !== undefined && options.tickets.verify(userId, resume.conversationId, resume.ticket)) {
      const token = await reconnect(resume.conversationId);
      if (token !== undefined) return { ...session(resume.conversationId, token), resumed: true };
    }
    const opened = await open(userId);
    return { ...session(opened.conversationId, opened.token), ...(resume === undefined ? {} : { resumed: false }) };
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
