/**
 * One bot of the stored-users benchmark: a data folder (or Azurite container) filled with other users before the
 * bot starts, the bot as `npm start` runs it, and the two kinds of turn the benchmark times, with the CPU the bot
 * process (and Azurite, when used) spent on a batch of them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SignInRequestStore } from '../../services/auth/signInRequests.js';
import { AzureRecordStore } from '../../services/storage/azureRecordStore.js';
import { LocalRecordStore } from '../../services/storage/localRecordStore.js';
import { LOCAL_RECORDS_FOLDER } from '../../services/storage/openRecordStore.js';
import type { RecordStore } from '../../services/storage/recordStore.js';
import type { Azurite } from '../shared/azurite.js';
import { freePort } from '../shared/freePort.js';
import { builtEntry, startNodeChild, type NodeChild } from '../load/nodeChild.js';
import { cpuMs, cpuMsIfRunning, settle } from '../load/processCpu.js';
import { TimedChannel, textsOf } from '../load/timedChannel.js';
import { writeStoredUsers } from './storedUserRecords.js';

export const SCENARIOS = ['help', 'sign-in turn'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const TURN_TIMEOUT_MS = 30_000;

export interface BenchBot {
  users: number;
  child: NodeChild;
  url: string;
  records: RecordStore;
  dataDir: string;
  /** Azurite's process with --storage azure: its CPU during a batch is this bot's storage work (the other bot idles). */
  storagePid?: number;
  /** The ongoing conversation `help` is asked in. */
  conversation: TimedChannel;
  /** How long writing the stored users took (s). */
  writeSeconds: number;
  /** One pass of the prune of expired sign-ins over this store, as every instance runs it now and then. */
  prunePass: { cpuMs: number; wallMs: number };
}

export interface Batch {
  cpuMsPerTurn: number;
  /** Azurite's CPU for these turns (--storage azure). */
  storageCpuMsPerTurn?: number;
  latenciesMs: number[];
}

export interface StorageChoice {
  azurite?: Azurite;
  azuritePid?: number;
}

/** Writes `users` other users into a fresh store, then starts the bot on it with npm start's settings. */
export async function startBenchBot(users: number, storage: StorageChoice): Promise<BenchBot> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `bench-users-${users}-`));
  const port = await freePort();
  const env: Record<string, string> = { PORT: String(port), DATA_DIR: dataDir };
  let records: RecordStore;
  if (storage.azurite) {
    const container = `bench-users-${users}-${randomBytes(3).toString('hex')}`;
    env.AZURE_STORAGE_CONNECTION_STRING = storage.azurite.connectionString;
    env.AZURE_STORAGE_CONTAINER = container;
    env.ENCRYPTION_KEY = randomBytes(32).toString('hex');
    records = await AzureRecordStore.open({ connectionString: storage.azurite.connectionString, container });
  } else {
    records = new LocalRecordStore(path.join(dataDir, LOCAL_RECORDS_FOLDER));
  }
  const started = performance.now();
  await writeStoredUsers(records, users);
  const writeSeconds = (performance.now() - started) / 1000;
  const prunePass = await timePrunePass(records);
  const child = await startNodeChild(`bot (${users} users)`, builtEntry('dist/index.js'), env, { readyLine: '"msg":"bot listening"', cwd: dataDir });
  const url = `http://127.0.0.1:${port}`;
  const conversation = new TimedChannel(url);
  await conversation.start();
  return { users, child, url, records, dataDir, storagePid: storage.azuritePid, conversation, writeSeconds, prunePass };
}

/**
 * The bot's own prune (SignInRequestStore.prune) over the store, in this process before the bot starts: it visits
 * every pending sign-in, so unlike a turn its cost grows with the number stored. Nothing has expired yet, so
 * nothing is deleted; with Azure storage the CPU is this process's share only (Azurite's is not counted).
 */
async function timePrunePass(records: RecordStore): Promise<{ cpuMs: number; wallMs: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  await new SignInRequestStore(records).prune();
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started };
}

/** Stops the bot at once and deletes its data folder (tens of thousands of small files: not worth keeping). */
export async function discardBenchBot(bot: BenchBot): Promise<void> {
  await bot.conversation.stop();
  await bot.child.stop('SIGKILL');
  await rm(bot.dataDir, { recursive: true, force: true });
}

/** `turns` turns one after another; CPU from before the first to when the bot is quiet again after the last. */
export async function measure(bot: BenchBot, scenario: Scenario, turns: number): Promise<Batch> {
  const busy = bot.storagePid === undefined ? [bot.child.pid] : [bot.child.pid, bot.storagePid];
  await settle(busy);
  const before = await cpuMs(bot.child.pid);
  const storageBefore = await cpuMsIfRunning(bot.storagePid);
  const latenciesMs: number[] = [];
  for (let turn = 0; turn < turns; turn += 1) latenciesMs.push(await runTurn(bot, scenario));
  await settle(busy);
  const after = await cpuMs(bot.child.pid);
  const storageAfter = await cpuMsIfRunning(bot.storagePid);
  const storageCpuMsPerTurn = storageBefore === undefined || storageAfter === undefined ? undefined : (storageAfter - storageBefore) / turns;
  return { cpuMsPerTurn: (after - before) / turns, storageCpuMsPerTurn, latenciesMs };
}

/**
 * One turn; its wall-clock latency (sent → the reply arrived). `help` continues the bot's one conversation; the
 * sign-in turn is a new person in a new conversation saying `create page`, answered with a sign-in card.
 */
export async function runTurn(bot: BenchBot, scenario: Scenario): Promise<number> {
  if (scenario === 'help') return say(bot.conversation, 'help', /For example/);
  const fresh = new TimedChannel(bot.url);
  await fresh.start();
  try {
    return await say(fresh, 'create page', /Sign in to Confluence/);
  } finally {
    await fresh.stop();
  }
}

async function say(channel: TimedChannel, text: string, expect: RegExp): Promise<number> {
  const from = channel.received.length;
  const sent = performance.now();
  const status = await channel.post({ type: 'message', text });
  if (status >= 300) throw new Error(`/api/messages answered ${status} to "${text}"`);
  const reply = await channel.waitUntil(from, (arrived) => expect.test(textsOf(arrived)), TURN_TIMEOUT_MS, `${expect} after "${text}"`);
  return reply.at - sent;
}
