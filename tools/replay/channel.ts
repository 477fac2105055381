/**
 * Plays the Bot Framework Emulator for a replay: posts activities to the bot's /api/messages with its own
 * serviceUrl, and runs the small Bot Connector receiver the bot answers to
 * (`POST /v3/conversations/:id/activities[/:replyToId]`), proactive messages included.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type ChannelActivity = Record<string, unknown> & { type: string };

export interface ChannelAccount {
  id: string;
  name: string;
  role: string;
}

export class ReplayChannel {
  readonly received: ChannelActivity[] = [];
  readonly conversationId = `${randomUUID()}|livechat`;
  readonly user: ChannelAccount = { id: randomUUID(), name: 'User', role: 'user' };
  readonly bot: ChannelAccount = { id: randomUUID(), name: 'Bot', role: 'bot' };
  private server?: http.Server;
  private serviceUrl = '';
  /** When the last activity from the bot arrived (or the channel started). */
  private lastArrival = Date.now();

  constructor(
    private readonly botUrl: string,
    readonly channelId = 'emulator',
  ) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
          const id = randomUUID();
          try {
            this.received.push({ ...(JSON.parse(body) as ChannelActivity), id });
            this.lastArrival = Date.now();
          } catch {
            res.writeHead(400).end();
            return;
          }
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ id }));
          return;
        }
        // Other Connector calls (update, delete, members) are not needed by this bot; say so plainly.
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Posts an activity as the user would, with this channel's ids; returns the HTTP status of /api/messages. */
  async post(activity: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        locale: 'en-US',
        ...activity,
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: this.channelId,
        serviceUrl: this.serviceUrl,
        conversation: { id: this.conversationId },
        from: this.user,
        recipient: this.bot,
      }),
    });
    await response.arrayBuffer();
    return response.status;
  }

  /**
   * A check that is true once nothing has arrived for `ms`, counted from now or from the latest arrival, whichever
   * is later: so the quiet period always starts after the moment the caller knew the bot's turn had ended.
   */
  quietFor(ms: number): () => boolean {
    const since = Date.now();
    return () => Date.now() - Math.max(since, this.lastArrival) >= ms;
  }

  /** Waits until `accept` says enough has arrived since `from`, or the timeout passes; returns what arrived. */
  async waitFor(from: number, enough: (arrived: ChannelActivity[]) => boolean, timeoutMs: number): Promise<ChannelActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (!enough(this.received.slice(from)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received.slice(from);
  }
}
