/**
 * Picks how the Web Chat page connects, from the configuration, and mounts everything it needs:
 * - DIRECT_LINE_SECRET set: Azure's Direct Line (the secret is exchanged for a token per page load);
 * - else MicrosoftAppId empty: the built-in local Direct Line (web/directLine/), no Azure at all;
 * - else (MicrosoftAppId without a secret): the page explains that DIRECT_LINE_SECRET is needed.
 */
import type { Server } from 'restify';
import type { Config } from '../../services/config/config.js';
import type { Logger } from '../../services/logging/logger.js';
import { mountLocalDirectLine } from '../directLine/index.js';
import type { BrowserIdentity } from './browserIdentity.js';
import { ResumeTickets } from './resumeTicket.js';
import { mountWebChat } from './routes.js';
import { azureSessions, localSessions, SessionSource, unavailableSessions } from './sessions.js';

export { BrowserIdentity, browserIdOfChatUser } from './browserIdentity.js';

export function mountWebChatForConfig(
  server: Server,
  config: Config,
  logger: Logger,
  localUrl: () => string,
  identity: BrowserIdentity,
  /** Signs Azure Direct Line resume tickets: deriveKey(master key, 'webchat-azure-resume-ticket'). */
  resumeTicketKey: Buffer,
): void {
  let sessions: SessionSource;
  let directLine: 'azure' | 'local' | 'needs DIRECT_LINE_SECRET';
  if (config.directLine.secret !== undefined) {
    sessions = azureSessions({ secret: config.directLine.secret, url: config.directLine.url, tickets: new ResumeTickets(resumeTicketKey) });
    directLine = 'azure';
  } else if (config.microsoft === undefined) {
    sessions = localSessions(mountLocalDirectLine(server, { localUrl, logger }));
    directLine = 'local';
    if (config.storage.kind === 'azure') {
      // Its conversations live in this process's memory: behind a load balancer, the page's next poll may reach an
      // instance that has never heard of them.
      logger.warn('The built-in Direct Line of the Web Chat page serves this instance only; several instances need Azure Direct Line (DIRECT_LINE_SECRET).');
    }
  } else {
    sessions = unavailableSessions();
    directLine = 'needs DIRECT_LINE_SECRET';
  }
  mountWebChat(server, { sandbox: config.sandbox, sessions, logger, identity, trustProxy: config.trustProxy });
  logger.info('Web Chat page', { url: `${config.publicUrl}/`, directLine });
}
