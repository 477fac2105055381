/**
 * A conversation recorded by the real app with TRANSCRIPTS_DIR holds the user's id only as a pseudonym (one, the
 * same throughout the file), keeps the bot's id, and still replays: the replayer reads roles, not ids.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningApp } from '../../app.js';
import type { ReplayChannel } from '../../tools/replay/channel.js';
import { runReplayCommand } from '../../tools/replay/run.js';
import { startRecordingApp, type RecordingApp } from '../helpers/recordingApp.js';

describe('a recorded conversation', () => {
  let app: RunningApp;
  let channel: ReplayChannel;
  let transcripts: string;
  let recording: RecordingApp;

  beforeAll(async () => {
    recording = await startRecordingApp('pseudonymised');
    ({ app, channel, transcripts } = recording);
  });

  afterAll(() => recording?.close());

  it("holds the user's id only as one keyed pseudonym, keeps the bot's, and replays", async () => {
    await channel.post({ type: 'conversationUpdate', membersAdded: [channel.bot, { id: channel.user.id }] });
    for (const text of ['help', 'status']) {
      const before = channel.received.length;
      await channel.post({ type: 'message', text });
      await channel.waitFor(before, (arrived) => arrived.length >= 1, 5000);
    }
    await app.close(); // every turn written

    const [file, ...others] = await readdir(transcripts);
    expect(others).toEqual([]);
    const text = await readFile(path.join(transcripts, file!), 'utf8');
    expect(text).not.toContain(channel.user.id);
    // `any`: transcript JSON; the assertions read the account fields.
    const activities = JSON.parse(text) as Array<Record<string, any>>;
    const userIds = new Set<string>();
    for (const activity of activities) {
      const [user, bot] = activity.from.role === 'bot' ? [activity.recipient, activity.from] : [activity.from, activity.recipient];
      userIds.add(user.id);
      expect(bot.id).toBe(channel.bot.id);
    }
    expect([...userIds]).toEqual([expect.stringMatching(/^user-[0-9a-f]{16}$/)]);
    const update = activities.find((activity) => activity.type === 'conversationUpdate')!;
    expect(update.membersAdded.map((member: { id: string }) => member.id)).toEqual([channel.bot.id, [...userIds][0]]);

    const lines: string[] = [];
    const code = await runReplayCommand([path.join(transcripts, file!)], { write: (line) => lines.push(line) });
    expect({ code, report: lines.join('\n') }).toEqual({ code: 0, report: expect.stringContaining('1 passed, 0 failed') });
  }, 60_000);
});
