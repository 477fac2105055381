/**
 * Transcripts in the RecordStore every instance shares, so a conversation whose turns land on different instances
 * is recorded whole. Each turn's activities are one record, a chunk:
 *
 *   transcripts/<channel>_<conversation>/<turn start, epoch ms, 15 digits>-<turn id, 12 hex>-<part, 4 digits>
 *   → { channelId, conversationId, activities: [...] }
 *
 * One unconditional write per turn, whatever the conversation's length: no read-modify-write of a whole transcript,
 * so instances never contend and a turn never waits on a large file. The conversation segment is the name
 * TranscriptFiles gives the file (safe as a key segment, one per channel and conversation pair); the ids themselves
 * are kept in the chunk, so the export names its file from them (and splits a segment that, recorded before names
 * were unique, holds two conversations).
 * `npm run transcripts:export` (tools/transcripts/) concatenates a conversation's chunks in key order into the
 * Emulator's `.transcript` format, and applies the per-conversation limits there.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { RecordStore } from '../storage/recordStore.js';
import { transcriptName } from './transcriptFiles.js';
import { newTurnPosition, type RecordedActivity, type TranscriptSink, type TurnPosition } from './transcriptSink.js';

export const TRANSCRIPTS_PREFIX = 'transcripts/';
/** One turn's record stays under this; a larger turn (pasted files, huge cards) is replaced by a note. */
export const DEFAULT_MAX_CHUNK_BYTES = 1024 * 1024;
/** The name of the trace that stands in for a turn too large to record. */
export const TURN_NOT_RECORDED = 'confluence/transcriptTurnNotRecorded';

export interface TranscriptChunk {
  channelId: string;
  conversationId: string;
  activities: RecordedActivity[];
}

const chunkSchema = z.object({
  channelId: z.string(),
  conversationId: z.string(),
  activities: z.array(z.record(z.string(), z.unknown())),
});

export interface TranscriptRecordsOptions {
  logger?: Logger;
  maxChunkBytes?: number;
  /** For a write that comes without a position (the recorder always gives one). */
  now?: () => Date;
}

export class TranscriptRecords implements TranscriptSink {
  private readonly logger: Logger;
  private readonly maxChunkBytes: number;
  private readonly now: () => Date;

  constructor(
    private readonly store: RecordStore,
    options: TranscriptRecordsOptions = {},
  ) {
    this.logger = options.logger ?? silentLogger;
    this.maxChunkBytes = options.maxChunkBytes ?? DEFAULT_MAX_CHUNK_BYTES;
    this.now = options.now ?? (() => new Date());
  }

  async append(channelId: string, conversationId: string, activities: RecordedActivity[], position?: TurnPosition): Promise<void> {
    if (activities.length === 0) return;
    const key = chunkKey(channelId, conversationId, position ?? newTurnPosition(this.now()));
    let chunk: TranscriptChunk = { channelId, conversationId, activities };
    const bytes = Buffer.byteLength(JSON.stringify(chunk));
    if (bytes > this.maxChunkBytes) {
      this.logger.warn('a turn was too large to record; a note stands in for it in the transcript', {
        record: key,
        activities: activities.length,
        bytes,
        maxChunkBytes: this.maxChunkBytes,
      });
      chunk = { channelId, conversationId, activities: [notRecordedNote(activities, bytes, this.maxChunkBytes)] };
    }
    await this.store.put(key, chunk);
  }
}

/** `transcripts/<conversation segment>/`: where one conversation's chunks live. */
export function conversationPrefix(channelId: string, conversationId: string): string {
  return `${TRANSCRIPTS_PREFIX}${transcriptName(channelId, conversationId)}/`;
}

/**
 * The chunk's key sorts in recording order across instances because it starts with the turn's start time, read
 * from the clock of whichever instance ran the turn. Those clocks are good enough: consecutive turns of one
 * conversation are separated by at least a network round trip (the person answers what the bot sent, and the
 * channel posts their next activity afterwards), which is more than the few milliseconds by which NTP-synchronised
 * servers disagree. The turn id keeps one turn's writes together should two turns start in the same millisecond,
 * and the part number orders those writes.
 */
export function chunkKey(channelId: string, conversationId: string, position: TurnPosition): string {
  const time = String(Math.max(0, Math.floor(position.startedAt.getTime()))).padStart(15, '0');
  const turnId = position.turnId.replace(/[^A-Za-z0-9]/g, '').slice(0, 32) || 'turn';
  const part = String(Math.max(0, Math.floor(position.part))).padStart(4, '0');
  return `${conversationPrefix(channelId, conversationId)}${time}-${turnId}-${part}`;
}

/**
 * Every recorded conversation's chunk keys, by conversation segment, each list in recording order. Keys that are
 * not `transcripts/<segment>/<chunk>` (none are written) are left out.
 */
export async function listTranscriptChunks(store: RecordStore): Promise<Map<string, string[]>> {
  const bySegment = new Map<string, string[]>();
  for (const key of await store.listKeys(TRANSCRIPTS_PREFIX)) {
    const parts = key.slice(TRANSCRIPTS_PREFIX.length).split('/');
    if (parts.length !== 2) continue;
    const segment = parts[0]!;
    const keys = bySegment.get(segment) ?? [];
    keys.push(key);
    bySegment.set(segment, keys);
  }
  // Plain code-unit order: the fixed-width time, turn id and part make it the recording order.
  for (const keys of bySegment.values()) keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return new Map([...bySegment].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** A chunk as stored; undefined when it has gone meanwhile, 'damaged' when it is not a chunk. */
export async function readTranscriptChunk(store: RecordStore, key: string): Promise<TranscriptChunk | undefined | 'damaged'> {
  const found = await store.get<unknown>(key);
  if (found === undefined) return undefined;
  const parsed = chunkSchema.safeParse(found.value);
  return parsed.success ? parsed.data : 'damaged';
}

/**
 * A trace: the Emulator shows it in its log, and the replayer skips traces, so the transcript still replays. It
 * keeps the first activity's conversation and the bot's account, and the time of the turn.
 */
function notRecordedNote(activities: RecordedActivity[], bytes: number, maxBytes: number): RecordedActivity {
  const first = activities[0]!;
  const botAccount =
    activities.map((activity) => activity.from).find((from) => isObject(from) && from.role === 'bot') ??
    (isObject(first.recipient) && first.recipient.role === 'bot' ? first.recipient : { role: 'bot' });
  return {
    type: 'trace',
    id: randomUUID(),
    timestamp: typeof first.timestamp === 'string' ? first.timestamp : new Date().toISOString(),
    ...(first.channelId === undefined ? {} : { channelId: first.channelId }),
    ...(first.conversation === undefined ? {} : { conversation: first.conversation }),
    from: botAccount,
    recipient: { role: 'user' },
    name: TURN_NOT_RECORDED,
    label: 'Turn not recorded',
    valueType: 'text/plain',
    value: `This turn's ${activities.length} activities (${bytes} bytes) were not recorded: a turn is recorded up to ${maxBytes} bytes.`,
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
