/**
 * What a load run found, from the raw observations (run.ts): the checks (every page exactly once, no failed
 * conversation, no broken record, clean exits) and the figures (throughput, latencies, CPU), printed for a person and
 * as one JSON line for a script.
 */
import os from 'node:os';
import { MESSAGE_TURNS, type JourneyResult, type MessageTurn } from './journey.js';
import type { LoadOptions } from './options.js';
import { describeSummary, summarize, type LatencySummary } from './percentiles.js';
import type { StorageCheck } from './storageCheck.js';
import type { ChangedSetting } from './topology.js';

export const TITLE_PREFIX = 'Load test page ';

export function titleOf(index: number): string {
  return `${TITLE_PREFIX}${String(index + 1).padStart(4, '0')}`;
}

export function warmupTitleOf(index: number): string {
  return `${TITLE_PREFIX}warm-up ${String(index + 1).padStart(4, '0')}`;
}

/** CPU used so far (ms) by each process of the topology; undefined for one that is not there. */
export interface CpuReading {
  bots: Array<number | undefined>;
  sandbox?: number;
  azurite?: number;
}

export interface Observations {
  options: LoadOptions;
  changedSettings: ChangedSetting[];
  botNames: string[];
  /** False with one local instance: its sandbox runs inside the bot, and its CPU is the bot's. */
  standaloneSandbox: boolean;
  warmups: JourneyResult[];
  results: JourneyResult[];
  elapsedMs: number;
  cpuBefore: CpuReading;
  cpuAfter: CpuReading;
  /** This process (conversations, and the load balancer when there is one). */
  loadGeneratorCpuMs: number;
  loadGeneratorEventLoopDelayP99Ms: number;
  /** Busy CPU of the whole machine during the run (all processes, all cores). */
  machineBusyMs: number;
  clockTicksPerSecond: number;
  exitCodes: { bots: Array<number | null>; sandbox?: number | null };
  titles: string[];
  storage: StorageCheck;
}

/** Prints the report; true when every check passed. */
export function printReport(run: Observations): boolean {
  const { options, results, warmups, storage, exitCodes } = run;
  const expected = [...warmups.map((_, index) => warmupTitleOf(index)), ...results.map((_, index) => titleOf(index))];
  const pages = pageCounts(run.titles, expected);
  const named = [
    ...warmups.map((result, index) => ({ result, name: `warm-up conversation ${index + 1}` })),
    ...results.map((result, index) => ({ result, name: `conversation ${index + 1}` })),
  ];
  const errors = named.filter(({ result }) => !result.ok).length;
  const failed = named.find(({ result }) => !result.ok);

  // Figures: the measured conversations only.
  const turnLatency = summarize(results.flatMap((result) => Object.values(result.turnLatenciesMs)));
  const byTurn = Object.fromEntries(
    MESSAGE_TURNS.map((name) => [name, summarize(results.flatMap((result) => result.turnLatenciesMs[name] ?? []))]),
  ) as Record<MessageTurn, LatencySummary>;
  const signInResumed = summarize(results.flatMap((result) => (result.signInResumedMs === undefined ? [] : [result.signInResumedMs])));
  const turns = turnLatency.count + signInResumed.count;
  const seconds = run.elapsedMs / 1000;
  const turnsPerSecond = round(turns / seconds, 1);

  const used = (before: number | undefined, after: number | undefined) =>
    before === undefined || after === undefined ? undefined : round((after - before) / 1000, 2);
  const botCpu = run.botNames.map((bot, index) => ({ bot, seconds: used(run.cpuBefore.bots[index], run.cpuAfter.bots[index]) }));
  const botCpuSeconds = round(botCpu.reduce((sum, bot) => sum + (bot.seconds ?? 0), 0), 2);
  const botCpuMsPerTurn = turns === 0 ? 0 : round((botCpuSeconds * 1000) / turns, 2);
  const sandboxSeconds = used(run.cpuBefore.sandbox, run.cpuAfter.sandbox);
  const azuriteSeconds = used(run.cpuBefore.azurite, run.cpuAfter.azurite);
  const loadGeneratorSeconds = round(run.loadGeneratorCpuMs / 1000, 2);
  const ours = botCpuSeconds + (sandboxSeconds ?? 0) + (azuriteSeconds ?? 0) + loadGeneratorSeconds;
  const machineBusySeconds = round(run.machineBusyMs / 1000, 2);
  const machineCapacitySeconds = round(os.cpus().length * seconds, 2);
  const otherProcessesSeconds = round(Math.max(0, machineBusySeconds - ours), 2);

  const ok =
    errors === 0 &&
    pages.missing.length === 0 &&
    pages.duplicated.length === 0 &&
    storage.broken.length === 0 &&
    exitCodes.bots.every((code) => code === 0) &&
    (exitCodes.sandbox === undefined || exitCodes.sandbox === 0);

  const warmupNote = warmups.length ? `, ${warmups.length} of them warm-up` : '';
  const firstOf = (list: string[]) => (list.length ? ` (${list.slice(0, 3).join(', ')})` : '');
  console.log('');
  console.log(`conversations:          ${options.conversations}`);
  console.log(`pages created:          ${pages.created} (expected ${expected.length}${warmupNote}; missing ${pages.missing.length}, duplicated ${pages.duplicated.length})`);
  console.log(`conversation errors:    ${errors}${failed ? ` (first: ${failed.name}: ${failed.result.error})` : ''}`);
  console.log(
    `storage records broken: ${storage.broken.length} of ${storage.checked} checked${firstOf(storage.broken)}; ` +
      `leftover temporary or lock files: ${storage.leftovers.length}${firstOf(storage.leftovers)}`,
  );
  console.log(`turns:                  ${turns} (${turnLatency.count} messages + ${signInResumed.count} sign-in resumes) in ${round(seconds, 1)} s = ${turnsPerSecond} turns/s`);
  console.log(`turn latency (ms):      ${describeSummary(turnLatency)}   (message sent → awaited reply arrived)`);
  for (const name of MESSAGE_TURNS) console.log(`  ${`${name}:`.padEnd(22)}${describeSummary(byTurn[name])}`);
  console.log(`sign-in → resumed (ms): ${describeSummary(signInResumed)}   (OAuth callback fetched → resumed question arrived)`);
  console.log(
    `bot CPU:                ${botCpuSeconds} s = ${botCpuMsPerTurn} ms per turn (${botCpu.map((bot) => `${bot.bot} ${bot.seconds ?? '?'} s`).join(', ')})` +
      (run.standaloneSandbox ? '' : ', embedded sandbox included'),
  );
  console.log(
    `other CPU:              ${sandboxSeconds !== undefined ? `sandbox ${sandboxSeconds} s, ` : ''}${azuriteSeconds !== undefined ? `Azurite ${azuriteSeconds} s, ` : ''}` +
      `load generator ${loadGeneratorSeconds} s${run.standaloneSandbox ? ' (balancer included)' : ''}, its event-loop delay p99 ${run.loadGeneratorEventLoopDelayP99Ms} ms`,
  );
  console.log(
    `machine CPU:            ${machineBusySeconds} s busy of ${machineCapacitySeconds} s (${os.cpus().length} cores × run time); ` +
      `processes outside this run: ${otherProcessesSeconds} s`,
  );
  console.log(
    `exit on SIGTERM:        ${run.botNames.map((bot, index) => `${bot} ${exitCodes.bots[index]}`).join(', ')}` +
      (exitCodes.sandbox !== undefined ? `, sandbox ${exitCodes.sandbox}` : ''),
  );
  console.log(ok ? 'RESULT: ok' : 'RESULT: FAILED');
  console.log(
    JSON.stringify({
      load: {
        ok,
        conversations: options.conversations,
        instances: options.instances,
        storage: options.storage,
        thinkMs: options.thinkMs,
        warmup: options.warmup,
        changedSettings: Object.fromEntries(run.changedSettings.map((setting) => [setting.name, setting.value])),
        pagesCreated: pages.created,
        pagesMissing: pages.missing.length,
        pagesDuplicated: pages.duplicated.length,
        errors,
        firstError: failed ? `${failed.name}: ${failed.result.error}` : undefined,
        storageChecked: storage.checked,
        storageBroken: storage.broken.length,
        storageLeftovers: storage.leftovers.length,
        turns,
        elapsedSeconds: round(seconds, 2),
        turnsPerSecond,
        turnLatencyMs: turnLatency,
        turnLatencyByTurnMs: byTurn,
        signInResumedMs: signInResumed,
        botCpu,
        botCpuSeconds,
        botCpuMsPerTurn,
        sandboxSeconds,
        azuriteSeconds,
        loadGeneratorSeconds,
        loadGeneratorEventLoopDelayP99Ms: run.loadGeneratorEventLoopDelayP99Ms,
        machineBusySeconds,
        machineCapacitySeconds,
        otherProcessesSeconds,
        clockTicksPerSecond: run.clockTicksPerSecond,
        exitCodes,
      },
    }),
  );
  return ok;
}

function pageCounts(titles: string[], expected: string[]): { created: number; missing: string[]; duplicated: string[] } {
  const counts = new Map<string, number>();
  for (const title of titles) if (title.startsWith(TITLE_PREFIX)) counts.set(title, (counts.get(title) ?? 0) + 1);
  return {
    created: [...counts.values()].reduce((sum, seen) => sum + seen, 0),
    missing: expected.filter((title) => !counts.has(title)),
    duplicated: [...counts.entries()].filter(([, seen]) => seen > 1).map(([title]) => title),
  };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
