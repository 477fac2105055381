/**
 * Reads a `.transcript` (ours, or one saved by the Bot Framework Emulator) and cuts it into turns: something the
 * user does, then what the bot answered. Follows the transcript spec: a flat array or `{ transcript: [...] }`,
 * unknown fields accepted, entries without `type` skipped.
 */
import { z } from 'zod';
import { SIGN_IN_COMPLETED_EVENT } from '../../dialogs/signInDialog.js';
import { messages } from '../../dialogs/messages.js';

const account = z.object({ id: z.string().optional(), name: z.string().optional(), role: z.string().optional() }).loose();

const activitySchema = z
  .object({
    type: z.string(),
    id: z.string().optional(),
    timestamp: z.string().optional(),
    channelId: z.string().optional(),
    from: account.optional(),
    recipient: account.optional(),
    text: z.string().optional(),
    name: z.string().optional(),
    value: z.unknown().optional(),
    attachments: z.array(z.object({ contentType: z.string() }).loose()).optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
  })
  .loose();

export type TranscriptActivity = z.infer<typeof activitySchema>;

const fileSchema = z.union([z.array(z.unknown()), z.object({ transcript: z.array(z.unknown()) }).loose()]);

export class TranscriptFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TranscriptFormatError';
  }
}

/** The activities of a transcript file's text, in file order. */
export function parseTranscript(text: string): TranscriptActivity[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new TranscriptFormatError(`not JSON: ${(error as Error).message}`);
  }
  const file = fileSchema.safeParse(json);
  if (!file.success) throw new TranscriptFormatError('expected a JSON array of activities, or an object with a "transcript" array');
  const entries = Array.isArray(file.data) ? file.data : file.data.transcript;
  const activities: TranscriptActivity[] = [];
  entries.forEach((entry, index) => {
    if (entry === null || typeof entry !== 'object' || typeof (entry as { type?: unknown }).type !== 'string') return;
    const parsed = activitySchema.safeParse(entry);
    if (!parsed.success) {
      throw new TranscriptFormatError(`entry ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    activities.push(parsed.data);
  });
  return activities;
}

export type Side = 'user' | 'bot';

/**
 * Who sent it: `from.role` when present; otherwise the opposite of `recipient.role`; otherwise whether `from.id` is
 * the bot's (older Emulator builds leave the role off their conversationUpdates).
 */
export function sideOf(activity: TranscriptActivity, botId: string | undefined): Side {
  const role = activity.from?.role?.toLowerCase();
  if (role === 'bot' || role === 'skill') return 'bot';
  if (role === 'user') return 'user';
  const recipientRole = activity.recipient?.role?.toLowerCase();
  if (recipientRole === 'bot') return 'user';
  if (recipientRole === 'user') return 'bot';
  return botId !== undefined && activity.from?.id === botId ? 'bot' : 'user';
}

/** The bot's id in the recording, from any activity whose roles say it. */
export function botIdOf(activities: TranscriptActivity[]): string | undefined {
  for (const activity of activities) {
    if (activity.from?.role?.toLowerCase() === 'bot' && activity.from.id) return activity.from.id;
    if (activity.recipient?.role?.toLowerCase() === 'bot' && activity.recipient.id) return activity.recipient.id;
  }
  return undefined;
}

export type UserAction =
  | { kind: 'send'; activity: TranscriptActivity }
  /** The person opens the latest sign-in link and decides on the consent page. */
  | { kind: 'sign-in'; decision: 'accept' | 'decline' }
  /** Nothing to do: bot activities recorded before anything the user did. */
  | { kind: 'wait' };

export interface Turn {
  number: number;
  action: UserAction;
  expected: TranscriptActivity[];
}

/** Activity types that are not part of a conversation's meaning (or that a replay cannot send). */
const NOT_REPLAYED = new Set(['trace', 'typing', 'messageUpdate', 'messageDelete']);

export function toTurns(activities: TranscriptActivity[]): Turn[] {
  const botId = botIdOf(activities);
  const turns: Array<Omit<Turn, 'number'>> = [];
  for (const activity of activities) {
    if (NOT_REPLAYED.has(activity.type)) continue;
    if (sideOf(activity, botId) === 'bot') {
      if (turns.length === 0) turns.push({ action: { kind: 'wait' }, expected: [] });
      turns[turns.length - 1]!.expected.push(activity);
      continue;
    }
    if (activity.type === 'event' && activity.name === 'ContinueConversation') continue;
    if (activity.type === 'event' && activity.name === SIGN_IN_COMPLETED_EVENT) {
      const outcome = (activity.value as { outcome?: unknown } | undefined)?.outcome;
      turns.push({ action: { kind: 'sign-in', decision: outcome === 'denied' ? 'decline' : 'accept' }, expected: [] });
      continue;
    }
    turns.push({ action: { kind: 'send', activity }, expected: [] });
  }
  return splitUnmarkedSignIns(turns).map((turn, index) => ({ ...turn, number: index + 1 }));
}

/**
 * A transcript saved by the Emulator has no sign-in event: the bot's sign-in card is simply followed, in the same
 * turn, by what the bot said once the person had signed in. Cut there, and sign in at the cut.
 */
function splitUnmarkedSignIns(turns: Array<Omit<Turn, 'number'>>): Array<Omit<Turn, 'number'>> {
  const out: Array<Omit<Turn, 'number'>> = [];
  for (const turn of turns) {
    const cardAt = turn.expected.findIndex(carriesSignInLink);
    if (cardAt < 0 || cardAt === turn.expected.length - 1) {
      out.push(turn);
      continue;
    }
    const after = turn.expected.slice(cardAt + 1);
    out.push({ action: turn.action, expected: turn.expected.slice(0, cardAt + 1) });
    const decision = after[0]?.text === messages.signInDeclined ? 'decline' : 'accept';
    out.push(...splitUnmarkedSignIns([{ action: { kind: 'sign-in', decision }, expected: after }]));
  }
  return out;
}

/** Whether an activity offers our sign-in link (an `/oauth/start` button, redacted or not). */
export function carriesSignInLink(activity: Record<string, unknown>): boolean {
  return JSON.stringify(activity.attachments ?? []).includes('/oauth/start?');
}

/** How a turn reads in a report: `user: "DEMO"`, `user submits the card {…}`, `sign-in in the browser: accept`. */
export function describeAction(action: UserAction): string {
  switch (action.kind) {
    case 'wait':
      return 'before the user did anything';
    case 'sign-in':
      return `sign-in in the browser: ${action.decision}`;
    case 'send': {
      const activity = action.activity;
      if (activity.type === 'message' && activity.value !== undefined && !activity.text) {
        return `user submits the card ${truncate(JSON.stringify(activity.value), 80)}`;
      }
      if (activity.type === 'message') return `user: "${truncate(activity.text ?? '', 80)}"`;
      if (activity.type === 'conversationUpdate') return 'user joins (conversationUpdate)';
      return `user sends ${activity.type}${activity.name ? ` "${activity.name}"` : ''}`;
    }
  }
}

export function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
