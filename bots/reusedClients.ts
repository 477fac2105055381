/**
 * botbuilder's CloudAdapter builds a new ConnectorClient and a new UserTokenClient for every turn, and each one
 * builds its Azure HTTP pipeline from scratch: about a tenth of a `help` turn's CPU. The clients hold no state of a
 * turn (the URL, the credentials, the pipeline), so they are kept and reused for the same serviceUrl and identity,
 * as botbuilder's older BotFrameworkAdapter did. Bounded: a channel has a few serviceUrls, but anyone can name
 * one in Emulator mode.
 */
import type { ClaimsIdentity } from 'botframework-connector';

const MAX_CLIENTS = 256;

export class ReusedClients<Client> {
  private readonly clients = new Map<string, Promise<Client>>();

  constructor(private readonly limit = MAX_CLIENTS) {}

  /** The client kept under `key`, or a new one from `create`; a failed creation is not kept. */
  get(key: string, create: () => Promise<Client>): Promise<Client> {
    const kept = this.clients.get(key);
    if (kept !== undefined) {
      // Most recently used last, so the oldest is evicted first.
      this.clients.delete(key);
      this.clients.set(key, kept);
      return kept;
    }
    const created = create();
    this.clients.set(key, created);
    created.catch(() => {
      if (this.clients.get(key) === created) this.clients.delete(key);
    });
    if (this.clients.size > this.limit) this.clients.delete(this.clients.keys().next().value!);
    return created;
  }

  get size(): number {
    return this.clients.size;
  }
}

/**
 * What decides a client's credentials: the claims botbuilder derives the app id and the OAuth scope from (the bot
 * itself for a channel, the calling bot for a skill). Two turns with the same claims get the same credentials.
 */
export function identityKey(identity: ClaimsIdentity): string {
  const decisive = identity.claims
    .filter((claim) => claim.type === 'aud' || claim.type === 'azp' || claim.type === 'appid' || claim.type === 'ver')
    .map((claim) => `${claim.type}=${claim.value}`)
    .sort();
  return `${identity.isAuthenticated ? 'authenticated' : 'anonymous'}|${decisive.join('&')}`;
}
