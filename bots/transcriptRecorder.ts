/**
 * Records every conversation in the Emulator's `.transcript` format (see services/transcripts/), like botbuilder's
 * TranscriptLoggerMiddleware but in the format the Emulator opens and our replayer reads. Each turn goes to one or
 * more sinks: a file per conversation on this machine (TranscriptFiles), and/or a record per turn in the store all
 * instances share (TranscriptRecords, exported with `npm run transcripts:export`). What is recorded:
 * - the incoming activity (`from.role` 'user' when missing) and every activity the bot sends (`from.role` forced
 *   to 'bot'), each with an `id` and an ISO `timestamp`;
 * - secrets redacted (services/transcripts/redact.ts) before anything reaches a sink;
 * - user ids replaced by pseudonyms (services/transcripts/pseudonyms.ts), keyed, the same for one person throughout
 *   a conversation's transcript; the bot's own id stays;
 * - a proactive turn's own `ContinueConversation` event is not recorded, but our sign-in resume is: it turns the
 *   continuation into the `confluence/signInCompleted` event (bots/signInResumer.ts), which is recorded with
 *   role 'user' because it stands for the person finishing sign-in in the browser. The replayer reads it as
 *   "sign in now" (Accept, or Decline when its outcome is 'denied').
 * What the bot sent is taken where it reaches the channel (around the adapter's sendActivities), not from the
 * turn's send handlers: a turn may hold its replies back and send them after saving its state (bots/outbox.ts),
 * and only what the user really received belongs in the transcript.
 * Recording never breaks a turn: a failed write is logged and the conversation goes on.
 */
import { randomUUID } from 'node:crypto';
import { Activity, ActivityEventNames, ActivityTypes, BotAdapter, Middleware, ResourceResponse, TurnContext } from 'botbuilder';
import { UserPseudonyms } from '../services/transcripts/pseudonyms.js';
import { redactSecrets } from '../services/transcripts/redact.js';
import { newTurnPosition, type RecordedActivity, type TranscriptSink, type TurnPosition } from '../services/transcripts/transcriptSink.js';
import { silentLogger, type Logger } from '../services/logging/logger.js';

/** Longer strings (an uploaded file as a data URI, say) are cut, so one activity cannot swell a transcript. */
const MAX_STRING_LENGTH = 100_000;

export interface TranscriptRecorderOptions {
  /** The pseudonyms' key: `deriveKey(masterKey, 'transcript-user-ids')` (required, so no transcript has clear ids). */
  userIdKey: Buffer;
  logger?: Logger;
  now?: () => Date;
}

/** Where a recorded turn keeps what the adapter sent during it. */
const SENT_IN_TURN = Symbol('transcriptRecorder.sent');

interface TurnRecording {
  sent: RecordedActivity[];
  /** Set once the turn's entries are written; later sends (the adapter's onTurnError) are appended directly. */
  written: boolean;
  /** The turn's place in its conversation; each write takes the next part. */
  position: TurnPosition;
}

/** Records every conversation the adapter handles into the sinks; call once, right after creating the adapter. */
export function recordTranscripts(
  adapter: BotAdapter,
  sinks: TranscriptSink | TranscriptSink[],
  options: TranscriptRecorderOptions,
): TranscriptRecorder {
  const recorder = new TranscriptRecorder(Array.isArray(sinks) ? sinks : [sinks], options);
  adapter.use(recorder);
  const send = adapter.sendActivities.bind(adapter);
  adapter.sendActivities = async (context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> => {
    const responses = await send(context, activities);
    await recorder.noteSent(context, activities, responses);
    return responses;
  };
  return recorder;
}

export class TranscriptRecorder implements Middleware {
  private readonly logger: Logger;
  private readonly now: () => Date;
  private readonly pseudonyms: UserPseudonyms;

  constructor(
    readonly sinks: readonly TranscriptSink[],
    options: TranscriptRecorderOptions,
  ) {
    this.pseudonyms = new UserPseudonyms(options.userIdKey);
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? (() => new Date());
  }

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const started = this.now();
    const startedAt = started.toISOString();
    const proactive = isContinuation(context.activity);
    const incoming = proactive ? undefined : copy(context.activity);
    const recording: TurnRecording = { sent: [], written: false, position: newTurnPosition(started) };
    context.turnState.set(SENT_IN_TURN, recording);

    try {
      await next();
    } finally {
      // The resume's event only gets its name inside the turn, so it is read at the end of the turn.
      const opening = incoming ?? (isContinuation(context.activity) ? undefined : withoutReference(copy(context.activity)));
      recording.written = true;
      await this.write(context, recording, [...(opening ? [asUserActivity(opening, startedAt)] : []), ...recording.sent]);
    }
  }

  /** Called by recordTranscripts with what the adapter just delivered to the channel. */
  async noteSent(context: TurnContext, activities: Partial<Activity>[], responses: ResourceResponse[] | undefined): Promise<void> {
    const recording = context.turnState.get(SENT_IN_TURN) as TurnRecording | undefined;
    if (recording === undefined) return;
    const sent = activities.map((activity, index) => {
      const id = responses?.[index]?.id;
      return asBotActivity(copy(id ? { ...activity, id } : activity), this.now());
    });
    if (recording.written) await this.write(context, recording, sent);
    else recording.sent.push(...sent);
  }

  /** Redacts once and writes to every sink; a sink that fails is logged and does not stop the others. */
  private async write(context: TurnContext, recording: TurnRecording, entries: RecordedActivity[]): Promise<void> {
    const position = recording.position;
    recording.position = { ...position, part: position.part + 1 };
    if (entries.length === 0) return;
    const channelId = context.activity.channelId ?? 'unknown';
    const conversationId = context.activity.conversation?.id ?? 'unknown';
    const scope = { channelId, conversationId, botIds: botIdsOf(context, entries) };
    const redacted = entries.map((entry) => this.pseudonyms.apply(redactSecrets(entry), scope));
    await Promise.all(
      this.sinks.map((sink) =>
        // Through a promise, so even a sink that throws instead of rejecting cannot break the turn.
        Promise.resolve()
          .then(() => sink.append(channelId, conversationId, redacted, position))
          .catch((error: unknown) => this.logger.error('could not write the transcript', { error, sink: sink.constructor.name })),
      ),
    );
  }
}

/** The bot's ids: the incoming activity's recipient, and every account the recording marks as the bot. */
function botIdsOf(context: TurnContext, entries: RecordedActivity[]): Set<string> {
  const ids = new Set<string>();
  const recipient = context.activity.recipient?.id;
  if (recipient) ids.add(recipient);
  for (const entry of entries) {
    for (const account of [entry.from, entry.recipient]) {
      const { role, id } = asObject(account);
      if (role === 'bot' && typeof id === 'string' && id !== '') ids.add(id);
    }
  }
  return ids;
}

function isContinuation(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Event && activity.name === ActivityEventNames.ContinueConversation;
}

/** botbuilder's parsing leftovers, not part of the activity the channel sent. */
const NOT_RECORDED = new Set(['rawTimestamp', 'rawLocalTimestamp', 'rawExpiration', 'callerId']);

function copy(activity: Partial<Activity>): RecordedActivity {
  const json = JSON.stringify(activity, (key, value: unknown) => {
    if (NOT_RECORDED.has(key)) return undefined;
    return typeof value === 'string' && value.length > MAX_STRING_LENGTH ? `${value.slice(0, MAX_STRING_LENGTH)}…[cut]` : value;
  });
  return JSON.parse(json) as RecordedActivity;
}

/** The continuation carries the whole conversation reference; the transcript already has those ids. */
function withoutReference(activity: RecordedActivity): RecordedActivity {
  const { relatesTo: _ignored, ...rest } = activity;
  return rest;
}

function asUserActivity(activity: RecordedActivity, startedAt: string): RecordedActivity {
  return {
    ...activity,
    id: typeof activity.id === 'string' && activity.id !== '' ? activity.id : randomUUID(),
    timestamp: typeof activity.timestamp === 'string' ? activity.timestamp : startedAt,
    from: { ...asObject(activity.from), role: asObject(activity.from).role ?? 'user' },
    recipient: { ...asObject(activity.recipient), role: asObject(activity.recipient).role ?? 'bot' },
  };
}

function asBotActivity(activity: RecordedActivity, at: Date): RecordedActivity {
  return {
    ...activity,
    id: typeof activity.id === 'string' && activity.id !== '' ? activity.id : randomUUID(),
    timestamp: typeof activity.timestamp === 'string' ? activity.timestamp : at.toISOString(),
    from: { ...asObject(activity.from), role: 'bot' },
    recipient: { ...asObject(activity.recipient), role: 'user' },
  };
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}
