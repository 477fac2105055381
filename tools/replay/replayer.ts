/**
 * Replays the user's side of a transcript against the real bot and compares what the bot says, turn by turn.
 * Each transcript gets a fresh bot: startApp on a free port with a new temporary DATA_DIR, so the built-in
 * sandbox starts from its seed, put into the transcript's authorization set-up. Sign-in happens as a person does
 * it (the latest sign-in link, the sandbox consent page), so the bot's proactive resume is compared too.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../app.js';
import { createLogger, type Logger } from '../../services/logging/logger.js';
import { signInThroughBrowser } from './browserSignIn.js';
import { ChannelActivity, ReplayChannel } from './channel.js';
import { comparable, differencesBetween, isIgnored, summarize } from './normalize.js';
import { applySetup, type AuthSetup } from './setup.js';
import { botIdOf, carriesSignInLink, describeAction, Turn, TranscriptActivity, UserAction } from './transcript.js';
import { freePort } from '../shared/freePort.js';

export interface TurnResult {
  number: number;
  description: string;
  differences: string[];
}

export interface ReplayResult {
  turns: TurnResult[];
  /** Turns that differ; zero means the bot said what the recording says. */
  differed: number;
}

export interface ReplayOptions {
  setup: AuthSetup;
  /** The longest wait for the bot's replies to one turn (default 10 s); see QUIET_MS for the usual, shorter one. */
  turnTimeoutMs?: number;
  /** Extra environment for the bot (TRANSCRIPTS_DIR, to record while replaying). */
  env?: Record<string, string>;
  logger?: Logger;
}

/** User-side fields a replay sends; ids, conversation, serviceUrl and accounts are the new conversation's own. */
const SENT_FIELDS = ['type', 'text', 'textFormat', 'value', 'name', 'attachments', 'locale', 'entities', 'speak', 'action', 'attachmentLayout', 'channelData'];

/** After the expected replies arrived, how long to watch for extra ones before judging the turn. */
const SETTLE_MS = 150;

/**
 * Once the bot's turn has ended (its POST answered, or its proactive turn's replies arrived), how long it must stay
 * quiet before a turn still short of the expected replies is judged: what it sent is all it will send. A turn's
 * replies leave together when its state is saved (bots/outbox.ts), so they arrive back to back.
 */
const QUIET_MS = 250;

export async function replayTurns(turns: Turn[], activities: TranscriptActivity[], options: ReplayOptions): Promise<ReplayResult> {
  const session = await ReplaySession.open(options, channelIdOf(activities));
  try {
    const recordedBotId = botIdOf(activities);
    const results: TurnResult[] = [];
    for (const turn of turns) {
      const expected = turn.expected.filter((activity) => !isIgnored(activity)).map(comparable);
      const got = await session.perform(turn.action, expected.length, recordedBotId);
      const actual = got.filter((activity) => !isIgnored(activity)).map(comparable);
      const differences: string[] = [];
      if (expected.length !== actual.length) {
        differences.push(`expected ${expected.length} ${plural(expected.length)}, got ${actual.length}`);
        expected.slice(actual.length).forEach((activity) => differences.push(`  missing: ${summarize(activity)}`));
        actual.slice(expected.length).forEach((activity) => differences.push(`  extra: ${summarize(activity)}`));
      }
      for (let i = 0; i < Math.min(expected.length, actual.length); i++) {
        for (const line of differencesBetween(expected[i]!, actual[i]!)) differences.push(`reply ${i + 1} ${line}`);
      }
      results.push({ number: turn.number, description: describeAction(turn.action), differences });
    }
    return { turns: results, differed: results.filter((result) => result.differences.length > 0).length };
  } finally {
    await session.close();
  }
}

/** A fresh bot plus an Emulator-like channel talking to it. */
export class ReplaySession {
  private constructor(
    readonly channel: ReplayChannel,
    private readonly closeApp: () => Promise<void>,
    private readonly timeoutMs: number,
  ) {}

  static async open(options: ReplayOptions, channelId = 'emulator'): Promise<ReplaySession> {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'replay-'));
    const port = await freePort();
    const app = await startApp(
      { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...options.env },
      options.logger ?? createLogger('silent'),
    );
    const channel = new ReplayChannel(app.url, channelId);
    try {
      await applySetup(app, options.setup);
      await channel.start();
    } catch (error) {
      await channel.stop();
      await app.close();
      throw error;
    }
    return new ReplaySession(
      channel,
      async () => {
        await channel.stop();
        await app.close();
        await rm(dataDir, { recursive: true, force: true });
      },
      options.turnTimeoutMs ?? 10_000,
    );
  }

  /**
   * Does what the user did and returns what the bot sent for it. `expectedCount` (non-ignored replies) says how
   * long to wait for proactive replies; without it, waits until the bot has been quiet for a moment.
   */
  async perform(action: UserAction, expectedCount?: number, recordedBotId?: string): Promise<ChannelActivity[]> {
    const from = this.channel.received.length;
    // When the bot's turn is over: /api/messages answers only after the turn (and its replies) are done; a sign-in's
    // proactive turn has no request to wait on, so it is over once its first reply that is not progress arrives.
    let turnEnded: (arrived: ChannelActivity[]) => boolean = () => true;
    if (action.kind === 'send') {
      const status = await this.channel.post(this.toSend(action.activity, recordedBotId));
      if (status >= 300) throw new Error(`/api/messages answered ${status}`);
    } else if (action.kind === 'sign-in') {
      const link = this.latestSignInLink();
      if (link === undefined) throw new Error('the transcript signs in here, but the bot sent no sign-in link');
      await signInThroughBrowser(link, action.decision);
      turnEnded = (arrived) => arrived.some((activity) => !isProgress(activity));
    }
    return this.collect(from, expectedCount, turnEnded);
  }

  async close(): Promise<void> {
    await this.closeApp();
  }

  private async collect(from: number, expectedCount: number | undefined, turnEnded: (arrived: ChannelActivity[]) => boolean): Promise<ChannelActivity[]> {
    const counted = (arrived: ChannelActivity[]) => arrived.filter((activity) => !isIgnored(activity)).length;
    if (expectedCount !== undefined) {
      // Enough replies, or the bot's turn is over and it stayed quiet: a reply that never comes is not waited for.
      const quiet = this.channel.quietFor(QUIET_MS);
      const enough = await this.channel.waitFor(
        from,
        (arrived) => counted(arrived) >= expectedCount || (turnEnded(arrived) && quiet()),
        this.timeoutMs,
      );
      if (counted(enough) >= expectedCount) await sleep(SETTLE_MS);
      return this.channel.received.slice(from);
    }
    // Without expectations (recording new journeys): wait for the bot to stay quiet.
    let seen = -1;
    const deadline = Date.now() + this.timeoutMs;
    while (this.channel.received.length !== seen && Date.now() < deadline) {
      seen = this.channel.received.length;
      await sleep(seen === from ? SETTLE_MS * 4 : SETTLE_MS * 2);
    }
    return this.channel.received.slice(from);
  }

  private latestSignInLink(): string | undefined {
    for (const activity of [...this.channel.received].reverse()) {
      if (!carriesSignInLink(activity)) continue;
      const match = /https?:\/\/[^"\s]+\/oauth\/start\?[^"\s]+/.exec(JSON.stringify(activity.attachments));
      if (match) return match[0];
    }
    return undefined;
  }

  private toSend(activity: TranscriptActivity, recordedBotId: string | undefined): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const field of SENT_FIELDS) if (activity[field] !== undefined) out[field] = activity[field];
    const remap = (members: Array<{ id?: string }> | undefined) =>
      members?.map((member) => (member.id !== undefined && member.id === recordedBotId ? this.channel.bot : { id: this.channel.user.id, name: this.channel.user.name }));
    if (activity.membersAdded) out.membersAdded = remap(activity.membersAdded);
    if (activity.membersRemoved) out.membersRemoved = remap(activity.membersRemoved);
    return out;
  }
}

/** Typing and "I'm busy" messages go out during a turn (bots/outbox.ts); anything else ends it. */
function isProgress(activity: ChannelActivity): boolean {
  return activity.type === 'typing' || activity.type === 'trace' || activity.inputHint === 'ignoringInput';
}

function channelIdOf(activities: TranscriptActivity[]): string {
  return activities.find((activity) => activity.channelId)?.channelId ?? 'emulator';
}

function plural(count: number): string {
  return count === 1 ? 'reply' : 'replies';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

