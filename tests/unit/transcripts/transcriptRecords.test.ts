/**
 * Transcripts in the shared RecordStore, on local files and on Azure Blob Storage (Azurite): one record per turn,
 * keys that sort in recording order across instances, and a conversation whose turns land on two instances
 * exported as one file the replayer reads.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CardFactory, MessageFactory, TestAdapter, TurnContext } from 'botbuilder';
import { recordTranscripts } from '../../../bots/transcriptRecorder.js';
import { createLogger } from '../../../services/logging/logger.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { checkKey, type RecordStore } from '../../../services/storage/recordStore.js';
import { TranscriptFiles, transcriptFileName, transcriptName } from '../../../services/transcripts/transcriptFiles.js';
import {
  chunkKey,
  listTranscriptChunks,
  TRANSCRIPTS_PREFIX,
  TranscriptRecords,
  TURN_NOT_RECORDED,
  type TranscriptChunk,
} from '../../../services/transcripts/transcriptRecords.js';
import { exportTranscripts } from '../../../tools/transcripts/exportTranscripts.js';
import { parseTranscript, toTurns, describeAction } from '../../../tools/replay/transcript.js';
import { azuriteForThisFile, uniqueContainer } from '../../helpers/azurite.js';

/** Any 32 bytes: the recorder needs a key for its user-id pseudonyms. */
const TEST_USER_ID_KEY = Buffer.alloc(32, 7);

const azurite = azuriteForThisFile();

const temporaryFolder = (prefix: string) => mkdtemp(path.join(os.tmpdir(), prefix));

/** Two store objects on the same storage, as two instances of the bot would hold. */
const implementations: Array<[string, () => Promise<[RecordStore, RecordStore]>]> = [
  [
    'local files',
    async () => {
      const root = await temporaryFolder('transcript-records-');
      return [new LocalRecordStore(root), new LocalRecordStore(root)];
    },
  ],
  [
    'Azure Blob Storage (Azurite)',
    async () => {
      const container = uniqueContainer('t');
      const open = () => azurite.openStore(container);
      return [await open(), await open()];
    },
  ],
];

/** Clocks in step, turns a second apart: what a network round trip between a reply and the next message gives. */
function sharedClock(): () => Date {
  let now = Date.parse('2025-03-01T09:00:00.000Z');
  return () => new Date((now += 1000));
}

/** One instance of the bot: answers, offers a sign-in link on "sign in", fails on "boom". */
function instance(store: RecordStore, now: () => Date, logger = createLogger('silent')): TestAdapter {
  const adapter = new TestAdapter(async (context) => {
    const text = context.activity.text ?? '';
    if (text === 'boom') throw new Error('boom');
    if (text === 'sign in') {
      const card = CardFactory.heroCard('Confluence', 'Sign in', undefined, [{ type: 'openUrl', title: 'Sign in', value: 'http://localhost:3978/oauth/start?id=SECRET-LINK-ID' }]);
      await context.sendActivity(MessageFactory.attachment(card));
      return;
    }
    await context.sendActivity(`You said ${text}`);
  });
  adapter.onTurnError = async (context) => {
    await context.sendActivity('Sorry, something went wrong on my side.');
  };
  recordTranscripts(adapter, new TranscriptRecords(store, { logger }), { now, logger, userIdKey: TEST_USER_ID_KEY });
  return adapter;
}

/** What the sign-in resumer does: a continuation that becomes our sign-in event. */
async function signInCompleted(adapter: TestAdapter): Promise<void> {
  await adapter.processActivity({ type: 'event', name: 'ContinueConversation' }, async (context: TurnContext) => {
    context.activity.name = 'confluence/signInCompleted';
    context.activity.value = { outcome: 'signed-in' };
    await context.sendActivity('Thanks, you are signed in to Confluence.');
  });
}

describe.each(implementations)('TranscriptRecords: %s', (_name, openPair) => {
  let stores: [RecordStore, RecordStore];
  let out: string;

  beforeEach(async () => {
    stores = await openPair();
    out = await temporaryFolder('transcript-export-');
  });

  it('writes one record per turn under transcripts/<conversation>/<time>-<turn>-<part>, with the ids inside', async () => {
    const records = new TranscriptRecords(stores[0]);
    const startedAt = new Date('2025-03-01T09:00:00.123Z');
    await records.append('emulator', 'c1|livechat', [{ type: 'message', text: 'hello' }], { startedAt, turnId: 'a1b2c3d4e5f6', part: 0 });
    await records.append('emulator', 'c1|livechat', [], { startedAt, turnId: 'a1b2c3d4e5f6', part: 1 });

    const keys = await stores[1].listKeys(TRANSCRIPTS_PREFIX);
    const segment = transcriptName('emulator', 'c1|livechat');
    expect(keys).toEqual([`transcripts/${segment}/00${startedAt.getTime()}-a1b2c3d4e5f6-0000`]);
    expect(`${segment}.transcript`).toBe(transcriptFileName('emulator', 'c1|livechat'));
    expect((await stores[1].get<TranscriptChunk>(keys[0]!))?.value).toEqual({
      channelId: 'emulator',
      conversationId: 'c1|livechat',
      activities: [{ type: 'message', text: 'hello' }],
    });
  });

  it('makes a valid, distinct key segment from any conversation id', () => {
    const position = { startedAt: new Date(), turnId: 'x', part: 0 };
    const teams = chunkKey('msteams', 'a:1Xq_zZ-W0pjT8lYv/../../etc|' + 'long'.repeat(80), position);
    expect(checkKey(teams)).toBe(teams);
    expect(chunkKey('emulator', 'x|y', position).split('/')[1]).not.toBe(chunkKey('emulator', 'x/y', position).split('/')[1]);
    expect(chunkKey('emulator', 'x', position).split('/')[1]).not.toBe(chunkKey('webchat', 'x', position).split('/')[1]);
  });

  it('records a conversation whose turns alternate between two instances as one file, in order, redacted, that the replayer reads', async () => {
    const now = sharedClock();
    const [a, b] = [instance(stores[0], now), instance(stores[1], now)];
    await a.send({ type: 'message', text: 'hello', channelData: { token: 'SECRET-TOKEN' } }).startTest();
    await b.send('sign in').startTest();
    await signInCompleted(a);
    await b.send('boom').startTest();
    await a.send('last').startTest();

    const chunks = await listTranscriptChunks(stores[0]);
    expect([...chunks.keys()]).toEqual([transcriptName('test', 'Convo1')]);
    // One record per turn, plus the error message sent after its turn's own write (a second part of that turn).
    expect(chunks.get(transcriptName('test', 'Convo1'))).toHaveLength(6);

    const result = await exportTranscripts(stores[1], { outDir: out });
    expect(result.files.map((file) => path.basename(file.file))).toEqual([transcriptFileName('test', 'Convo1')]);
    const text = await readFile(path.join(out, transcriptFileName('test', 'Convo1')), 'utf8');
    expect(text.startsWith('[\n  {\n    "')).toBe(true);
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(text).not.toMatch(/SECRET-LINK-ID|SECRET-TOKEN/);
    expect(text).toContain('/oauth/start?[redacted]');

    const activities = parseTranscript(text);
    expect(activities.map((activity) => [activity.from?.role, activity.type, activity.name ?? activity.text])).toEqual([
      ['user', 'message', 'hello'],
      ['bot', 'message', 'You said hello'],
      ['user', 'message', 'sign in'],
      ['bot', 'message', undefined],
      ['user', 'event', 'confluence/signInCompleted'],
      ['bot', 'message', 'Thanks, you are signed in to Confluence.'],
      ['user', 'message', 'boom'],
      ['bot', 'message', 'Sorry, something went wrong on my side.'],
      ['user', 'message', 'last'],
      ['bot', 'message', 'You said last'],
    ]);
    for (const activity of activities) {
      expect(activity.id).toEqual(expect.any(String));
      expect(new Date(activity.timestamp!).toISOString()).toBe(activity.timestamp);
    }
    expect(toTurns(activities).map((turn) => describeAction(turn.action))).toEqual([
      'user: "hello"',
      'user: "sign in"',
      'sign-in in the browser: accept',
      'user: "boom"',
      'user: "last"',
    ]);
  });

  it('keeps the order of the turns by their start, whichever instance writes first', async () => {
    const records = [new TranscriptRecords(stores[0]), new TranscriptRecords(stores[1])];
    const at = (seconds: number) => new Date(Date.parse('2025-03-01T09:00:00Z') + seconds * 1000);
    // A slow turn that started first ends last; keys order by start, and a turn's later part stays with it.
    await records[1]!.append('webchat', 'c', [{ type: 'message', text: 'second' }], { startedAt: at(2), turnId: 'bbbbbbbbbbbb', part: 0 });
    await records[0]!.append('webchat', 'c', [{ type: 'message', text: 'first' }], { startedAt: at(1), turnId: 'ffffffffffff', part: 0 });
    await records[0]!.append('webchat', 'c', [{ type: 'message', text: 'first, later part' }], { startedAt: at(1), turnId: 'ffffffffffff', part: 1 });
    await records[1]!.append('webchat', 'c', [{ type: 'message', text: 'third' }], { startedAt: at(1000), turnId: '000000000000', part: 0 });

    await exportTranscripts(stores[0], { outDir: out });
    const activities = parseTranscript(await readFile(path.join(out, transcriptFileName('webchat', 'c')), 'utf8'));
    expect(activities.map((activity) => activity.text)).toEqual(['first', 'first, later part', 'second', 'third']);
  });

  it('replaces a turn over the size limit with a note, and says so in the log', async () => {
    const lines: string[] = [];
    const records = new TranscriptRecords(stores[0], { maxChunkBytes: 2000, logger: createLogger('warn', (line) => lines.push(line)) });
    const bot = { id: 'bot-1', name: 'Bot', role: 'bot' };
    await records.append('emulator', 'big', [
      { type: 'message', id: 'u1', timestamp: '2025-03-01T09:00:00.000Z', from: { id: 'user-1', role: 'user' }, recipient: bot, text: 'x'.repeat(3000) },
      { type: 'message', id: 'b1', timestamp: '2025-03-01T09:00:01.000Z', from: bot, recipient: { id: 'user-1', role: 'user' }, text: 'ok' },
    ]);
    await records.append('emulator', 'big', [{ type: 'message', id: 'u2', from: { id: 'user-1', role: 'user' }, text: 'small' }]);

    expect(lines.filter((line) => line.includes('too large to record'))).toHaveLength(1);
    await exportTranscripts(stores[1], { outDir: out });
    const activities = parseTranscript(await readFile(path.join(out, transcriptFileName('emulator', 'big')), 'utf8'));
    expect(activities.map((activity) => [activity.type, activity.name ?? activity.text])).toEqual([
      ['trace', TURN_NOT_RECORDED],
      ['message', 'small'],
    ]);
    expect(activities[0]).toMatchObject({ timestamp: '2025-03-01T09:00:00.000Z', from: bot, id: expect.any(String) });
    expect(String(activities[0]!.value)).toMatch(/2 activities .* not recorded/);
    // The replayer skips traces: the note does not turn into a turn.
    expect(toTurns(activities).map((turn) => describeAction(turn.action))).toEqual(['user: "small"']);
  });
});

class UnwritableStore extends LocalRecordStore {
  override put<T>(): Promise<string> {
    return Promise.reject(new Error('store down'));
  }
}

describe('recording to several sinks', () => {
  it('writes the same redacted turn to the file and to the store; a failing sink is logged and never breaks the turn', async () => {
    const directory = await temporaryFolder('transcript-files-');
    const root = await temporaryFolder('transcript-records-');
    const files = new TranscriptFiles({ directory });
    const store = new LocalRecordStore(root);
    const failing = new TranscriptRecords(new UnwritableStore(root));
    const lines: string[] = [];
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity('still answering');
    });
    recordTranscripts(adapter, [failing, files, new TranscriptRecords(store)], { logger: createLogger('error', (line) => lines.push(line)), userIdKey: TEST_USER_ID_KEY });
    await adapter.send({ type: 'message', text: 'hi', channelData: { token: 'SECRET-TOKEN' } }).assertReply('still answering').startTest();

    expect(lines.join('\n')).toMatch(/could not write the transcript/);
    const fromFile = await readFile(files.fileFor('test', 'Convo1'), 'utf8');
    const out = await temporaryFolder('transcript-export-');
    await exportTranscripts(store, { outDir: out });
    const fromStore = await readFile(path.join(out, transcriptFileName('test', 'Convo1')), 'utf8');
    expect(fromStore).toBe(fromFile);
    expect(fromFile).not.toContain('SECRET-TOKEN');
  });
});
