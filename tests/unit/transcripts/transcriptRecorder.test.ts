import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Activity, ActivityTypes, CardFactory, MessageFactory, TestAdapter, TurnContext } from 'botbuilder';
import { recordTranscripts } from '../../../bots/transcriptRecorder.js';
import { TranscriptFiles, transcriptFileName } from '../../../services/transcripts/transcriptFiles.js';
import { createLogger } from '../../../services/logging/logger.js';

/** Any 32 bytes: the recorder needs a key for its user-id pseudonyms. */
const TEST_USER_ID_KEY = Buffer.alloc(32, 7);

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
    recordTranscripts(adapter, files, { userIdKey: TEST_USER_ID_KEY });
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
    recordTranscripts(adapter, files, { userIdKey: TEST_USER_ID_KEY });
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
    recordTranscripts(adapter, files, { userIdKey: TEST_USER_ID_KEY });
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
    recordTranscripts(adapter, files, { userIdKey: TEST_USER_ID_KEY });
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
    recordTranscripts(adapter, files, { userIdKey: TEST_USER_ID_KEY });
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
    recordTranscripts(adapter, new TranscriptFiles({ directory: path.join(blocker, 'sub') }), { logger: createLogger('error', (line) => lines.push(line)), userIdKey: TEST_USER_ID_KEY });
    await adapter.send('hi').assertReply('still answering').startTest();
    expect(lines.join('\n')).toMatch(/could not write the transcript/);
  });
});

describe('TranscriptRecorder: user ids as pseudonyms', () => {
  const reference = {
    channelId: 'msteams',
    serviceUrl: 'https://smba.example/',
    conversation: { id: 'conv-1' },
    user: { id: '29:alice-teams-id', name: 'Alice', aadObjectId: 'aad-alice-object-id' },
    bot: { id: '28:the-bot', name: 'Bot' },
  };

  async function record(key: Buffer, conversationId = 'conv-1'): Promise<{ text: string; activities: Array<Record<string, any>> }> {
    const directory = await temporaryFolder();
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity(`You said ${context.activity.text}`);
    });
    adapter.conversation = { ...reference, conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' } };
    const files = new TranscriptFiles({ directory });
    recordTranscripts(adapter, files, { userIdKey: key });
    await adapter
      .send({ type: ActivityTypes.ConversationUpdate, membersAdded: [{ id: '28:the-bot', name: 'Bot' }, { id: '29:alice-teams-id', name: 'Alice' }] })
      .send('hello')
      .send({ type: ActivityTypes.Event, name: 'some/event', value: { reference: { user: { id: '29:alice-teams-id' }, bot: { id: '28:the-bot' } } } })
      .startTest();
    const text = await readFile(files.fileFor('msteams', conversationId), 'utf8');
    // `any`: transcript JSON in many shapes; each assertion reads the fields it checks.
    return { text, activities: JSON.parse(text) as Array<Record<string, any>> };
  }

  it("replaces the user's ids everywhere (accounts, members, references) by one keyed pseudonym; the bot's stay", async () => {
    const { text, activities } = await record(TEST_USER_ID_KEY);
    expect(text).not.toContain('alice-teams-id');
    expect(text).not.toContain('aad-alice-object-id');
    const userIds = new Set<string>();
    for (const activity of activities) {
      const user = activity.from.role === 'bot' ? activity.recipient : activity.from;
      const bot = activity.from.role === 'bot' ? activity.from : activity.recipient;
      expect(bot.id).toBe('28:the-bot');
      userIds.add(user.id);
      if (user.aadObjectId !== undefined) userIds.add(`aad:${user.aadObjectId}`);
    }
    const [pseudonym, ...others] = [...userIds].filter((id) => !id.startsWith('aad:'));
    expect(others).toEqual([]);
    expect(pseudonym).toMatch(/^user-[0-9a-f]{16}$/);
    const update = activities.find((activity) => activity.type === 'conversationUpdate')!;
    expect(update.membersAdded).toEqual([{ id: '28:the-bot', name: 'Bot' }, { id: pseudonym, name: 'Alice' }]);
    const event = activities.find((activity) => activity.type === 'event')!;
    expect(event.value.reference).toEqual({ user: { id: pseudonym }, bot: { id: '28:the-bot' } });
  });

  it('is stable for a key and a conversation, and differs with another key or in another conversation', async () => {
    const userIdIn = (activities: Array<Record<string, any>>) => activities.find((activity) => activity.type === 'message' && activity.from.role === 'user')!.from.id as string;
    const once = userIdIn((await record(TEST_USER_ID_KEY)).activities);
    expect(userIdIn((await record(TEST_USER_ID_KEY)).activities)).toBe(once);
    expect(userIdIn((await record(Buffer.alloc(32, 8))).activities)).not.toBe(once);
    expect(userIdIn((await record(TEST_USER_ID_KEY, 'conv-2')).activities)).not.toBe(once);
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
    expect(a).toMatch(/^emulator_-etc-passwd--[0-9a-f]{16}\.transcript$/);
    expect(transcriptFileName('emulator', 'x|y')).not.toBe(transcriptFileName('emulator', 'x/y'));
    expect(transcriptFileName('emulator', 'z'.repeat(500)).length).toBeLessThan(160);
  });

  it('gives the pairs a_b + same and a + b_same two files, and records them apart', async () => {
    expect(transcriptFileName('a', 'b_same')).toBe('a_b_same.transcript');
    expect(transcriptFileName('a_b', 'same')).toMatch(/^a-b_same--[0-9a-f]{16}\.transcript$/);
    const files = new TranscriptFiles({ directory: await temporaryFolder() });
    await files.append('a_b', 'same', [{ type: 'message', text: 'first pair' }]);
    await files.append('a', 'b_same', [{ type: 'message', text: 'second pair' }]);
    expect((await readJson(files.fileFor('a_b', 'same'))).map((x) => x.text)).toEqual(['first pair']);
    expect((await readJson(files.fileFor('a', 'b_same'))).map((x) => x.text)).toEqual(['second pair']);
  });

  it('never gives two pairs one name (every pair of short ids over a tricky alphabet)', () => {
    const alphabet = ['a', '_', '-', '|', 'A'];
    const ids = [''];
    for (let length = 1; length <= 3; length++) {
      for (const id of ids.filter((candidate) => candidate.length === length - 1)) for (const letter of alphabet) ids.push(`${id}${letter}`);
    }
    const byName = new Map<string, string>();
    const problems: string[] = [];
    for (const channel of ids) {
      for (const conversation of ids) {
        const name = transcriptFileName(channel, conversation);
        const pair = JSON.stringify([channel, conversation]);
        if (!/^[A-Za-z0-9_-]+\.transcript$/.test(name)) problems.push(`${pair} → unsafe ${name}`);
        if (byName.has(name)) problems.push(`${pair} and ${byName.get(name)} → ${name}`);
        byName.set(name, pair);
      }
    }
    expect(problems).toEqual([]);
    expect(byName.size).toBe(ids.length ** 2);
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
