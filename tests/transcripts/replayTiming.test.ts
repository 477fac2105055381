/**
 * A transcript recorded elsewhere (another bot, another version) has replies this bot never sends. Replay must
 * decide such a turn once the bot's turn has ended and it stayed quiet, not wait out the per-turn timeout.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { replayTurns } from '../../tools/replay/replayer.js';
import { runReplayCommand } from '../../tools/replay/run.js';
import { resolveSetup, setupFromFolder, setupFromWelcome } from '../../tools/replay/setup.js';
import { parseTranscript, toTurns } from '../../tools/replay/transcript.js';

const user = { id: 'user-1', name: 'User', role: 'user' };
const bot = { id: 'bot-1', name: 'Bot', role: 'bot' };

/** Three turns, each expecting two replies this bot never gives. */
function foreignTranscript(index: number): string {
  const activities: unknown[] = [{ type: 'conversationUpdate', channelId: 'emulator', from: user, recipient: bot, membersAdded: [bot, user] }];
  activities.push({ type: 'message', from: bot, recipient: user, text: `Welcome to another bot (${index}).` });
  activities.push({ type: 'message', from: bot, recipient: user, text: 'It says more than ours.' });
  for (const text of ['hello', 'what can you do?']) {
    activities.push({ type: 'message', from: user, recipient: bot, text });
    activities.push({ type: 'message', from: bot, recipient: user, text: `Another bot answers "${text}".` });
    activities.push({ type: 'message', from: bot, recipient: user, text: 'And adds a second reply.' });
  }
  return JSON.stringify(activities, null, 2);
}

describe('replaying transcripts whose replies never come', () => {
  it('decides each turn when the bot has finished, so 5 foreign files take well under 10 s', async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'foreign-transcripts-'));
    try {
      for (let i = 1; i <= 5; i++) await writeFile(path.join(folder, `foreign-${i}.transcript`), foreignTranscript(i));
      const lines: string[] = [];
      const started = Date.now();
      const code = await runReplayCommand([folder], { cwd: folder, write: (line) => lines.push(line) });
      const elapsed = Date.now() - started;
      // The figure for the notes (before: the full 10 s timeout per turn).
      process.stdout.write(`5 foreign transcripts (15 turns) replayed in ${elapsed} ms\n`);
      expect(code).toBe(1);
      expect(lines.filter((line) => line.startsWith('FAIL'))).toHaveLength(5);
      expect(lines.join('\n')).toContain('expected 2 replies, got 1');
      expect(elapsed).toBeLessThan(10_000);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  }, 240_000);

  it('decides a sign-in turn once the resumed turn has replied and gone quiet, not after the timeout', async () => {
    const file = path.resolve('tests/transcripts/user-mode/create-page-with-sign-in.transcript');
    const recorded = parseTranscript(await readFile(file, 'utf8'));
    // One more reply after the sign-in than the bot sends: the proactive turn's replies never reach that count.
    const signIn = recorded.findIndex((activity) => activity.type === 'event' && activity.name === 'confluence/signInCompleted');
    const lastOfTurn = recorded.findIndex((activity, index) => index > signIn && activity.from?.role === 'user') - 1;
    const extra = { ...recorded[lastOfTurn]!, text: 'A reply this bot never sends.' };
    const altered = [...recorded.slice(0, lastOfTurn + 1), extra, ...recorded.slice(lastOfTurn + 1)];
    const setup = resolveSetup(setupFromWelcome(altered), setupFromFolder(file));
    const started = Date.now();
    const result = await replayTurns(toTurns(altered), altered, { setup });
    const elapsed = Date.now() - started;
    process.stdout.write(`sign-in journey with a missing proactive reply replayed in ${elapsed} ms\n`);
    expect(result.turns.filter((turn) => turn.differences.length > 0)).toEqual([
      expect.objectContaining({ description: 'sign-in in the browser: accept', differences: expect.arrayContaining(['expected 3 replies, got 2']) }),
    ]);
    expect(elapsed).toBeLessThan(8_000);
  }, 60_000);
});
