/**
 * The bot's side of the local Direct Line: the two Bot Connector API routes CloudAdapter posts to at the
 * activity's serviceUrl, `POST /v3/conversations/:id/activities` (send, proactive) and
 * `POST /v3/conversations/:id/activities/:replyToId` (reply). What arrives is stored for Web Chat to poll.
 *
 * With MicrosoftAppId empty the bot signs nothing, so these routes cannot check a signature. They accept only:
 * - connections from loopback: the bot reaches them at `http://127.0.0.1:<port>/` (the serviceUrl the local
 *   Direct Line gives it), while the server listens on every interface, so anyone else is refused with 403. The
 *   check is the socket's own address, which a caller cannot choose, never X-Forwarded-For;
 * - requests without proxy headers: a tunnel or reverse proxy on this machine also connects from loopback, but it
 *   adds X-Forwarded-For (or Forwarded, X-Real-IP), which the bot's own calls never carry;
 * - conversations that exist here, whose ids are 128 random bits known to the one browser and the bot.
 * That is also why the local Direct Line is mounted only when MicrosoftAppId is not set: with it, the real Bot
 * Connector (Azure) carries the bot's replies and these routes must not exist.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { normaliseAddress } from '../clientAddress.js';
import { ConversationStore } from './conversationStore.js';

/** Headers a proxy adds, so a request through a tunnel on this machine is told apart from the bot's own. */
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];

/** True for 127.0.0.0/8 and ::1 (IPv4-mapped forms included). */
export function isLoopbackAddress(address: string | undefined): boolean {
  const normal = normaliseAddress(address ?? '');
  return normal !== undefined && (normal === '::1' || /^127\.\d+\.\d+\.\d+$/.test(normal));
}

/** The bot on this machine: a loopback socket, not relayed by a proxy. */
function fromTheLocalBot(req: Request): boolean {
  return isLoopbackAddress(req.socket.remoteAddress) && PROXY_HEADERS.every((header) => req.headers[header] === undefined);
}

const botActivitySchema = z
  .object({
    type: z.string().min(1).max(100),
    from: z.object({ id: z.string().optional(), name: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export function mountDirectLineConnectorRoutes(server: Server, store: ConversationStore): void {
  const receive = async (req: Request, res: Response) => {
    if (!fromTheLocalBot(req)) {
      res.json(403, {
        error: { code: 'Forbidden', message: "Only the bot itself, on this machine over loopback, may post to the local Direct Line's connector routes." },
      });
      return;
    }
    const conversation = store.find(String(req.params.conversationId));
    if (!conversation) {
      res.json(404, { error: { code: 'ConversationNotFound', message: 'No such conversation on this local Direct Line.' } });
      return;
    }
    const parsed = botActivitySchema.safeParse(req.body);
    if (!parsed.success) {
      res.json(400, { error: { code: 'BadArgument', message: 'Expected an activity with a type.' } });
      return;
    }
    // A replyToId must name an activity Web Chat has: Web Chat holds back a reply to an activity it never received
    // (for ~5 s) before it renders it. A proactive turn's replies point at the continuation event's own made-up id.
    const { replyToId, ...activity } = parsed.data;
    const repliesToKnown = typeof replyToId === 'string' && conversation.history.some((earlier) => earlier.id === replyToId);
    const stored = store.append(conversation, {
      ...activity,
      ...(repliesToKnown ? { replyToId } : {}),
      from: { ...parsed.data.from, role: 'bot' },
      conversation: { id: conversation.id },
      recipient: { id: conversation.userId, role: 'user' },
    });
    res.json(200, { id: stored.id });
  };
  server.post('/v3/conversations/:conversationId/activities', receive);
  server.post('/v3/conversations/:conversationId/activities/:replyToId', receive);
}
