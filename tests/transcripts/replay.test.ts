/**
 * Replays every recorded journey in this folder against a fresh bot (see tools/replay/) and expects the bot to say
 * exactly what the recording says. A change of wording fails here; `npm run transcripts:record` re-records.
 */
import { mkdtemp, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runReplayCommand } from '../../tools/replay/run.js';
import { replayTurns } from '../../tools/replay/replayer.js';
import { resolveSetup, setupFromFolder, setupFromWelcome } from '../../tools/replay/setup.js';
import { parseTranscript, toTurns, TranscriptActivity } from '../../tools/replay/transcript.js';

const folder = path.resolve('tests/transcripts');

async function recordedTranscripts(): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.transcript')).map((e) => path.relative(folder, path.join(e.parentPath, e.name))).sort();
}

async function replay(file: string, activities?: TranscriptActivity[]) {
  const parsed = activities ?? parseTranscript(await readFile(path.join(folder, file), 'utf8'));
  const setup = resolveSetup(setupFromWelcome(parsed), setupFromFolder(path.join(folder, file)));
  return replayTurns(toTurns(parsed), parsed, { setup });
}

describe('recorded transcripts replay without a difference', () => {
  it('covers both dialogs, every authorization set-up, interruptions and errors', async () => {
    const files = await recordedTranscripts();
    expect(new Set(files.map((f) => path.dirname(f)))).toEqual(new Set(['user-mode', 'preauthorized', 'custom-user-mode', 'custom-preauthorized']));
    const all = (await Promise.all(files.map((f) => readFile(path.join(folder, f), 'utf8')))).join('\n');
    for (const phrase of ['confluence/signInCompleted', 'has 3,000 pages', 'Say **more**', 'already exists', 'characters long', 'Right now', 'Cancelled.', 'Done! The blog post', '"createContentForm"', '"outcome": "denied"', 'Done! Your comment is on', 'Done! Added to', 'Did you mean one of these?']) {
      expect({ phrase, found: all.includes(phrase) }).toEqual({ phrase, found: true });
    }
  });

  it.each([
    'user-mode/create-page-with-sign-in.transcript',
    'user-mode/create-page-with-the-form.transcript',
    'user-mode/sign-in-interrupted-then-declined.transcript',
    'preauthorized/create-blog-post-from-one-sentence.transcript',
    'preauthorized/list-pages-more-and-filter.transcript',
    'preauthorized/interruptions.transcript',
    'preauthorized/errors.transcript',
    'custom-user-mode/create-page-with-custom-profile.transcript',
    'custom-preauthorized/status-and-list.transcript',
    'preauthorized/find-read-comment-add.transcript',
    'user-mode/find-with-sign-in-and-bad-input.transcript',
  ])('%s', async (file) => {
    const result = await replay(file);
    expect(result.turns.filter((t) => t.differences.length > 0)).toEqual([]);
    expect(result.turns.length).toBeGreaterThan(3);
  }, 60_000);

  it('lists exactly the files replayed above', async () => {
    expect(await recordedTranscripts()).toHaveLength(11);
  });
});

describe('replaying what the Emulator saves', () => {
  it('replays an Emulator-style save of a sign-in journey: no sign-in event, roles left off, traces, wrapped in an object', async () => {
    const recorded = parseTranscript(await readFile(path.join(folder, 'user-mode/create-page-with-sign-in.transcript'), 'utf8'));
    const botId = recorded.find((a) => a.from?.role === 'bot')!.from!.id!;
    const asTheEmulatorSavesIt = recorded
      .filter((a) => a.type !== 'event')
      .flatMap((a) => [
        a.type === 'conversationUpdate' ? { ...a, from: { id: a.from?.id, name: 'User' } } : a,
        ...(a.from?.role === 'bot' ? [{ type: 'trace', name: 'BotState', label: 'Bot State', from: { id: botId, role: 'bot' } }] : []),
      ]);
    const text = JSON.stringify({ transcript: asTheEmulatorSavesIt }, null, 2);
    const result = await replay('user-mode/emulator-save.transcript', parseTranscript(text));
    expect(result.turns.map((t) => t.description)).toContain('sign-in in the browser: accept');
    expect(result.turns.filter((t) => t.differences.length > 0)).toEqual([]);
  }, 60_000);
});

describe('npm run replay', () => {
  it('reports the turn where a deliberately altered transcript differs, and exits non-zero', async () => {
    const original = await readFile(path.join(folder, 'preauthorized/create-blog-post-from-one-sentence.transcript'), 'utf8');
    expect(original).toContain('Now the content, in Markdown');
    const work = await mkdtemp(path.join(os.tmpdir(), 'altered-'));
    await mkdir(path.join(work, 'preauthorized'));
    await writeFile(path.join(work, 'preauthorized', 'altered.transcript'), original.replace('Now the content, in Markdown', 'Now the body, in Markdown'));
    const lines: string[] = [];
    const code = await runReplayCommand([work], { cwd: work, write: (line) => lines.push(line) });
    expect(code).toBe(1);
    const output = lines.join('\n');
    expect(output).toMatch(/FAIL preauthorized\/altered\.transcript \(1 of 4 turns differ; system, preauthorized mode\)/);
    expect(output).toMatch(/turn 2 \(user: "new blog post in DEMO titled Sprint 12"\):\n {4}reply 1 text: expected "Now the body, in Markdown/);
    expect(lines.slice(-2)).toEqual(['1 transcript, 4 turns: 3 matched, 1 differed', '0 passed, 1 failed']);
  }, 60_000);

  it('refuses bad arguments with the usage and exit code 2', async () => {
    const lines: string[] = [];
    expect(await runReplayCommand(['--mode', 'sometimes', 'x'], { write: (line) => lines.push(line) })).toBe(2);
    expect(lines.join('\n')).toMatch(/--mode must be user or preauthorized[\s\S]*Usage: npm run replay/);
    expect(await runReplayCommand([], { write: () => undefined })).toBe(2);
    expect(await runReplayCommand(['/no/such/place'], { write: () => undefined })).toBe(2);
  });
});
