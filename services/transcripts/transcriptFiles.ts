/**
 * One Emulator-compatible `.transcript` file per conversation: a flat JSON array of activities, 2-space indented
 * (what the Emulator's "Save transcript" writes). Each append rewrites the whole file atomically (temporary file,
 * then rename), so a reader never sees half a file. Appends to one file run one after another, because turns of one
 * conversation can end close together (a proactive resume and the user's next message).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentLogger, type Logger } from '../logging/logger.js';
import type { RecordedActivity, TranscriptSink } from './transcriptSink.js';

export type { RecordedActivity } from './transcriptSink.js';

export const TRANSCRIPT_EXTENSION = '.transcript';
/** Where a conversation's transcript stops: here while recording, at export for the shared store. */
export const DEFAULT_MAX_ACTIVITIES = 2000;
export const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

export interface TranscriptFilesOptions {
  directory: string;
  logger?: Logger;
  /** A conversation stops being recorded once its file holds this many activities (default 2,000). */
  maxActivities?: number;
  /** … or would grow past this many bytes (default 5 MB). */
  maxBytes?: number;
}

export class TranscriptFiles implements TranscriptSink {
  private readonly directory: string;
  private readonly logger: Logger;
  private readonly maxActivities: number;
  private readonly maxBytes: number;
  private readonly tails = new Map<string, Promise<void>>();
  private readonly full = new Set<string>();

  constructor(options: TranscriptFilesOptions) {
    this.directory = options.directory;
    this.logger = options.logger ?? silentLogger;
    this.maxActivities = options.maxActivities ?? DEFAULT_MAX_ACTIVITIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  }

  /** Where the conversation's transcript lives. */
  fileFor(channelId: string, conversationId: string): string {
    return path.join(this.directory, transcriptFileName(channelId, conversationId));
  }

  /**
   * Adds the activities at the end of the conversation's file; resolves once the file is rewritten. Arrival order is
   * the order: only this instance writes the file.
   */
  append(channelId: string, conversationId: string, activities: RecordedActivity[]): Promise<void> {
    const file = this.fileFor(channelId, conversationId);
    const previous = this.tails.get(file) ?? Promise.resolve();
    const current = previous.then(() => this.write(file, activities));
    this.tails.set(file, current);
    const forget = () => {
      if (this.tails.get(file) === current) this.tails.delete(file);
    };
    current.then(forget, forget);
    return current;
  }

  private async write(file: string, activities: RecordedActivity[]): Promise<void> {
    if (activities.length === 0 || this.full.has(file)) return;
    const existing = await this.read(file);
    const all = [...existing, ...activities];
    const text = JSON.stringify(all, null, 2);
    if (all.length > this.maxActivities || Buffer.byteLength(text) > this.maxBytes) {
      this.full.add(file);
      this.logger.warn('transcript is full; this conversation is no longer recorded', {
        file: path.basename(file),
        maxActivities: this.maxActivities,
        maxBytes: this.maxBytes,
      });
      return;
    }
    await mkdir(this.directory, { recursive: true });
    const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, text, 'utf8');
      await rename(temporary, file);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }

  private async read(file: string): Promise<RecordedActivity[]> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed as RecordedActivity[];
    } catch {
      // falls through: a damaged file is kept aside rather than overwritten, and recording starts afresh
    }
    const aside = `${file}.damaged-${Date.now()}`;
    await rename(file, aside);
    this.logger.warn('transcript file was not a JSON array; moved it aside', { file: path.basename(aside) });
    return [];
  }
}

/**
 * `<channel>_<conversation>.transcript`, readable, with only letters, digits, `_` and `-`, and one file per pair.
 */
export function transcriptFileName(channelId: string, conversationId: string): string {
  return `${transcriptName(channelId, conversationId)}${TRANSCRIPT_EXTENSION}`;
}

/** Ids used as they are: a channel without `_` (so the first `_` ends it), a conversation of safe characters. */
const PLAIN_CHANNEL = /^[A-Za-z0-9-]{1,40}$/;
const PLAIN_CONVERSATION = /^[A-Za-z0-9_-]{1,80}$/;
/** Marks a hashed name; a plain one never contains it. */
const HASH_MARK = '--';

/**
 * The file name without its extension: never empty, at most 140 characters, every one a letter, digit, `_` or `-`,
 * so it is also a valid RecordStore key segment (services/transcripts/transcriptRecords.ts). Unique per pair by
 * construction, in two disjoint forms:
 * - plain, `<channel>_<conversation>`, when the channel has no `_`, both are short and of safe characters, and the
 *   result has no `--`. The channel ends at the first `_`, so the pair is read back unambiguously: `a_b` + `same`
 *   cannot share a name with `a` + `b_same` (the first is not plain);
 * - hashed, `<readable form>--<SHA-256 of the pair, 16 hex>`, for everything else. It always contains `--`, so it
 *   never equals a plain name, and the hash covers both ids, length-prefixed, so two pairs share one only if
 *   64 bits of SHA-256 collide.
 */
export function transcriptName(channelId: string, conversationId: string): string {
  const plain = `${channelId}_${conversationId}`;
  if (PLAIN_CHANNEL.test(channelId) && PLAIN_CONVERSATION.test(conversationId) && !plain.includes(HASH_MARK)) return plain;
  const readable = (text: string, max: number) => text.replace(/[^A-Za-z0-9]+/g, '-').slice(0, max) || '-';
  const hash = createHash('sha256').update(`${channelId.length}:${channelId}|${conversationId}`).digest('hex').slice(0, 16);
  return `${readable(channelId, 30)}_${readable(conversationId, 90)}${HASH_MARK}${hash}`;
}
