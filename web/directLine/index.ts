/**
 * A Direct Line 3.0–compatible endpoint inside this server, so Web Chat reaches the bot with no Azure: the client
 * routes Web Chat polls, and the Bot Connector routes the bot replies to. Activities from Web Chat are handed to
 * the bot exactly as a channel would hand them: an HTTP POST to our own /api/messages, with a serviceUrl that
 * points back here over loopback (so it works behind a tunnel too).
 *
 * Mount it only when MicrosoftAppId is empty and no DIRECT_LINE_SECRET is set (see connectorRoutes.ts for why).
 *
 * Trust: each conversation belongs to the user id the page's server-issued, signed cookie names
 * (web/webChat/browserIdentity.ts), and its token keeps it apart from every other; the bot's side answers loopback
 * only. /api/messages itself still trusts whoever posts to it when MicrosoftAppId is empty (Emulator mode), so this
 * is meant for a developer's machine or a tunnel shared with people who may use it, not for the open internet.
 */
import type { Server } from 'restify';
import { withCallDeadline } from '../../services/http/callDeadline.js';
import type { Logger } from '../../services/logging/logger.js';
import { BotEndpoint, mountDirectLineClientRoutes } from './clientRoutes.js';
import { mountDirectLineConnectorRoutes } from './connectorRoutes.js';
import { ConversationStore, ConversationStoreOptions } from './conversationStore.js';

export { ConversationStore } from './conversationStore.js';
export { LOCAL_BOT, LOCAL_CHANNEL_ID } from './clientRoutes.js';

/**
 * How long the next activity of a conversation waits behind the previous one's turn. The answer to this POST comes
 * when the bot's turn ends, and a long listing takes a while; every call the turn makes has its own deadline, so
 * this only unblocks a conversation whose turn is stuck for another reason.
 */
const DELIVERY_TIMEOUT_MS = 120_000;

export interface LocalDirectLineOptions {
  /** This server as the bot reaches it, e.g. `http://127.0.0.1:3978` (known once the server listens). */
  localUrl: () => string;
  logger: Logger;
  limits?: ConversationStoreOptions;
  /** Replaces the HTTP POST to /api/messages (tests). */
  deliver?: BotEndpoint['deliver'];
}

export function mountLocalDirectLine(server: Server, options: LocalDirectLineOptions): ConversationStore {
  const store = new ConversationStore(options.limits);
  const bot: BotEndpoint = {
    serviceUrl: () => `${options.localUrl()}/`,
    deliver:
      options.deliver ??
      ((activity) =>
        withCallDeadline(DELIVERY_TIMEOUT_MS, async (signal) => {
          const response = await fetch(`${options.localUrl()}/api/messages`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(activity),
            signal,
          });
          await response.arrayBuffer();
          return response.status;
        })),
  };
  mountDirectLineClientRoutes(server, store, bot, options.logger);
  mountDirectLineConnectorRoutes(server, store);
  return store;
}
