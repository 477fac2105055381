/**
 * The `startup` scenario:
 * - `node <entry>` of each contender, spawn → the first 200 from GET /healthz (polled every 10 ms), several times,
 *   alternating; idle RSS (VmRSS) half a second after ready;
 * - `npm start` in each bot contender's checkout (its prestart build included, on an unchanged checkout), spawn →
 *   ready by the same definition;
 * - `npm run admin -- status` in each bot contender's checkout, spawn → exit.
 *
 * npm gets PATH, HOME (its cache and config) and the bot's PORT and DATA_DIR, nothing else of this environment.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { freePort } from '../../shared/freePort.js';
import { delay, inRoundOrder, memoryMiB, startContender, untilHealthy, within, type Contender } from '../contenders.js';

export interface StartupFigures {
  readyMs: number[];
  idleRssMiB: number[];
  /** Bot contenders only. */
  npmStartReadyMs?: number[];
  adminStatusMs?: number[];
}

const IDLE_SETTLE_MS = 500;
const NPM_TIMEOUT_MS = 120_000;

export async function runStartup(contenders: Contender[], settings: { rounds: number; npmRuns: number }, log: (line: string) => void): Promise<Record<string, StartupFigures>> {
  const figures: Record<string, StartupFigures> = Object.fromEntries(contenders.map((contender) => [contender.name, { readyMs: [], idleRssMiB: [] }]));
  for (let round = 0; round < settings.rounds; round += 1) {
    const line: string[] = [];
    for (const contender of inRoundOrder(contenders, round)) {
      const running = await startContender(contender);
      try {
        await delay(IDLE_SETTLE_MS);
        const { rss } = await memoryMiB(running.pid);
        figures[contender.name]!.readyMs.push(running.readyMs);
        figures[contender.name]!.idleRssMiB.push(rss);
        line.push(`${contender.name} ready ${Math.round(running.readyMs)} ms, idle RSS ${rss.toFixed(0)} MiB`);
      } finally {
        await running.stop();
      }
    }
    log(`  startup round ${round + 1}: ${line.join('; ')}`);
  }
  // npm builds before it starts: a few runs are enough to show whether an unchanged checkout skips the compile.
  for (let round = 0; round < settings.npmRuns; round += 1) {
    for (const contender of inRoundOrder(contenders.filter((candidate) => candidate.kind === 'bot'), round)) {
      const started = await npmStartReadyMs(contender.checkout);
      const admin = await adminStatusMs(contender.checkout);
      const entry = figures[contender.name]!;
      (entry.npmStartReadyMs ??= []).push(started);
      (entry.adminStatusMs ??= []).push(admin);
      log(`  npm round ${round + 1}: ${contender.name} npm start ready ${Math.round(started)} ms, npm run admin -- status ${Math.round(admin)} ms`);
    }
  }
  return figures;
}

async function npmStartReadyMs(checkout: string): Promise<number> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-npm-start-'));
  const started = performance.now();
  // Its own process group: npm starts a shell that starts node, and the whole group is stopped together.
  const child = spawn('npm', ['start'], { cwd: checkout, env: npmEnv({ PORT: String(port), DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stopGroup = () => {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // The group has already gone.
    }
  };
  // Ctrl-C reaches this process's group only: the bot npm started would be left running.
  const interrupted = () => {
    stopGroup();
    process.exit(130);
  };
  process.once('SIGINT', interrupted);
  try {
    return (await untilHealthy(`http://127.0.0.1:${port}`, child)) - started;
  } catch (error) {
    throw new Error(`npm start in ${checkout}: ${(error as Error).message}\n${output}`);
  } finally {
    process.off('SIGINT', interrupted);
    stopGroup();
    await within(exited, 10_000);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function adminStatusMs(checkout: string): Promise<number> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-admin-'));
  const started = performance.now();
  const child = spawn('npm', ['run', 'admin', '--', 'status'], { cwd: checkout, env: npmEnv({ DATA_DIR: dataDir }), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), NPM_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  await rm(dataDir, { recursive: true, force: true });
  if (code !== 0) throw new Error(`npm run admin -- status in ${checkout} exited with ${code}:\n${output}`);
  return performance.now() - started;
}

function npmEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', ...(process.env.HOME === undefined ? {} : { HOME: process.env.HOME }), ...extra };
}
