/**
 * Web Chat in the browser: the page at `/`, Web Chat's bundle, and `POST /webchat/session`, which gives the page
 * a Direct Line token (from the local Direct Line, or from Azure when DIRECT_LINE_SECRET is set).
 */
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import type { Logger } from '../../services/logging/logger.js';
import { locateWebChat, mountWebChatBundle, WEBCHAT_SCRIPT_PATH } from './bundle.js';
import { webChatPage } from './page.js';
import { browserUserIdSchema, SessionSource, SessionUnavailableError } from './sessions.js';

export interface WebChatOptions {
  sandbox: boolean;
  sessions: SessionSource;
  logger: Logger;
}

const sessionRequestSchema = z.object({ userId: browserUserIdSchema });

export function mountWebChat(server: Server, options: WebChatOptions): void {
  const webChat = locateWebChat();
  mountWebChatBundle(server, webChat);
  const html = webChatPage({ sandbox: options.sandbox, scriptUrl: `${WEBCHAT_SCRIPT_PATH}?v=${encodeURIComponent(webChat.version)}` });

  server.get('/', async (_req: Request, res: Response) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': "frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(html);
  });

  server.post('/webchat/session', async (req: Request, res: Response) => {
    res.header('Cache-Control', 'no-store');
    const parsed = sessionRequestSchema.safeParse(req.body);
    if (!parsed.success) {
      res.json(400, { message: 'Expected {"userId": "<8 to 64 letters, digits, - or _, not starting with dl_>"}.' });
      return;
    }
    try {
      res.json(200, await options.sessions(parsed.data.userId));
    } catch (error) {
      if (!(error instanceof SessionUnavailableError)) throw error;
      options.logger.warn('Web Chat session refused', { reason: error.message });
      res.json(error.status, { message: error.message });
    }
  });
}
