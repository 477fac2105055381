/**
 * The bot's side of the local Direct Line: the two Bot Connector API routes CloudAdapter posts to at the
 * activity's serviceUrl, `POST /v3/conversations/:id/activities` (send, proactive) and
 * `POST /v3/conversations/:id/activities/:replyToId` (reply). What arrives is stored for Web Chat to poll.
 *
 * With MicrosoftAppId empty the bot signs nothing, so these routes cannot check who calls. They accept only
 * conversations that exist here, whose ids are 128 random bits known to the one browser and the bot. That is
 * why the local Direct Line is mounted only when MicrosoftAppId is not set: with it, the real Bot Connector
 * (Azure) carries the bot's replies and these routes must not exist.
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { ConversationStore } from './conversationStore.js';

const botActivitySchema = z
  .object({
    type: z.string().min(1).max(100),
    from: z.object({ id: z.string().optional(), name: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();

export function mountDirectLineConnectorRoutes(server: Server, store: ConversationStore): void {
  const receive = async (req: Request, res: Response) => {
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
    const stored = store.append(conversation, {
      ...parsed.data,
      from: { ...parsed.data.from, role: 'bot' },
      conversation: { id: conversation.id },
      recipient: { id: conversation.userId, role: 'user' },
    });
    res.json(200, { id: stored.id });
  };
  server.post('/v3/conversations/:conversationId/activities', receive);
  server.post('/v3/conversations/:conversationId/activities/:replyToId', receive);
}
