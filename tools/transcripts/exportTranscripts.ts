/**
 * Turns the transcript chunks in a RecordStore (services/transcripts/transcriptRecords.ts) into Emulator
 * `.transcript` files, one per conversation: its chunks concatenated in key order, which is recording order across
 * instances, written exactly as TranscriptFiles writes (a JSON array, 2-space indented). The per-conversation limits
 * TranscriptFiles applies while recording apply here, at whole turns, so files stay as large as a recorded one at most.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { RecordStore } from '../../services/storage/recordStore.js';
import {
  DEFAULT_MAX_ACTIVITIES,
  DEFAULT_MAX_BYTES,
  TRANSCRIPT_EXTENSION,
  transcriptFileName,
  transcriptName,
} from '../../services/transcripts/transcriptFiles.js';
import { listTranscriptChunks, readTranscriptChunk, type TranscriptChunk } from '../../services/transcripts/transcriptRecords.js';
import type { RecordedActivity } from '../../services/transcripts/transcriptSink.js';

export interface ExportOptions {
  outDir: string;
  /** Only this conversation: its id as recorded, or its file name (with or without `.transcript`). */
  conversation?: string;
  /** Delete the chunks that went into a file, once the file is written. */
  deleteExported?: boolean;
  maxActivities?: number;
  maxBytes?: number;
}

export interface ExportedFile {
  file: string;
  channelId: string;
  conversationId: string;
  activities: number;
  /** Set when the conversation went past the limits: what was left out. */
  cut?: { activities: number; turns: number };
}

export interface ExportResult {
  files: ExportedFile[];
  /** Keys under transcripts/ that do not hold a chunk; left in place. */
  damaged: string[];
  deleted: number;
}

interface Chunk {
  key: string;
  chunk: TranscriptChunk;
}

/** Chunks are read this many at a time: quick against Azure, gentle on a local disk. */
const PARALLEL_READS = 16;

export async function exportTranscripts(store: RecordStore, options: ExportOptions): Promise<ExportResult> {
  const maxActivities = options.maxActivities ?? DEFAULT_MAX_ACTIVITIES;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const result: ExportResult = { files: [], damaged: [], deleted: 0 };

  for (const [segment, keys] of await listTranscriptChunks(store)) {
    if (options.conversation !== undefined && !(await isTheConversation(store, segment, keys, options.conversation))) continue;
    const chunks: Chunk[] = [];
    for (const [index, found] of (await readAll(store, keys)).entries()) {
      if (found === 'damaged') result.damaged.push(keys[index]!);
      else if (found !== undefined) chunks.push({ key: keys[index]!, chunk: found });
    }
    if (chunks.length === 0) continue;

    // Records written before file names were unique per pair may hold two conversations under one segment.
    for (const group of byConversation(chunks)) {
      const { channelId, conversationId } = group[0]!.chunk;
      if (options.conversation !== undefined && !matches(options.conversation, segment, group)) continue;
      const { activities, exported } = withinLimits(group, maxActivities, maxBytes);
      const recorded = group.reduce((sum, { chunk }) => sum + chunk.activities.length, 0);
      const file = await writeNewFile(options.outDir, transcriptFileName(channelId, conversationId), JSON.stringify(activities, null, 2));
      result.files.push({
        file,
        channelId,
        conversationId,
        activities: activities.length,
        ...(recorded > activities.length ? { cut: { activities: recorded - activities.length, turns: group.length - exported.length } } : {}),
      });
      if (options.deleteExported) {
        for (const { key } of exported) if (await store.delete(key)) result.deleted += 1;
      }
    }
  }
  return result;
}

/** The chunks split by channel and conversation, each list in the order given. */
function byConversation(chunks: Chunk[]): Chunk[][] {
  const groups = new Map<string, Chunk[]>();
  for (const entry of chunks) {
    const key = JSON.stringify([entry.chunk.channelId, entry.chunk.conversationId]);
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  return [...groups.values()];
}

/** `--conversation` names this group: by its segment or file name (with or without extension), or its conversation id. */
function matches(wanted: string, segment: string, group: Chunk[]): boolean {
  const { channelId, conversationId } = group[0]!.chunk;
  const name = transcriptName(channelId, conversationId);
  return [segment, name, conversationId].includes(wanted) || [segment, name].some((candidate) => `${candidate}${TRANSCRIPT_EXTENSION}` === wanted);
}

/**
 * The leading chunks that fit in `maxActivities` and `maxBytes` (the size of the file as written), whole. A first
 * chunk that alone is too large gives what fits of it, so a conversation never stays stuck in the store.
 */
function withinLimits(chunks: Chunk[], maxActivities: number, maxBytes: number): { activities: RecordedActivity[]; exported: Chunk[] } {
  const activities: RecordedActivity[] = [];
  const exported: Chunk[] = [];
  let itemBytes = 0;
  const fits = (count: number, bytes: number) => count <= maxActivities && arrayBytes(count, bytes) <= maxBytes;
  for (const entry of chunks) {
    const sizes = entry.chunk.activities.map(indentedBytes);
    const chunkBytes = sizes.reduce((sum, size) => sum + size, 0);
    if (fits(activities.length + sizes.length, itemBytes + chunkBytes)) {
      activities.push(...entry.chunk.activities);
      itemBytes += chunkBytes;
      exported.push(entry);
      continue;
    }
    if (exported.length === 0) {
      for (const [index, activity] of entry.chunk.activities.entries()) {
        if (!fits(activities.length + 1, itemBytes + sizes[index]!)) break;
        activities.push(activity);
        itemBytes += sizes[index]!;
      }
      exported.push(entry);
    }
    break;
  }
  return { activities, exported };
}

/**
 * Bytes one activity takes inside `JSON.stringify(array, null, 2)`: its own 2-space form with every line indented
 * two more spaces (JSON escapes newlines inside strings, so every newline in that form is a line break).
 */
function indentedBytes(activity: RecordedActivity): number {
  const text = JSON.stringify(activity, null, 2);
  let lines = 1;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lines += 1;
  return Buffer.byteLength(text) + 2 * lines;
}

/** `[\n` + the items joined by `,\n` + `\n]`, or `[]` when empty. */
function arrayBytes(count: number, itemBytes: number): number {
  return count === 0 ? 2 : 4 + itemBytes + 2 * (count - 1);
}

/** A cheap first look (one chunk read): false only when the segment surely holds no chunk of `wanted`. */
async function isTheConversation(store: RecordStore, segment: string, keys: string[], wanted: string): Promise<boolean> {
  if (wanted === segment || wanted === `${segment}${TRANSCRIPT_EXTENSION}`) return true;
  for (const key of keys) {
    const found = await readTranscriptChunk(store, key);
    if (found === undefined || found === 'damaged') continue;
    // A segment named otherwise than its first chunk's pair was written before names were unique: it may mix pairs.
    if (transcriptName(found.channelId, found.conversationId) !== segment) return true;
    return matches(wanted, segment, [{ key, chunk: found }]);
  }
  return false;
}

async function readAll(store: RecordStore, keys: string[]): Promise<Array<TranscriptChunk | undefined | 'damaged'>> {
  const out: Array<TranscriptChunk | undefined | 'damaged'> = [];
  for (let start = 0; start < keys.length; start += PARALLEL_READS) {
    out.push(...(await Promise.all(keys.slice(start, start + PARALLEL_READS).map((key) => readTranscriptChunk(store, key)))));
  }
  return out;
}

/**
 * Never overwrites: a file already there may hold turns that a former `--delete` removed from the store, so a later
 * export of the same conversation is written next to it as `<name>-2.transcript`, `-3`, …
 */
async function writeNewFile(directory: string, fileName: string, text: string): Promise<string> {
  await mkdir(directory, { recursive: true });
  const base = fileName.slice(0, -TRANSCRIPT_EXTENSION.length);
  for (let copy = 1; ; copy += 1) {
    const file = path.join(directory, copy === 1 ? fileName : `${base}-${copy}${TRANSCRIPT_EXTENSION}`);
    try {
      await writeFile(file, text, { encoding: 'utf8', flag: 'wx' });
      return file;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
