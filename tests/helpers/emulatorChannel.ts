/**
 * Plays the Bot Framework Emulator in tests: the replayer's channel (tools/replay/channel.ts: posts to
 * /api/messages with its own serviceUrl receiver) plus the conveniences tests want.
 */
import { ReplayChannel } from '../../tools/replay/channel.js';
import { readCard } from './cardText.js';

export type ReceivedActivity = {
  type: string;
  text?: string;
  attachments?: Array<{ contentType: string; content: { text?: string; buttons?: Array<{ type: string; title: string; value: string }> } }>;
  suggestedActions?: { actions: Array<{ title: string; value: string }> };
  conversation: { id: string };
};

export class EmulatorChannel extends ReplayChannel {
  declare readonly received: ReceivedActivity[];

  async join(): Promise<number> {
    return this.post({ type: 'conversationUpdate', membersAdded: [this.bot, this.user] });
  }

  /** Sends a message and returns the bot's replies to it. */
  async say(text: string): Promise<ReceivedActivity[]> {
    const before = this.received.length;
    const status = await this.post({ type: 'message', text, textFormat: 'plain' });
    if (status >= 300) throw new Error(`/api/messages answered ${status}`);
    return this.received.slice(before);
  }

  /**
   * Waits until the bot has sent `count` more activities after `from` (proactive turns arrive on their own), not
   * counting typing indicators, which come and go with the bot's speed; returns those activities.
   */
  async waitForActivities(from: number, count: number, timeoutMs = 5000): Promise<ReceivedActivity[]> {
    const shown = (activities: unknown[]) => (activities as ReceivedActivity[]).filter((activity) => activity.type !== 'typing');
    const arrived = shown(await this.waitFor(from, (activities) => shown(activities).length >= count, timeoutMs));
    if (arrived.length < count) throw new Error(`waited for ${count} activities, got ${arrived.length}: ${JSON.stringify(arrived)}`);
    return arrived;
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
