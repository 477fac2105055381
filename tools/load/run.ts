/**
 * `npm run load`: concurrent conversations over HTTP through the Emulator protocol, each asking for a page, signing
 * in through the sandbox's consent page like a person and creating it (journey.ts), against the bot as `npm start`
 * runs it or against several instances on Azure storage behind a load balancer (topology.ts).
 *
 * Afterwards it checks that every page exists exactly once, that no conversation failed, that every stored record
 * still parses (storageCheck.ts) and that every process exits cleanly on SIGTERM, and prints throughput, turn
 * latency, sign-in → resumed latency and the CPU each process used, then one JSON line with every figure
 * (report.ts). Exits 1 when a check fails, 2 for bad options. Options: see options.ts (USAGE).
 */
import os from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { runJourney, type JourneyResult } from './journey.js';
import { MissingBuildError } from './nodeChild.js';
import { parseLoadOptions, USAGE, UsageError, type LoadOptions } from './options.js';
import { clockTicks, cpuMsIfRunning, machineBusyMs } from './processCpu.js';
import { printReport, titleOf, warmupTitleOf, type CpuReading } from './report.js';
import { startTopology, type Topology } from './topology.js';

async function main(args: string[]): Promise<number> {
  let options: LoadOptions;
  let topology: Topology;
  try {
    options = parseLoadOptions(args);
    topology = await startTopology(options);
  } catch (error) {
    if (error instanceof UsageError || error instanceof MissingBuildError) {
      console.error(error instanceof UsageError ? `${error.message}\n${USAGE}` : error.message);
      return 2;
    }
    throw error;
  }
  try {
    return await drive(options, topology);
  } finally {
    await topology.dispose();
  }
}

async function drive(options: LoadOptions, topology: Topology): Promise<number> {
  const { conversations, thinkMs } = options;
  console.log(`Load: ${conversations} conversations, ${options.instances} instance(s), ${options.storage} storage, think time ${thinkMs} ms ±25%`);
  for (const line of topology.description) console.log(`  ${line}`);
  // Everything shares this machine, load generator included; another busy process skews every figure.
  console.log(`  machine: ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(2)} before the run`);
  console.log('Settings changed from the defaults:');
  for (const setting of topology.changedSettings) console.log(`  ${setting.name}=${setting.value}: ${setting.why}`);
  const ticks = clockTicks();
  if (ticks.assumed) console.log('  (getconf CLK_TCK failed: CPU figures assume 100 clock ticks a second)');

  // A bot that just started compiles code as it first runs it; --warmup lets the figures be of a warm one.
  const warmups: JourneyResult[] = [];
  if (options.warmup > 0) console.log(`Warming up: ${options.warmup} conversations one after another, not counted in the figures…`);
  for (let index = 0; index < options.warmup; index += 1) {
    warmups.push(await runJourney({ botUrl: topology.botUrl, title: warmupTitleOf(index), body: 'Warm-up.', thinkMs: 0, startAfterMs: 0 }));
  }
  console.log(thinkMs > 0 ? `Running; conversations start spread over the first ${thinkMs} ms…` : 'Running; every conversation starts at once…');

  const cpuBefore = await cpuOfEveryProcess(topology);
  const machineBefore = await machineBusyMs();
  const ownBefore = process.cpuUsage();
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: conversations }, (_, index) =>
      runJourney({
        botUrl: topology.botUrl,
        title: titleOf(index),
        body: `Written by load conversation ${index + 1}.`,
        thinkMs,
        startAfterMs: thinkMs > 0 ? Math.random() * thinkMs : 0,
      }),
    ),
  );
  const elapsedMs = performance.now() - started;
  loopDelay.disable();
  const own = process.cpuUsage(ownBefore);
  const machineBusy = (await machineBusyMs()) - machineBefore;
  const cpuAfter = await cpuOfEveryProcess(topology);

  const exitCodes = await topology.stop();
  const { titles, storage } = await topology.inspect();
  const ok = printReport({
    options,
    changedSettings: topology.changedSettings,
    botNames: topology.bots.map((bot) => bot.name),
    standaloneSandbox: topology.sandbox !== undefined,
    warmups,
    results,
    elapsedMs,
    cpuBefore,
    cpuAfter,
    loadGeneratorCpuMs: (own.user + own.system) / 1000,
    loadGeneratorEventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e5) / 10,
    machineBusyMs: machineBusy,
    clockTicksPerSecond: ticks.perSecond,
    exitCodes,
    titles,
    storage,
  });
  if (!ok) {
    for (const [index, bot] of topology.bots.entries()) {
      if (exitCodes.bots[index] !== 0) console.error(`--- ${bot.name} output ---\n${bot.output()}`);
    }
    if (topology.sandbox && exitCodes.sandbox !== 0) console.error(`--- sandbox output ---\n${topology.sandbox.output()}`);
  }
  return ok ? 0 : 1;
}

async function cpuOfEveryProcess(topology: Topology): Promise<CpuReading> {
  return {
    bots: await Promise.all(topology.bots.map((bot) => cpuMsIfRunning(bot.pid))),
    sandbox: await cpuMsIfRunning(topology.sandbox?.pid),
    azurite: await cpuMsIfRunning(topology.azuritePid),
  };
}

process.exitCode = await main(process.argv.slice(2));
