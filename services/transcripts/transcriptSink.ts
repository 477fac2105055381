/**
 * Where the recorder (bots/transcriptRecorder.ts) writes each turn's redacted activities: one `.transcript` file per
 * conversation on this machine's disk (TranscriptFiles), or one record per turn in the store every instance shares
 * (TranscriptRecords), or both.
 */
import { randomBytes } from 'node:crypto';

/** An activity as recorded: plain JSON, already redacted. */
export type RecordedActivity = Record<string, unknown>;

/**
 * Where a batch of activities sits in its conversation. A sink that keeps one file appends in arrival order and can
 * ignore it; a sink whose writes come from several instances sorts by it.
 */
export interface TurnPosition {
  /** When the turn started on the instance that handled it. */
  startedAt: Date;
  /** Random, the same for every write of one turn, so a turn's writes stay together. */
  turnId: string;
  /** 0 for the turn's own write; 1, 2, … for what it sent after that (the adapter's error message, say). */
  part: number;
}

export interface TranscriptSink {
  /** Adds the activities at the end of the conversation's transcript. */
  append(channelId: string, conversationId: string, activities: RecordedActivity[], position?: TurnPosition): Promise<void>;
}

export function newTurnPosition(startedAt: Date): TurnPosition {
  return { startedAt, turnId: randomBytes(6).toString('hex'), part: 0 };
}
