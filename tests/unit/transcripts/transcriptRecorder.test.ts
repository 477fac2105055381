import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Activity, ActivityTypes, CardFactory, MessageFactory, TestAdapter, TurnContext } from 'botbuilder';
import { recordTranscripts } from '../../../bots/transcriptRecorder.js';
import { TranscriptFiles, transcriptFileName } from '../../../services/transcripts/transcriptFiles.js';
import { createLogger } from '../../../services/logging/logger.js';

const temporaryFolder = () => mkdtemp(path.join(os.tmpdir(), 'transcripts-'));
interface Written {
  id: string;
  timestamp: string;
  type: string;
  text?: string;
  name?: string;
  value?: unknown;
  from: { role: string };
  recipient: { role: string };
  conversation: { id: string };
  suggestedActions?: { actions: Array<{ title: string }> };
  rawTimestamp?: unknown;
  relatesTo?: unknown;
}
const readJson = async (file: string) => JSON.parse(await readFile(file, 'utf8')) as Written[];

describe('TranscriptRecorder', () => {
  it('writes an Emulator-style transcript: a 2-space indented array, ids, timestamps and roles on every activity', async () => {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity(`You said ${context.activity.text}`);
      await context.sendActivities([{ type: ActivityTypes.Typing }, MessageFactory.suggestedActions(['Create'], 'Ready?')]);
    });
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files);
    await adapter.send('hello').startTest();
    await adapter.send('again').startTest();

    const file = files.fileFor('test', 'Convo1');
    const text = await readFile(file, 'utf8');
    expect(text.startsWith('[\n  {\n    "')).toBe(true);
    const activities = JSON.parse(text) as Written[];
    expect(activities.map((a) => [a.from.role, a.type, a.text])).toEqual([
      ['user', 'message', 'hello'],
      ['bot', 'message', 'You said hello'],
      ['bot', 'typing', undefined],
      ['bot', 'message', 'Ready?'],
      ['user', 'message', 'again'],
      ['bot', 'message', 'You said again'],
      ['bot', 'typing', undefined],
      ['bot', 'message', 'Ready?'],
    ]);
    for (const activity of activities) {
      expect(typeof activity.id).toBe('string');
      expect(activity.id).not.toBe('');
      expect(new Date(activity.timestamp).toISOString()).toBe(activity.timestamp);
      expect(activity.conversation.id).toBe('Convo1');
      expect(activity.rawTimestamp).toBeUndefined();
    }
    expect(activities[3]!.suggestedActions?.actions[0]?.title).toBe('Create');
    expect(activities[1]!.recipient.role).toBe('user');
  });

  it("skips the proactive ContinueConversation event, but records our sign-in resume as the event it becomes", async () => {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter();
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files);
    await adapter.processActivity({ type: 'event', name: 'ContinueConversation' }, async (context: TurnContext) => {
      await context.sendActivity('a proactive hello');
    });
    await adapter.processActivity({ type: 'event', name: 'ContinueConversation', relatesTo: { activityId: 'x' } as never }, async (context: TurnContext) => {
      context.activity.name = 'confluence/signInCompleted';
      context.activity.value = { outcome: 'signed-in' };
      await context.sendActivity('Thanks, you are signed in to Confluence.');
    });
    const activities = await readJson(files.fileFor('test', 'Convo1'));
    expect(activities.map((a) => [a.from.role, a.type, a.name ?? a.text])).toEqual([
      ['bot', 'message', 'a proactive hello'],
      ['user', 'event', 'confluence/signInCompleted'],
      ['bot', 'message', 'Thanks, you are signed in to Confluence.'],
    ]);
    expect(activities[1]!.value).toEqual({ outcome: 'signed-in' });
    expect(activities[1]!.relatesTo).toBeUndefined();
  });

  it('redacts the sign-in link and credential fields before writing', async () => {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter(async (context) => {
      const card = CardFactory.heroCard('Confluence', 'Sign in', undefined, [{ type: 'openUrl', title: 'Sign in', value: 'http://localhost:3978/oauth/start?id=SECRET-LINK-ID' }]);
      await context.sendActivity(MessageFactory.attachment(card));
    });
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files);
    await adapter.send({ type: 'message', text: 'hi', channelData: { token: 'SECRET-TOKEN' } }).startTest();
    const text = await readFile(files.fileFor('test', 'Convo1'), 'utf8');
    expect(text).not.toMatch(/SECRET-LINK-ID|SECRET-TOKEN/);
    expect(text).toContain('/oauth/start?[redacted]');
  });

  it('records what reached the channel, once, even when the turn holds its replies back and sends them later', async () => {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter(async (context) => {
      // Like bots/outbox.ts: replies are held while the turn runs and sent after its state is saved.
      const held: Array<Partial<Activity>> = [];
      let holding = true;
      context.onSendActivities(async (_context, activities, next) => {
        if (!holding) return next();
        held.push(...activities);
        return activities.map(() => ({ id: '' }));
      });
      await context.sendActivity('first');
      await context.sendActivity('second');
      holding = false;
      await context.sendActivities(held);
    });
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files);
    await adapter.send('hi').assertReply('first').assertReply('second').startTest();
    const activities = await readJson(files.fileFor('test', 'Convo1'));
    expect(activities.map((a) => a.text)).toEqual(['hi', 'first', 'second']);
  });

  it("records the adapter's error message, sent after the turn failed", async () => {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter(async () => {
      throw new Error('boom');
    });
    adapter.onTurnError = async (context) => {
      await context.sendActivity('Sorry, something went wrong on my side.');
    };
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files);
    await adapter.send('hi').assertReply('Sorry, something went wrong on my side.').startTest();
    const activities = await readJson(files.fileFor('test', 'Convo1'));
    expect(activities.map((a) => [a.from.role, a.text])).toEqual([
      ['user', 'hi'],
      ['bot', 'Sorry, something went wrong on my side.'],
    ]);
  });

  it('never breaks the turn when the transcript cannot be written', async () => {
    const directory = await temporaryFolder();
    const blocker = path.join(directory, 'a-file');
    await writeFile(blocker, 'not a folder');
    const lines: string[] = [];
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity('still answering');
    });
    recordTranscripts(adapter, new TranscriptFiles({ directory: path.join(blocker, 'sub') }), { logger: createLogger('error', (line) => lines.push(line)) });
    await adapter.send('hi').assertReply('still answering').startTest();
    expect(lines.join('\n')).toMatch(/could not write the transcript/);
  });
});

describe('TranscriptFiles', () => {
  it('serializes overlapping appends to one conversation, so no turn is lost', async () => {
    const files = new TranscriptFiles({ directory: await temporaryFolder() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => files.append('emulator', 'c1', [{ type: 'message', text: `m${i}` }])));
    const activities = await readJson(files.fileFor('emulator', 'c1'));
    expect(activities.map((a) => a.text)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`));
  });

  it('leaves no temporary file behind and keeps one file per conversation', async () => {
    const directory = await temporaryFolder();
    const files = new TranscriptFiles({ directory });
    await files.append('emulator', 'a|livechat', [{ type: 'message' }]);
    await files.append('emulator', 'b|livechat', [{ type: 'message' }]);
    expect((await readdir(directory)).sort()).toEqual([transcriptFileName('emulator', 'a|livechat'), transcriptFileName('emulator', 'b|livechat')].sort());
  });

  it('makes safe, distinct file names from any conversation id', () => {
    expect(transcriptFileName('msteams', 'plain-id_1')).toBe('msteams_plain-id_1.transcript');
    const a = transcriptFileName('emulator', '../../etc/passwd');
    expect(a).toMatch(/^emulator_-etc-passwd-[0-9a-f]{10}\.transcript$/);
    expect(transcriptFileName('emulator', 'x|y')).not.toBe(transcriptFileName('emulator', 'x/y'));
    expect(transcriptFileName('emulator', 'z'.repeat(500)).length).toBeLessThan(160);
  });

  it('stops recording a conversation at its cap and says so once', async () => {
    const lines: string[] = [];
    const files = new TranscriptFiles({ directory: await temporaryFolder(), maxActivities: 3, logger: createLogger('warn', (line) => lines.push(line)) });
    for (let i = 0; i < 5; i++) await files.append('emulator', 'c', [{ type: 'message', text: `m${i}` }]);
    expect((await readJson(files.fileFor('emulator', 'c'))).map((a) => a.text)).toEqual(['m0', 'm1', 'm2']);
    expect(lines.filter((line) => line.includes('transcript is full'))).toHaveLength(1);
  });

  it('moves a damaged file aside instead of overwriting it', async () => {
    const directory = await temporaryFolder();
    const files = new TranscriptFiles({ directory });
    await writeFile(files.fileFor('emulator', 'c'), '{ not json');
    await files.append('emulator', 'c', [{ type: 'message', text: 'fresh' }]);
    expect((await readJson(files.fileFor('emulator', 'c'))).map((a) => a.text)).toEqual(['fresh']);
    expect((await readdir(directory)).some((name) => name.includes('.damaged-'))).toBe(true);
  });
});
