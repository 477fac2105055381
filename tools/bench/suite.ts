/**
 * `npm run bench`: our bot against the bare echo bot on the same botbuilder and restify (echoBot.ts), side by side
 * in one run on this machine, alternating which goes first each round, over HTTP as the Emulator talks. Absolute
 * figures on a shared machine mean little; the ratios do. Scenarios (scenarios/*.ts): help, create, listing, pages,
 * startup, memory and users. Prints the settings changed from the defaults, a line per round, a table of the
 * medians with the issue's targets (met or not: never the exit code), and one JSON line with every figure.
 *
 * Exits 0 when every scenario ran, 1 when one failed, 2 on a usage error or a missing build. Options: options.ts.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { MissingBuildError } from '../load/nodeChild.js';
import { clockTicks, machineBusyMs } from '../load/processCpu.js';
import { contendersFor, type Contender } from './contenders.js';
import { parseBenchOptions, UsageError, USAGE, type BenchOptions, type ScenarioName } from './options.js';
import { figuresOf, printTable, rowsOf, targetsOf, type Results } from './report.js';
import { startSandboxed } from './sandboxed.js';
import { runCreate, TURNS_PER_FLOW } from './scenarios/create.js';
import { runHelp } from './scenarios/help.js';
import { runListing } from './scenarios/listing.js';
import { runPages, SEARCH_SENTENCE, TURNS_PER_CYCLE } from './scenarios/pages.js';
import { runStartup } from './scenarios/startup.js';
import { runUsers } from './scenarios/users.js';

const log = (line: string) => console.log(line);

async function main(args: string[]): Promise<number> {
  let options: BenchOptions;
  let contenders: Contender[];
  try {
    options = parseBenchOptions(args);
    contenders = contendersFor(options.checkout);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof MissingBuildError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  const started = performance.now();
  const machineBefore = await machineBusyMs();
  const changedSettings = printHeader(options, contenders);
  const bots = contenders.filter((contender) => contender.kind === 'bot').map((contender) => contender.name);
  const results: Results = { memory: options.scenarios.includes('memory') };
  const failures: string[] = [];
  const attempt = async (name: string, run: () => Promise<void>) => {
    log(`${name}…`);
    try {
      await run();
    } catch (error) {
      failures.push(`${name}: ${(error as Error).message}`);
      log(`  ${name} FAILED: ${(error as Error).message}`);
    }
  };
  const has = (name: ScenarioName) => options.scenarios.includes(name);

  if (has('startup')) await attempt('startup', async () => void (results.startup = await runStartup(contenders, options, log)));
  if (has('help') || has('memory')) {
    await attempt(has('help') ? 'help' + (has('memory') ? ' (and memory, under the same load)' : '') : 'memory (under the help load)', async () => {
      results.help = await runHelp(contenders, options, log);
    });
  }
  if (has('create') || has('listing') || has('pages')) {
    await attempt('sandbox for create, listing and pages', async () => {
      const seeding = performance.now();
      const sandboxed = await startSandboxed(contenders.filter((contender) => contender.kind === 'bot'), options.listingPages);
      log(`  standalone sandbox (pid ${sandboxed.sandbox.pid}) on ${sandboxed.sandboxUrl}, bots ${sandboxed.bots.map((bot) => `${bot.contender.name} pid ${bot.pid}`).join(', ')}; ready in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);
      try {
        if (has('create')) await attempt('create', async () => void (results.create = await runCreate(sandboxed, options, log)));
        if (has('listing')) await attempt('listing', async () => void (results.listing = await runListing(sandboxed, options, log)));
        if (has('pages')) await attempt('pages', async () => void (results.pages = await runPages(sandboxed, { ...options, cycles: options.pageCycles }, log)));
      } finally {
        await sandboxed.stop();
      }
    });
  }
  if (has('users')) await attempt('users', async () => void (results.users = await runUsers({ rounds: options.rounds, storedUsers: options.storedUsers, ...options.given }, log)));

  const elapsedSeconds = Math.round((performance.now() - started) / 100) / 10;
  // Everything here shares the machine; CPU used by the rest of it meanwhile is a warning about the figures.
  const machineCpuSeconds = Math.round(((await machineBusyMs()) - machineBefore) / 100) / 10;
  const figures = figuresOf(results, bots);
  const rows = rowsOf(figures, bots);
  log('');
  printTable(rows, bots, log);
  log(
    "ratio: the contender / the baseline column (the echo bot; the raw HTTP loop for listing; 10 stored users for users), " +
      "for figures measured in rounds the median of the rounds' own ratios; create: a create-flow turn / a help turn of the same bot; " +
      'pages: a find, more or open turn / a help turn of the same bot',
  );
  for (const name of results.pages?.unsupported ?? []) log(`pages: ${name} does not support the scenario (it answered "I did not catch that" to "${SEARCH_SENTENCE}")`);
  log('');
  log(`elapsed ${elapsedSeconds} s; CPU of the whole machine meanwhile ${machineCpuSeconds} s (all cores, this suite included)`);
  for (const failure of failures) log(`FAILED ${failure}`);
  console.log(
    JSON.stringify({
      bench: 'suite',
      options: { ...options, checkout: options.checkout ?? null },
      contenders: contenders.map((contender) => ({ name: contender.name, entry: contender.entry })),
      machine: machine(),
      clockTicksPerSecond: clockTicks().perSecond,
      changedSettings,
      ...figures,
      targets: targetsOf(rows),
      failures,
      elapsedSeconds,
      machineCpuSeconds,
    }),
  );
  return failures.length === 0 ? 0 : 1;
}

function printHeader(options: BenchOptions, contenders: Contender[]): string[] {
  const ticks = clockTicks();
  const m = machine();
  log(`Bench suite: ${options.scenarios.join(', ')}; ${options.rounds} round(s), the contenders alternate which goes first`);
  log(`  machine: ${m.cores} cores (${m.cpu}), ${m.memoryGiB} GiB, load average ${m.loadAverage} before the run; node ${process.version}; botbuilder ${m.botbuilder}, restify ${m.restify}`);
  for (const contender of contenders) log(`  ${contender.name}: node ${contender.entry}`);
  const has = (name: ScenarioName) => options.scenarios.includes(name);
  if (has('help') || has('memory')) {
    log(`  help: ${options.users} users, ${options.warmup} warm-up then ${options.turns} measured turns each per round, think time ${options.thinkMs} ms ±25%`);
  }
  if (has('create')) {
    log(
      `  create: ${options.flows} flows at once per round; a create-flow turn is one of the ${TURNS_PER_FLOW} things a person does ` +
        '(ask, sign in: the link and the callback, body, Create), and all the bot process does for it counts',
    );
  }
  if (has('pages')) {
    log(
      `  pages: ${options.flows} people at once, each signed in once (not measured), then ${options.pageCycles} time(s) per round "${SEARCH_SENTENCE}", "more", "open 1"; ` +
        `a pages turn is one of those ${TURNS_PER_CYCLE}; the sandbox holds DOCS (2,999 generated pages, as npm run sandbox) and BIG, whose pages all match`,
    );
  }
  if (has('listing')) log(`  listing: a ${options.listingPages.toLocaleString('en-US')}-page space, through the bot and through a raw HTTP loop`);
  if (has('startup')) log(`  startup: spawn → first 200 from GET /healthz (polled every 10 ms); npm start and npm run admin -- status ${options.npmRuns} time(s) each`);
  if (has('users')) log(`  users: the stored-users benchmark (npm run bench:users), 10 vs ${options.storedUsers.toLocaleString('en-US')} stored users`);
  log(
    `  CPU: utime + stime of the bot process from /proc/<pid>/stat (${ticks.perSecond} ticks/s${ticks.assumed ? ', assumed' : ''}), ` +
      'read when it has been quiet for 150 ms before and after each batch; RSS: VmRSS / VmHWM from /proc/<pid>/status',
  );
  const changed = [
    'PORT=<a free port>: contenders side by side; one already on 3978 is left alone',
    'DATA_DIR=<an empty temporary folder>: a fresh store for every process',
  ];
  if (has('create') || has('listing') || has('pages')) {
    changed.push(
      'create, listing, pages: ATLASSIAN_* = a standalone sandbox holding the listed space: the embedded one would put its Confluence work into the bot\'s CPU, and no default space is that large',
      'create, listing, pages: ENCRYPTION_KEY=<random>: required with an Atlassian app other than the embedded sandbox',
      'create, listing, pages: PUBLIC_URL=http://127.0.0.1:<port>: the OAuth callback the sandbox must know before the bot starts',
    );
  }
  log('Settings changed from the defaults:');
  for (const setting of changed) log(`  ${setting}`);
  return changed;
}

function machine() {
  const version = (name: string) => {
    try {
      return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
    } catch {
      return 'unknown';
    }
  };
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    loadAverage: os.loadavg()[0]!.toFixed(2),
    node: process.version,
    botbuilder: version('botbuilder'),
    restify: version('restify'),
  };
}

process.exitCode = await main(process.argv.slice(2));
