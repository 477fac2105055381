/**
 * The processes `npm run bench` compares: our bot (dist/index.js of this checkout), the bare echo bot (echoBot.ts)
 * and, with --checkout, another checkout's build. Each runs as `npm start` would run it: `node <entry>` with PATH,
 * PORT and an empty DATA_DIR and nothing else of this shell's environment, in a folder of its own (index.ts loads
 * `.env` from its working folder). Ready means the first 200 from GET /healthz, polled every 10 ms: one definition
 * for every contender, independent of what each one logs.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { builtEntry } from '../load/nodeChild.js';
import { freePort } from '../shared/freePort.js';

export interface Contender {
  /** ours, echo or before: the table's column. */
  name: string;
  kind: 'bot' | 'echo';
  entry: string;
  /** The checkout the entry belongs to (where `npm start` and `npm run admin` run for it). */
  checkout: string;
}

export interface Running {
  contender: Contender;
  pid: number;
  url: string;
  dataDir: string;
  /** spawn → first 200 from GET /healthz (ms). */
  readyMs: number;
  output(): string;
  stop(): Promise<number | null>;
}

const POLL_MS = 10;
const READY_TIMEOUT_MS = 60_000;
const KEPT_OUTPUT = 32 * 1024;

export function contendersFor(checkout: string | undefined): Contender[] {
  const here = process.cwd();
  const list: Contender[] = [
    { name: 'ours', kind: 'bot', entry: builtEntry('dist/index.js'), checkout: here },
    { name: 'echo', kind: 'echo', entry: builtEntry('dist-tools/tools/bench/echoBot.js'), checkout: here },
  ];
  if (checkout !== undefined) list.push({ name: 'before', kind: 'bot', entry: builtEntry(path.join(checkout, 'dist/index.js')), checkout });
  return list;
}

/** Starts the contender with the given extra settings and waits until it answers GET /healthz. */
export async function startContender(contender: Contender, env: Record<string, string> = {}): Promise<Running> {
  // A port chosen beforehand (env.PORT) is one others had to know first, e.g. the sandbox for the OAuth callback.
  const port = env.PORT !== undefined ? Number(env.PORT) : await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `bench-${contender.name}-`));
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, [contender.entry], {
    cwd: dataDir,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEPT_OUTPUT));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const code = await within(exited, 10_000);
    if (code === 'late') {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
    return code === 'late' ? null : code;
  };
  try {
    const readyMs = (await untilHealthy(url, child)) - started;
    return { contender, pid: child.pid!, url, dataDir, readyMs, output: () => output, stop };
  } catch (error) {
    await stop();
    throw new Error(`${contender.name} (${contender.entry}) did not become ready: ${(error as Error).message}\n${output.slice(-2000)}`);
  }
}

/** performance.now() of the first 200 from GET {url}/healthz. */
export async function untilHealthy(url: string, child: ChildProcess): Promise<number> {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited with ${child.exitCode ?? child.signalCode}`);
    const answered = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      async (response) => {
        await response.arrayBuffer();
        return response.status === 200;
      },
      () => false,
    );
    if (answered) return performance.now();
    await delay(POLL_MS);
  }
  throw new Error(`no 200 from ${url}/healthz within ${READY_TIMEOUT_MS} ms`);
}

/** VmRSS (now) and VmHWM (the peak so far) of a process, in MiB. */
export async function memoryMiB(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** The promise's value, or 'late' after `ms` (the timer cleared either way, so it never holds the process open). */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'late'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The contenders of a round in turn: round 0 in list order, round 1 reversed, and so on. */
export function inRoundOrder<T>(list: T[], round: number): T[] {
  return round % 2 === 0 ? list : [...list].reverse();
}
