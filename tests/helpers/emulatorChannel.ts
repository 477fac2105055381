/**
 * Plays the Bot Framework Emulator: posts activities to the bot's /api/messages with its own serviceUrl, and runs
 * the small Bot Connector API receiver the bot replies to (`POST /v3/conversations/:id/activities[/:replyToId]`).
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readCard } from './cardText.js';

export interface ReceivedActivity {
  type: string;
  text?: string;
  attachments?: Array<{ contentType: string; content: { text?: string; buttons?: Array<{ type: string; title: string; value: string }> } }>;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
  conversation: { id: string };
}

export class EmulatorChannel {
  readonly received: ReceivedActivity[] = [];
  readonly conversationId = `${randomUUID()}|livechat`;
  readonly user = { id: `user-${randomUUID()}`, name: 'Test User', role: 'user' };
  readonly bot = { id: 'bot', name: 'Bot', role: 'bot' };
  private server?: http.Server;
  private serviceUrl = '';

  constructor(private readonly botUrl: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (req.method === 'POST' && /^\/v3\/conversations\/[^/]+\/activities/.test(req.url ?? '')) {
          this.received.push(JSON.parse(body) as ReceivedActivity);
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ id: randomUUID() }));
          return;
        }
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.serviceUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  async post(activity: Record<string, unknown>): Promise<number> {
    const response = await fetch(`${this.botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        id: randomUUID(),
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: this.serviceUrl,
        conversation: { id: this.conversationId },
        from: this.user,
        recipient: this.bot,
        locale: 'en-US',
        ...activity,
      }),
    });
    return response.status;
  }

  async join(): Promise<number> {
    return this.post({ type: 'conversationUpdate', membersAdded: [this.bot, this.user], from: { id: this.user.id } });
  }

  /** Sends a message and returns the bot's replies to it. */
  async say(text: string): Promise<ReceivedActivity[]> {
    const before = this.received.length;
    const status = await this.post({ type: 'message', text, textFormat: 'plain' });
    if (status >= 300) throw new Error(`/api/messages answered ${status}`);
    return this.received.slice(before);
  }

  /** Waits until the bot has sent `count` more activities after `from` (proactive turns arrive on their own). */
  async waitForActivities(from: number, count: number, timeoutMs = 5000): Promise<ReceivedActivity[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < from + count) {
      if (Date.now() > deadline) throw new Error(`waited for ${count} activities, got ${this.received.length - from}: ${JSON.stringify(this.received.slice(from))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return this.received.slice(from);
  }
}

export function textsOf(activities: ReceivedActivity[]): string[] {
  return activities.map((a) => [a.text ?? '', ...(a.attachments ?? []).flatMap((att) => readCard(att.content).texts)].join(' ').trim());
}

export function urlsOf(activities: ReceivedActivity[]): string[] {
  return activities.flatMap((a) => (a.attachments ?? []).flatMap((att) => readCard(att.content).urls));
}

export function signInLinkOf(activities: ReceivedActivity[]): string {
  for (const activity of activities) {
    for (const attachment of activity.attachments ?? []) {
      const button = attachment.content.buttons?.find((b) => b.type === 'openUrl' || b.type === 'signin');
      if (button) return button.value;
    }
  }
  throw new Error(`no sign-in button in ${JSON.stringify(activities)}`);
}
