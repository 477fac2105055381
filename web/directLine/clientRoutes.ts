/**
 * The Direct Line 3.0 routes Web Chat (botframework-directlinejs, polling) calls, under `/v3/directline`:
 * start and reconnect a conversation, post an activity, read activities after a watermark, refresh the token.
 * Every route needs `Authorization: Bearer <token>` with the token of that very conversation, so one browser can
 * never read or write another's conversation.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../services/logging/logger.js';
import { ConversationStore, DirectLineActivity, LocalConversation, TOKEN_LIFETIME_SECONDS } from './conversationStore.js';

/** Who the bot is in the local channel; the bot answers as the recipient of what it receives. */
export const LOCAL_BOT = { id: 'confluence-assistant', name: 'Confluence assistant', role: 'bot' } as const;
export const LOCAL_CHANNEL_ID = 'webchat';

const postedActivitySchema = z
  .object({
    type: z.enum(['message', 'event', 'typing']),
    from: z.object({ name: z.string().max(200).optional() }).passthrough().optional(),
  })
  .passthrough();

export interface BotEndpoint {
  /** Where the bot replies: this server's connector routes, over loopback. Ends with a slash. */
  serviceUrl(): string;
  /** Hands an activity to the bot and resolves with the HTTP status the bot answered. */
  deliver(activity: DirectLineActivity): Promise<number>;
}

export function mountDirectLineClientRoutes(server: Server, store: ConversationStore, bot: BotEndpoint, logger: Logger): void {
  const base = '/v3/directline';

  // Start: the page's session already opened the conversation and gave Web Chat its token; this is when the bot
  // hears that the user and the bot joined (its welcome). Asking again is harmless and changes nothing.
  server.post(`${base}/conversations`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, store);
    if (!conversation) return;
    const firstStart = !conversation.started;
    if (firstStart) {
      conversation.started = true;
      send(conversation, bot, logger, {
        type: 'conversationUpdate',
        membersAdded: [{ id: LOCAL_BOT.id, name: LOCAL_BOT.name }, { id: conversation.userId }],
        ...addressing(conversation, bot),
        id: `${conversation.id}|start`,
        timestamp: new Date().toISOString(),
      });
    }
    res.json(firstStart ? 201 : 200, describe(conversation, bearerToken(req)!));
  });

  // Reconnect (directlinejs calls it when given a conversationId, or after a lost stream).
  server.get(`${base}/conversations/:conversationId`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, store, req.params.conversationId);
    if (conversation) res.json(200, describe(conversation, bearerToken(req)!));
  });

  server.post(`${base}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, store, req.params.conversationId);
    if (!conversation) return;
    const parsed = postedActivitySchema.safeParse(req.body);
    if (!parsed.success) return fail(res, 400, 'BadArgument', 'Expected an activity of type message, event or typing.');
    // The sender is always the conversation's own user: a client cannot speak as someone else.
    const stored = store.append(conversation, {
      ...parsed.data,
      ...addressing(conversation, bot),
      from: { id: conversation.userId, ...(parsed.data.from?.name ? { name: parsed.data.from.name } : {}), role: 'user' },
    });
    // Stored first: that copy is the echo Web Chat waits for (matched on channelData.clientActivityID). The bot
    // gets it afterwards, so a slow turn (a 3,000-page listing) never makes the send look failed.
    send(conversation, bot, logger, stored);
    res.json(200, { id: stored.id });
  });

  server.get(`${base}/conversations/:conversationId/activities`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, store, req.params.conversationId);
    if (!conversation) return;
    const watermark = typeof req.query?.watermark === 'string' ? req.query.watermark : undefined;
    res.header('Cache-Control', 'no-store');
    res.json(200, store.since(conversation, watermark));
  });

  // Tokens live as long as their conversation (which stays alive while it is used), so refreshing returns the same.
  server.post(`${base}/tokens/refresh`, async (req: Request, res: Response) => {
    const conversation = authorized(req, res, store);
    if (conversation) res.json(200, describe(conversation, bearerToken(req)!));
  });
}

function describe(conversation: LocalConversation, token: string): Record<string, unknown> {
  return { conversationId: conversation.id, token, expires_in: TOKEN_LIFETIME_SECONDS };
}

function addressing(conversation: LocalConversation, bot: BotEndpoint): Record<string, unknown> {
  return {
    channelId: LOCAL_CHANNEL_ID,
    serviceUrl: bot.serviceUrl(),
    conversation: { id: conversation.id },
    from: { id: conversation.userId, role: 'user' },
    recipient: LOCAL_BOT,
  };
}

/** Queues the activity for the bot behind the conversation's earlier ones. Failures are logged, never thrown. */
function send(conversation: LocalConversation, bot: BotEndpoint, logger: Logger, activity: DirectLineActivity): void {
  conversation.delivery = conversation.delivery
    .then(() => bot.deliver(activity))
    .then((status) => {
      if (status >= 300) logger.warn('the bot refused an activity from Web Chat', { status, activityType: activity.type });
    })
    .catch((error: unknown) => logger.error('could not hand a Web Chat activity to the bot', { error, activityType: activity.type }));
}

/** The conversation the request's bearer token opens, if it is the one in the URL; otherwise answers 401/403. */
function authorized(req: Request, res: Response, store: ConversationStore, conversationId?: string): LocalConversation | undefined {
  const token = bearerToken(req);
  if (!token) {
    fail(res, 401, 'BadArgument', 'Missing "Authorization: Bearer <token>".');
    return undefined;
  }
  const conversation = store.findByToken(token);
  // 403 is what directlinejs reads as "token expired"; an expired conversation forgets its token, so it gets one too.
  if (!conversation || (conversationId !== undefined && conversation.id !== conversationId)) {
    fail(res, 403, 'TokenExpired', 'This token is unknown or expired, or is not valid for this conversation.');
    return undefined;
  }
  return conversation;
}

/** The token of `Authorization: Bearer <token>`, which every answer repeats (a conversation may have several). */
function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  return typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}

function fail(res: Response, status: number, code: string, message: string): void {
  res.json(status, { error: { code, message } });
}
