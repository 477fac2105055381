/**
 * `npm run bench:users`: does a turn cost more when the bot's store holds many other users? Two bots run side by
 * side with `npm start`'s settings (embedded sandbox, local storage, user mode): one whose store holds 10 other
 * users, one holding 10,000, each user a token and a pending sign-in (storedUserRecords.ts). Alternating between
 * the two for several rounds, it measures over HTTP as the Emulator talks (benchBot.ts):
 *
 * - `help` in an ongoing conversation;
 * - the sign-in turn: a fresh conversation saying `create page`, answered with a sign-in card (a token look-up that
 *   misses, a pending sign-in written, the conversation's first state saved).
 *
 * CPU is the bot process's own (utime + stime from /proc/<pid>/stat), read before a batch of turns and again once
 * the process has gone quiet after it, so work a turn leaves running in the background is counted. Prints a table
 * (median of the rounds) with the ratio 10,000 vs 10, and one JSON line.
 *
 * Options: --rounds N (default 3), --turns N per scenario and round (default 200), --warmup N per scenario
 * (default 100), --storage local|azure (default local; azure: both bots on their own container in Azurite), --many N
 * (the big store, default 10,000; fewer only for a quick run). `npm run bench` runs it as its `users` scenario.
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { SIGN_INS_PREFIX } from '../../services/auth/records.js';
import { startAzurite } from '../shared/azurite.js';
import { builtEntry, MissingBuildError } from '../load/nodeChild.js';
import { childPidsRunning, clockTicks, cpuMs, cpuMsIfRunning, machineBusyMs } from '../load/processCpu.js';
import { discardBenchBot, measure, runTurn, SCENARIOS, startBenchBot, type BenchBot, type StorageChoice } from './benchBot.js';
import { Batches, printTable, round2 } from './storedUsersReport.js';

const FEW = 10;

interface Options {
  rounds: number;
  turns: number;
  warmup: number;
  storage: 'local' | 'azure';
  /** The big store's size: 10,000 unless a quick run (the bench suite's own test) asks for fewer. */
  many: number;
}

const USAGE = 'usage: npm run bench:users -- [--rounds N] [--turns N] [--warmup N] [--storage local|azure] [--many N]';

async function main(args: string[]): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(args);
    builtEntry('dist/index.js');
  } catch (error) {
    console.error(error instanceof MissingBuildError ? error.message : `${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const storage: StorageChoice = {};
  if (options.storage === 'azure') {
    storage.azurite = await startAzurite();
    [storage.azuritePid] = await childPidsRunning('azurite');
  }
  const bots: BenchBot[] = [];
  try {
    printHeader(options, storage);
    for (const users of [FEW, options.many]) {
      const bot = await startBenchBot(users, storage);
      bots.push(bot);
      console.log(`  ${label(users)}: written in ${round1(bot.writeSeconds)} s; bot pid ${bot.child.pid} on ${bot.url}, records in ${bot.records.location}`);
    }
    return await run(options, bots, storage);
  } finally {
    for (const bot of bots) await discardBenchBot(bot);
    await storage.azurite?.stop();
  }
}

async function run(options: Options, bots: BenchBot[], storage: StorageChoice): Promise<number> {
  console.log('Pass over the pending sign-ins that prunes expired ones (each instance, every 10 minutes; timed before the bot started):');
  for (const bot of bots) console.log(`  ${label(bot.users)}: ${round1(bot.prunePass.cpuMs)} ms CPU, ${round1(bot.prunePass.wallMs)} ms`);
  console.log('First sign-in turn after start (cold):');
  const firstSignIn: Record<number, { cpuMs: number; azuriteCpuMs?: number; latencyMs: number }> = {};
  for (const bot of bots) {
    const first = await measure(bot, 'sign-in turn', 1);
    firstSignIn[bot.users] = { cpuMs: round1(first.cpuMsPerTurn), azuriteCpuMs: first.storageCpuMsPerTurn, latencyMs: round1(first.latenciesMs[0]!) };
    const azurite = first.storageCpuMsPerTurn === undefined ? '' : ` (Azurite ${round1(first.storageCpuMsPerTurn)} ms CPU)`;
    console.log(`  ${label(bot.users)}: ${round1(first.cpuMsPerTurn)} ms CPU${azurite}, ${round1(first.latenciesMs[0]!)} ms`);
  }
  for (const bot of bots) {
    for (const scenario of SCENARIOS) for (let turn = 0; turn < options.warmup; turn += 1) await runTurn(bot, scenario);
  }

  const batches = new Batches();
  const machineBefore = await machineBusyMs();
  const ownBefore = process.cpuUsage();
  const oursBefore = await cpuOfOurs(bots, storage);
  const measuredFrom = performance.now();
  for (let roundIndex = 0; roundIndex < options.rounds; roundIndex += 1) {
    // Alternate which bot goes first, so a drift of the machine (another process, the JIT) is shared by both.
    const order = roundIndex % 2 === 0 ? bots : [...bots].reverse();
    const line: string[] = [];
    for (const scenario of SCENARIOS) {
      for (const bot of order) {
        const batch = await measure(bot, scenario, options.turns);
        batches.add(scenario, bot.users, batch);
        line.push(`${scenario} ${label(bot.users)} ${round2(batch.cpuMsPerTurn)} ms`);
      }
    }
    console.log(`round ${roundIndex + 1}: ${line.join(', ')}`);
  }
  // Another process competing for the two cores slows every turn a little (caches, frequency): say how busy it was.
  const own = process.cpuUsage(ownBefore);
  const outsideMs = (await machineBusyMs()) - machineBefore - ((await cpuOfOurs(bots, storage)) - oursBefore) - (own.user + own.system) / 1000;
  const otherProcessesCpuSeconds = round1(Math.max(0, outsideMs) / 1000);
  console.log(`rounds took ${round1((performance.now() - measuredFrom) / 1000)} s; CPU of processes outside this benchmark meanwhile: ${otherProcessesCpuSeconds} s`);

  const figures = batches.figures(FEW, options.many);
  console.log('');
  printTable(figures, label(FEW), label(options.many));
  const pending = await Promise.all(bots.map(async (bot) => (await bot.records.listKeys(SIGN_INS_PREFIX)).length));
  console.log(
    `pending sign-ins at the end: ${bots.map((bot, index) => `${label(bot.users)}' store ${pending[index]}`).join(', ')} ` +
      '(every sign-in turn leaves one, as a person who never opens the link does)',
  );
  const exitCodes = await Promise.all(bots.map((bot) => bot.child.stop('SIGTERM')));
  console.log(`exit on SIGTERM: ${exitCodes.join(', ')}`);
  console.log(
    JSON.stringify({
      bench: 'storedUsers',
      storage: options.storage,
      rounds: options.rounds,
      turns: options.turns,
      warmup: options.warmup,
      clockTicksPerSecond: clockTicks().perSecond,
      storedUsers: [FEW, options.many],
      results: figures.map(({ scenario, few, many, cpuRatio, latencyRatio, azuriteCpuRatio }) => ({
        scenario,
        [FEW]: few,
        [options.many]: many,
        cpuRatio,
        latencyRatio,
        azuriteCpuRatio,
      })),
      firstSignIn,
      prunePass: Object.fromEntries(bots.map((bot) => [bot.users, { cpuMs: round1(bot.prunePass.cpuMs), wallMs: round1(bot.prunePass.wallMs) }])),
      pendingSignInsAtEnd: pending,
      otherProcessesCpuSeconds,
      exitCodes,
    }),
  );
  return exitCodes.every((code) => code === 0) ? 0 : 1;
}

function printHeader(options: Options, storage: StorageChoice): void {
  const ticks = clockTicks();
  console.log(`Stored users: ${label(FEW)} vs ${label(options.many)} (a token and a pending sign-in each), ${options.storage} storage`);
  console.log(`  ${options.rounds} rounds × ${options.turns} turns per scenario and bot, after ${options.warmup} warm-up turns; the bots alternate`);
  console.log(
    `  CPU: utime + stime of the bot process from /proc/<pid>/stat, ${ticks.perSecond} clock ticks a second` +
      (ticks.assumed ? ' (assumed: getconf CLK_TCK failed)' : ' (getconf CLK_TCK)'),
  );
  console.log(`  machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} before the run`);
  console.log('Settings changed from the defaults (each bot):');
  console.log('  PORT=<a free port>: two bots side by side, and one already on 3978 is left alone');
  console.log('  DATA_DIR=<an empty folder>: the stored users are written there before the bot starts');
  if (storage.azurite) {
    console.log(`  AZURE_STORAGE_CONNECTION_STRING=Azurite at ${storage.azurite.blobUrl}, AZURE_STORAGE_CONTAINER=<one per bot>: --storage azure`);
    console.log('  ENCRYPTION_KEY=<random>: required with Azure storage');
  }
}

/** CPU the two bots and Azurite have used so far (ms). */
async function cpuOfOurs(bots: BenchBot[], storage: StorageChoice): Promise<number> {
  const used = await Promise.all(bots.map((bot) => cpuMs(bot.child.pid)));
  return used.reduce((sum, value) => sum + value, 0) + ((await cpuMsIfRunning(storage.azuritePid)) ?? 0);
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      rounds: { type: 'string', default: '3' },
      turns: { type: 'string', default: '200' },
      warmup: { type: 'string', default: '100' },
      storage: { type: 'string', default: 'local' },
      many: { type: 'string', default: '10000' },
    },
  });
  const storage = values.storage;
  if (storage !== 'local' && storage !== 'azure') throw new Error(`--storage must be local or azure, not "${storage}"`);
  return {
    rounds: integer('--rounds', values.rounds, 1, 50),
    turns: integer('--turns', values.turns, 1, 100_000),
    warmup: integer('--warmup', values.warmup, 0, 100_000),
    storage,
    many: integer('--many', values.many, FEW + 1, 1_000_000),
  };
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}

function label(users: number): string {
  return `${users.toLocaleString('en-US')} users`;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

process.exitCode = await main(process.argv.slice(2));
