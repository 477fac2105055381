/**
 * `npm run load`: drives concurrent conversations over HTTP through the Emulator protocol against the bot as
 * `npm start` runs it (a child process on the sandbox, user mode). Each conversation asks for a page, signs in
 * through the sandbox's consent page like a person, and creates it. Then it checks that every page exists exactly
 * once and that every storage file still parses, and prints throughput and turn latency percentiles.
 *
 * Options: --conversations N (default 200), --port P (default a free one). Exits non-zero on any failure.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { signInThroughBrowser } from '../replay/browserSignIn.js';
import { ChannelActivity, ReplayChannel } from '../replay/channel.js';
import { freePort } from '../shared/freePort.js';

interface ConversationResult {
  ok: boolean;
  error?: string;
  turnLatenciesMs: number[];
}

const TURN_TIMEOUT_MS = 60_000;

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { conversations: { type: 'string', default: '200' }, port: { type: 'string' } } });
  const count = Number(values.conversations);
  if (!Number.isInteger(count) || count < 1 || count > 2000) {
    console.error('usage: npm run load -- [--conversations N (1-2000)] [--port P]');
    return 2;
  }
  const entry = path.resolve('dist/index.js');
  if (!existsSync(entry)) {
    console.error('dist/index.js is missing: run `npm run build` first (npm run load does).');
    return 2;
  }
  const port = values.port ? Number(values.port) : await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'load-'));
  const bot = await startBot(entry, { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', OAUTH_RATE_LIMIT_PER_MINUTE: '100000' });
  const url = `http://127.0.0.1:${port}`;
  console.log(`Bot started (pid ${bot.pid}) on ${url}, data in ${dataDir}. Running ${count} concurrent conversations…`);

  const started = Date.now();
  const results = await Promise.all(Array.from({ length: count }, (_, index) => converse(url, index)));
  const elapsedMs = Date.now() - started;

  bot.kill('SIGTERM');
  const exitCode = await new Promise<number | null>((resolve) => bot.on('exit', (code) => resolve(code)));

  const failures = results.filter((result) => !result.ok);
  const latencies = results.flatMap((result) => result.turnLatenciesMs).sort((a, b) => a - b);
  const titles = await createdTitleCounts(dataDir);
  const missing = Array.from({ length: count }, (_, index) => titleOf(index)).filter((title) => (titles.get(title) ?? 0) === 0);
  const duplicated = [...titles.entries()].filter(([, seen]) => seen > 1).map(([title]) => title);
  const corrupted = await unreadableFiles(dataDir);

  console.log('');
  console.log(`conversations:        ${count}`);
  console.log(`pages created:        ${[...titles.values()].reduce((a, b) => a + b, 0)} (expected ${count}; missing ${missing.length}, duplicated ${duplicated.length})`);
  console.log(`conversation errors:  ${failures.length}${failures.length ? ` (first: ${failures[0]!.error})` : ''}`);
  console.log(`storage files broken: ${corrupted.length}${corrupted.length ? ` (${corrupted.slice(0, 3).join(', ')})` : ''}`);
  console.log(`turns:                ${latencies.length} in ${(elapsedMs / 1000).toFixed(1)} s = ${(latencies.length / (elapsedMs / 1000)).toFixed(1)} turns/s`);
  console.log(`turn latency (ms):    p50 ${percentile(latencies, 50)}  p95 ${percentile(latencies, 95)}  p99 ${percentile(latencies, 99)}  max ${latencies.at(-1) ?? 0}`);
  console.log(`bot exit on SIGTERM:  ${exitCode}`);
  const ok = failures.length === 0 && missing.length === 0 && duplicated.length === 0 && corrupted.length === 0 && exitCode === 0;
  console.log(ok ? 'RESULT: ok' : 'RESULT: FAILED');
  return ok ? 0 : 1;
}

function titleOf(index: number): string {
  return `Load test page ${String(index + 1).padStart(4, '0')}`;
}

/** One person's journey: ask, sign in, answer, confirm; each turn timed from the request to its last reply. */
async function converse(url: string, index: number): Promise<ConversationResult> {
  const channel = new ReplayChannel(url);
  const turnLatenciesMs: number[] = [];
  await channel.start();
  const turn = async (text: string, expect: RegExp): Promise<ChannelActivity[]> => {
    const from = channel.received.length;
    const started = Date.now();
    const status = await channel.post({ type: 'message', text });
    if (status >= 300) throw new Error(`/api/messages answered ${status} to "${text}"`);
    const replies = await channel.waitFor(from, (arrived) => expect.test(texts(arrived)), TURN_TIMEOUT_MS);
    if (!expect.test(texts(replies))) throw new Error(`no ${expect} after "${text}": ${texts(replies).slice(0, 200)}`);
    turnLatenciesMs.push(Date.now() - started);
    return replies;
  };
  try {
    const signIn = await turn(`create a page called ${titleOf(index)} in DEMO`, /Sign in to Confluence|sign in/i);
    const link = signInLink(signIn);
    const from = channel.received.length;
    const started = Date.now();
    const trail = await signInThroughBrowser(link);
    if (trail.callbackStatus !== 200) throw new Error(`the OAuth callback answered ${trail.callbackStatus}`);
    const resumed = await channel.waitFor(from, (arrived) => /Markdown/.test(texts(arrived)), TURN_TIMEOUT_MS);
    if (!/Markdown/.test(texts(resumed))) throw new Error('the conversation did not resume after sign-in');
    turnLatenciesMs.push(Date.now() - started);
    await turn(`Written by load conversation ${index + 1}.`, /Ready to create/);
    await turn('Create', /Done!/);
    return { ok: true, turnLatenciesMs };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), turnLatenciesMs };
  } finally {
    await channel.stop();
  }
}

function texts(activities: ChannelActivity[]): string {
  return JSON.stringify(activities.map((activity) => [activity.text, activity.attachments]));
}

function signInLink(activities: ChannelActivity[]): string {
  const match = /"(http[^"]+\/oauth\/start\?id=[^"]+)"/.exec(JSON.stringify(activities));
  if (!match) throw new Error('no sign-in link in the reply');
  return match[1]!;
}

async function createdTitleCounts(dataDir: string): Promise<Map<string, number>> {
  const sandbox = JSON.parse(await readFile(path.join(dataDir, 'sandbox.json'), 'utf8')) as { contents: Array<{ title: string }> };
  const counts = new Map<string, number>();
  for (const { title } of sandbox.contents) {
    if (title.startsWith('Load test page ')) counts.set(title, (counts.get(title) ?? 0) + 1);
  }
  return counts;
}

/** Every JSON file the bot and the sandbox wrote must still parse. */
async function unreadableFiles(dataDir: string): Promise<string[]> {
  const files = [
    path.join(dataDir, 'bot.json'),
    path.join(dataDir, 'sandbox.json'),
    ...(await readdir(path.join(dataDir, 'state'))).map((name) => path.join(dataDir, 'state', name)),
  ];
  const broken: string[] = [];
  for (const file of files) {
    try {
      JSON.parse(await readFile(file, 'utf8'));
    } catch {
      broken.push(path.basename(file));
    }
  }
  return broken;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}


async function startBot(entry: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 30_000;
  while (!output.includes('"msg":"bot listening"')) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the bot did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return child;
}

process.exitCode = await main();
