/**
 * `npm run transcripts:export`: opens the bot's store from the environment (local files, or Azure Blob Storage on
 * Azurite), writes one Emulator `.transcript` per conversation, applies the per-conversation limits, deletes what it
 * exported on request, and exits 0 / 1 / 2. A recorded journey split over two instances exports to a file that
 * `npm run replay` accepts.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp } from '../../../app.js';
import { createLogger } from '../../../services/logging/logger.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import type { RecordStore } from '../../../services/storage/recordStore.js';
import { transcriptFileName } from '../../../services/transcripts/transcriptFiles.js';
import { TRANSCRIPTS_PREFIX, TranscriptRecords } from '../../../services/transcripts/transcriptRecords.js';
import type { RecordedActivity, TurnPosition } from '../../../services/transcripts/transcriptSink.js';
import { exportTranscripts } from '../../../tools/transcripts/exportTranscripts.js';
import { runExportCommand } from '../../../tools/transcripts/run.js';
import { replayTurns } from '../../../tools/replay/replayer.js';
import { runReplayCommand } from '../../../tools/replay/run.js';
import { resolveSetup, setupFromFolder, setupFromWelcome } from '../../../tools/replay/setup.js';
import { describeAction, parseTranscript, toTurns, type TranscriptActivity } from '../../../tools/replay/transcript.js';
import { freePort } from '../../helpers/ports.js';
import { azuriteForThisFile, uniqueContainer } from '../../helpers/azurite.js';

const azurite = azuriteForThisFile();

const temporaryFolder = (prefix: string) => mkdtemp(path.join(os.tmpdir(), prefix));

interface Bot {
  /** The environment the bot (and so the export) runs with. */
  env: NodeJS.ProcessEnv;
  /** The store the bot records into, as a second instance would open it. */
  store: RecordStore;
}

const environments: Array<[string, () => Promise<Bot>]> = [
  [
    'local files',
    async () => {
      const dataDir = await temporaryFolder('export-data-');
      return { env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, store: new LocalRecordStore(path.join(dataDir, 'records')) };
    },
  ],
  [
    'Azure Blob Storage (Azurite)',
    async () => {
      const container = uniqueContainer('x');
      const env = {
        DATA_DIR: await temporaryFolder('export-data-'),
        LOG_LEVEL: 'silent',
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_CONTAINER: container,
        ENCRYPTION_KEY: 'ab'.repeat(32),
      };
      return { env, store: await azurite.openStore(container) };
    },
  ],
];

/** Runs the command as `npm run transcripts:export -- …` would, capturing what it prints. */
async function exportCommand(args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runExportCommand(args, { env, cwd, stdout: (line) => stdout.push(line), stderr: (line) => stderr.push(line) });
  return { code, stdout, stderr };
}

const base = Date.parse('2025-03-01T09:00:00.000Z');
const turn = (second: number, part = 0): TurnPosition => ({ startedAt: new Date(base + second * 1000), turnId: `t${second}`, part });
const message = (text: string, role: 'user' | 'bot' = 'user'): RecordedActivity => ({
  type: 'message',
  id: randomUUID(),
  timestamp: new Date(base).toISOString(),
  from: { id: role === 'user' ? 'user-1' : 'bot-1', role },
  text,
});
const readActivities = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as RecordedActivity[];

describe.each(environments)('transcripts:export on %s', (_name, start) => {
  let bot: Bot;
  let records: TranscriptRecords;
  let out: string;

  beforeEach(async () => {
    bot = await start();
    records = new TranscriptRecords(bot.store);
    out = path.join(await temporaryFolder('export-out-'), 'exported');
  });

  it('writes one file per conversation, in recording order, exactly as TranscriptFiles writes, and prints a line each and a total', async () => {
    await records.append('emulator', 'one|livechat', [message('hello'), message('You said hello', 'bot')], turn(1));
    await records.append('msteams', 'a:19/teams', [message('hi from Teams')], turn(2));
    await records.append('emulator', 'one|livechat', [message('again'), message('You said again', 'bot')], turn(3));

    const { code, stdout, stderr } = await exportCommand([out], bot.env);
    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
    const names = [transcriptFileName('emulator', 'one|livechat'), transcriptFileName('msteams', 'a:19/teams')];
    expect((await readdir(out)).sort()).toEqual([...names].sort());
    const text = await readFile(path.join(out, names[0]!), 'utf8');
    expect(text).toBe(JSON.stringify(JSON.parse(text), null, 2));
    expect(parseTranscript(text).map((activity) => activity.text)).toEqual(['hello', 'You said hello', 'again', 'You said again']);
    expect(stdout).toHaveLength(3);
    expect(stdout.some((line) => line.includes(names[0]!) && line.includes('(4 activities)'))).toBe(true);
    expect(stdout.some((line) => line.includes(names[1]!) && line.includes('(1 activity)'))).toBe(true);
    expect(stdout[2]).toMatch(/^Exported 2 conversations \(5 activities\) from .* to .*exported\.$/);
    // Without --delete the records stay.
    expect(await bot.store.listKeys(TRANSCRIPTS_PREFIX)).toHaveLength(3);
  });

  it('exports one conversation with --conversation (by id or by file name), and fails for an unknown one', async () => {
    await records.append('emulator', 'wanted|livechat', [message('this one')], turn(1));
    await records.append('emulator', 'other', [message('not this one')], turn(2));

    expect((await exportCommand([out, '--conversation', 'wanted|livechat'], bot.env)).code).toBe(0);
    expect(await readdir(out)).toEqual([transcriptFileName('emulator', 'wanted|livechat')]);

    const byName = path.join(out, 'by-name');
    expect((await exportCommand([byName, '--conversation', transcriptFileName('emulator', 'other')], bot.env)).code).toBe(0);
    expect(await readdir(byName)).toEqual([transcriptFileName('emulator', 'other')]);

    const missing = await exportCommand([out, '--conversation', 'nobody'], bot.env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.join('\n')).toContain('No recorded conversation "nobody"');
  });

  it('splits a segment recorded before names were unique (a_b + same, a + b_same) into one file per conversation', async () => {
    const legacy = (second: number) => `${TRANSCRIPTS_PREFIX}a_b_same/${String(base + second * 1000).padStart(15, '0')}-t${second}-0000`;
    await bot.store.put(legacy(1), { channelId: 'a_b', conversationId: 'same', activities: [message('first pair')] });
    await bot.store.put(legacy(2), { channelId: 'a', conversationId: 'b_same', activities: [message('second pair')] });
    await bot.store.put(legacy(3), { channelId: 'a_b', conversationId: 'same', activities: [message('first pair again')] });

    expect((await exportCommand([out], bot.env)).code).toBe(0);
    const first = transcriptFileName('a_b', 'same');
    const second = transcriptFileName('a', 'b_same');
    expect((await readdir(out)).sort()).toEqual([first, second].sort());
    expect((await readActivities(path.join(out, first))).map((activity) => activity.text)).toEqual(['first pair', 'first pair again']);
    expect((await readActivities(path.join(out, second))).map((activity) => activity.text)).toEqual(['second pair']);

    const one = path.join(out, 'one');
    expect((await exportCommand([one, '--conversation', 'b_same'], bot.env)).code).toBe(0);
    expect(await readdir(one)).toEqual([second]);
  });

  it('with --delete removes what it exported; a later export never overwrites the earlier file', async () => {
    await records.append('webchat', 'c', [message('first')], turn(1));
    const first = await exportCommand([out, '--delete'], bot.env);
    expect(first.code).toBe(0);
    expect(first.stdout.at(-1)).toMatch(/deleted 1 record\.$/);
    expect(await bot.store.listKeys(TRANSCRIPTS_PREFIX)).toEqual([]);

    await records.append('webchat', 'c', [message('second')], turn(2));
    expect((await exportCommand([out, '--delete'], bot.env)).code).toBe(0);
    const name = transcriptFileName('webchat', 'c');
    const renamed = name.replace(/\.transcript$/, '-2.transcript');
    expect((await readdir(out)).sort()).toEqual([renamed, name].sort());
    expect((await readActivities(path.join(out, name))).map((activity) => activity.text)).toEqual(['first']);
    expect((await readActivities(path.join(out, renamed))).map((activity) => activity.text)).toEqual(['second']);
  });

  it('cuts a conversation at 2,000 activities, at a whole turn, says so, and with --delete keeps the rest for the next export', async () => {
    for (let second = 1; second <= 30; second++) {
      await records.append('emulator', 'long', Array.from({ length: 70 }, (_, i) => ({ type: 'message', text: `${second}.${i}` })), turn(second));
    }
    const { code, stdout } = await exportCommand([out, '--delete'], bot.env);
    expect(code).toBe(0);
    const name = transcriptFileName('emulator', 'long');
    const exported = await readActivities(path.join(out, name));
    expect(exported).toHaveLength(28 * 70);
    expect(exported.at(-1)?.text).toBe('28.69');
    expect(stdout.join('\n')).toMatch(/cut at the limit of 2,000 activities or 5 MB: the last 140 activities \(2 turns\) left out/);
    expect(await bot.store.listKeys(TRANSCRIPTS_PREFIX)).toHaveLength(2);

    expect((await exportCommand([out], bot.env)).code).toBe(0);
    const rest = await readActivities(path.join(out, name.replace(/\.transcript$/, '-2.transcript')));
    expect(rest.map((activity) => activity.text).slice(0, 1)).toEqual(['29.0']);
    expect(rest).toHaveLength(140);
  });

  it('cuts a conversation at 5 MB of file', async () => {
    const large = (second: number) => [{ type: 'message', text: `${second}:${'x'.repeat(900 * 1024)}` }];
    for (let second = 1; second <= 6; second++) await records.append('emulator', 'heavy', large(second), turn(second));
    const { code, stdout } = await exportCommand([out], bot.env);
    expect(code).toBe(0);
    const text = await readFile(path.join(out, transcriptFileName('emulator', 'heavy')), 'utf8');
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect((JSON.parse(text) as RecordedActivity[]).map((activity) => String(activity.text).split(':')[0])).toEqual(['1', '2', '3', '4', '5']);
    expect(stdout.join('\n')).toMatch(/the last 1 activity \(1 turn\) left out/);
  }, 30_000);

  it('reports a record that is not a transcript chunk, leaves it, exports the rest and exits 1', async () => {
    await records.append('emulator', 'fine', [message('fine')], turn(1));
    await bot.store.put('transcripts/emulator_fine/000000000000001-broken-0000', { something: 'else' });
    const { code, stderr } = await exportCommand([out, '--delete'], bot.env);
    expect(code).toBe(1);
    expect(stderr.join('\n')).toContain('Skipped transcripts/emulator_fine/000000000000001-broken-0000: not a transcript record');
    expect((await readActivities(path.join(out, transcriptFileName('emulator', 'fine')))).map((activity) => activity.text)).toEqual(['fine']);
    expect(await bot.store.listKeys(TRANSCRIPTS_PREFIX)).toEqual(['transcripts/emulator_fine/000000000000001-broken-0000']);
  });

  it('says so when nothing was recorded, and exits 0', async () => {
    const { code, stdout } = await exportCommand([out], bot.env);
    expect(code).toBe(0);
    expect(stdout.join('\n')).toMatch(/^No recorded conversations in /);
  });
});

describe('the size limit is the size of the file as written', () => {
  it('fits exactly as many whole turns as the bytes allow', async () => {
    const store = new LocalRecordStore(await temporaryFolder('export-records-'));
    const records = new TranscriptRecords(store);
    const turns = [[message('one'), message('un', 'bot')], [message('two')], [message('three')]];
    for (const [index, activities] of turns.entries()) await records.append('emulator', 'exact', activities, turn(index));
    const exactly = Buffer.byteLength(JSON.stringify([...turns[0]!, ...turns[1]!], null, 2));

    for (const [maxBytes, expected] of [[exactly, 3], [exactly - 1, 2]] as const) {
      const out = await temporaryFolder('export-out-');
      const result = await exportTranscripts(store, { outDir: out, maxBytes });
      expect({ maxBytes, activities: result.files[0]?.activities }).toEqual({ maxBytes, activities: expected });
      expect(Buffer.byteLength(await readFile(result.files[0]!.file, 'utf8'))).toBeLessThanOrEqual(maxBytes);
    }
  });
});

describe('transcripts:export arguments', () => {
  it.each([
    [[], 'Name the folder'],
    [['a', 'b'], 'Name one folder, not 2'],
    [['out', '--conversation'], '--conversation needs a conversation id'],
    [['out', '--force'], 'Unknown option --force'],
  ])('%j exits 2 with the usage on stderr', async (args, problem) => {
    const { code, stdout, stderr } = await exportCommand(args, { DATA_DIR: await temporaryFolder('export-data-') });
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr[0]).toContain(problem);
    expect(stderr.join('\n')).toContain('Usage: npm run transcripts:export -- <out-folder> [--conversation <id>] [--delete]');
  });

  it('prints the usage for --help and exits 0', async () => {
    const { code, stdout } = await exportCommand(['--help'], {});
    expect(code).toBe(0);
    expect(stdout.join('\n')).toContain('Usage: npm run transcripts:export');
  });

  it('exits 1 with the configuration problem when the environment is wrong', async () => {
    const { code, stderr } = await exportCommand(['out'], { AZURE_STORAGE_CONNECTION_STRING: 'UseDevelopmentStorage=true' });
    expect(code).toBe(1);
    expect(stderr.join('\n')).toMatch(/ENCRYPTION_KEY/);
  });

  it('resolves a relative folder from where the command was started', async () => {
    const dataDir = await temporaryFolder('export-data-');
    await new TranscriptRecords(new LocalRecordStore(path.join(dataDir, 'records'))).append('emulator', 'c', [message('hi')], turn(1));
    const cwd = await temporaryFolder('export-cwd-');
    expect((await exportCommand(['relative/out'], { DATA_DIR: dataDir }, cwd)).code).toBe(0);
    expect(await readdir(path.join(cwd, 'relative/out'))).toEqual([transcriptFileName('emulator', 'c')]);
  });
});

describe('a recorded journey whose turns landed on two instances', () => {
  it('exports to a file that npm run replay accepts', async () => {
    const journey = path.resolve('tests/transcripts/user-mode/create-page-with-sign-in.transcript');
    const recorded = JSON.parse(await readFile(journey, 'utf8')) as RecordedActivity[];
    // Its sign-in resume is the turn most likely to run on another instance than the message before it.
    expect(recorded.some((activity) => activity.name === 'confluence/signInCompleted')).toBe(true);
    // Cut into turns as the recorder writes them: what the user did, then what the bot sent in that turn.
    const turns: RecordedActivity[][] = [];
    for (const activity of recorded) {
      const fromUser = (activity.from as { role?: string } | undefined)?.role === 'user';
      if (fromUser || turns.length === 0) turns.push([]);
      turns.at(-1)!.push(activity);
    }
    const dataDir = await temporaryFolder('export-data-');
    const root = path.join(dataDir, 'records');
    const instances = [new TranscriptRecords(new LocalRecordStore(root)), new TranscriptRecords(new LocalRecordStore(root))];
    const channelId = String(recorded[0]!.channelId);
    const conversationId = String((recorded[0]!.conversation as { id: string }).id);
    // Written out of order, alternately by the two instances: the keys put them back in order.
    for (const index of [...turns.keys()].reverse()) {
      await instances[index % 2]!.append(channelId, conversationId, turns[index]!, turn(index));
    }

    const out = path.join(await temporaryFolder('export-out-'), 'user-mode');
    expect((await exportCommand([out], { DATA_DIR: dataDir })).code).toBe(0);
    const file = path.join(out, transcriptFileName(channelId, conversationId));
    expect(await readActivities(file)).toEqual(recorded);

    const lines: string[] = [];
    const code = await runReplayCommand([file], { write: (line) => lines.push(line) });
    expect({ code, report: lines.join('\n') }).toEqual({ code: 0, report: expect.stringContaining('1 passed, 0 failed') });
  }, 60_000);
});

describe('the bot with RECORD_TRANSCRIPTS=true on shared storage', () => {
  it('records into the store, and the export replays like the original', async () => {
    const journey = path.resolve('tests/transcripts/user-mode/sign-in-interrupted-then-declined.transcript');
    const original = parseTranscript(await readFile(journey, 'utf8'));
    const container = uniqueContainer('r');
    const storage = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, AZURE_STORAGE_CONTAINER: container, ENCRYPTION_KEY: 'cd'.repeat(32) };
    const setup = resolveSetup(setupFromWelcome(original), setupFromFolder(journey));
    const replayed = await replayTurns(toTurns(original), original, { setup, env: { ...storage, RECORD_TRANSCRIPTS: 'true' } });
    expect(replayed.differed).toBe(0);

    const out = path.join(await temporaryFolder('export-out-'), 'user-mode');
    const exported = await exportCommand([out], { DATA_DIR: await temporaryFolder('export-data-'), ...storage });
    expect(exported.code).toBe(0);
    const files = await readdir(out);
    expect(files).toHaveLength(1);
    const recorded = parseTranscript(await readFile(path.join(out, files[0]!), 'utf8'));
    const userSide = (activities: TranscriptActivity[]) => toTurns(activities).map((turn) => describeAction(turn.action));
    expect(userSide(recorded)).toEqual(userSide(original));
    const lines: string[] = [];
    const code = await runReplayCommand([path.join(out, files[0]!)], { write: (line) => lines.push(line) });
    expect({ code, report: lines.join('\n') }).toEqual({ code: 0, report: expect.stringContaining('1 passed, 0 failed') });
  }, 90_000);

  it('warns that TRANSCRIPTS_DIR files hold only the turns of one instance when RECORD_TRANSCRIPTS is off', async () => {
    const lines: string[] = [];
    const app = await startApp(
      {
        PORT: String(await freePort()),
        DATA_DIR: await temporaryFolder('export-data-'),
        TRANSCRIPTS_DIR: await temporaryFolder('export-files-'),
        AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
        AZURE_STORAGE_CONTAINER: uniqueContainer('w'),
        ENCRYPTION_KEY: 'ef'.repeat(32),
      },
      createLogger('warn', (line) => lines.push(line)),
    );
    await app.close();
    expect(lines.join('\n')).toContain('set RECORD_TRANSCRIPTS=true to record whole conversations');
  }, 30_000);
});
