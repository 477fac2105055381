/**
 * The suite's figures (medians of the rounds), its table (measure | ours | [before] | baseline | ratio | target)
 * and its JSON line. Ratios of figures measured in rounds are the median of the rounds' ratios. A target missed is reported as "not met"; it never changes the exit code.
 * A row the issue sets no target for says "none".
 */
import { median } from '../load/percentiles.js';
import type { CreateRound } from './scenarios/create.js';
import type { HelpFigures } from './scenarios/help.js';
import { RAW_LOOP, type ListingRun } from './scenarios/listing.js';
import type { PagesFigures } from './scenarios/pages.js';
import type { StartupFigures } from './scenarios/startup.js';
import type { StoredUsersFigures } from './scenarios/users.js';

export interface Results {
  help?: Record<string, HelpFigures>;
  create?: Record<string, CreateRound[]>;
  listing?: Record<string, ListingRun[]>;
  pages?: PagesFigures;
  startup?: Record<string, StartupFigures>;
  users?: StoredUsersFigures;
  /** Whether `memory` was asked for (its figure comes from the help load). */
  memory: boolean;
}

export interface Row {
  measure: string;
  /** Per column (ours, before, baseline). */
  values: Record<string, number | undefined>;
  /** contender / baseline, per bot contender. */
  ratios: Record<string, number | undefined>;
  target?: string;
  met?: boolean;
}

type Json = Record<string, unknown>;

/** The target column of a measure the issue sets no target for. */
const NO_TARGET = 'none';

const r2 = (value: number): number => Math.round(value * 100) / 100;
const med = (values: number[] | undefined): number | undefined => (values === undefined || values.length === 0 ? undefined : r2(median(values)));
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : r2(a / b));
/**
 * The median of the rounds' own ratios (round i of one against round i of the other): the two ran minutes apart at
 * most, so a drift of the shared machine over the run cancels out of each pair.
 */
const paired = (a: number[] | undefined, b: number[] | undefined): number | undefined => {
  if (a === undefined || b === undefined) return undefined;
  const pairs = a.slice(0, b.length).flatMap((value, index) => (b[index]! > 0 ? [value / b[index]!] : []));
  return pairs.length === 0 ? undefined : r2(median(pairs));
};

/** Medians per scenario and contender, with the ratios the issue asks for: the suite's JSON figures. */
export function figuresOf(results: Results, bots: string[]): Json {
  const out: Json = {};
  if (results.help) {
    const help: Json = {};
    for (const [name, figures] of Object.entries(results.help)) {
      help[name] = {
        cpuMsPerTurn: med(figures.rounds.map((round) => round.cpuMsPerTurn)),
        turnsPerSecond: med(figures.rounds.map((round) => round.turnsPerSecond)),
        p50Ms: med(figures.rounds.map((round) => round.p50Ms)),
        p95Ms: med(figures.rounds.map((round) => round.p95Ms)),
      };
    }
    const series = (name: string, field: keyof HelpFigures['rounds'][number]) => results.help![name]?.rounds.map((round) => round[field]);
    help.ratios = Object.fromEntries(
      bots.map((bot) => [bot, { cpu: paired(series(bot, 'cpuMsPerTurn'), series('echo', 'cpuMsPerTurn')), throughput: paired(series(bot, 'turnsPerSecond'), series('echo', 'turnsPerSecond')) }]),
    );
    out.help = help;
    if (results.memory) {
      const memory: Json = Object.fromEntries(Object.entries(results.help).map(([name, figures]) => [name, { peakRssMiB: r2(figures.peakRssMiB) }]));
      memory.ratios = Object.fromEntries(bots.map((bot) => [bot, { peak: ratio(at(memory, bot, 'peakRssMiB'), at(memory, 'echo', 'peakRssMiB')) }]));
      out.memory = memory;
    }
  }
  if (results.create) {
    out.create = Object.fromEntries(
      Object.entries(results.create).map(([name, rounds]) => {
        const create = med(rounds.map((round) => round.createCpuMsPerTurn));
        const help = med(rounds.map((round) => round.helpCpuMsPerTurn));
        const createToHelp = paired(rounds.map((round) => round.createCpuMsPerTurn), rounds.map((round) => round.helpCpuMsPerTurn));
        return [name, { createCpuMsPerTurn: create, helpCpuMsPerTurn: help, createToHelp, sandboxCpuMsPerTurn: med(rounds.map((round) => round.sandboxCpuMsPerTurn)) }];
      }),
    );
  }
  if (results.pages) {
    const pages: Json = Object.fromEntries(
      Object.entries(results.pages.rounds).map(([name, rounds]) => {
        const series = (field: keyof (typeof rounds)[number]) => rounds.map((round) => round[field]);
        return [
          name,
          {
            pagesCpuMsPerTurn: med(series('pagesCpuMsPerTurn')),
            helpCpuMsPerTurn: med(series('helpCpuMsPerTurn')),
            pagesToHelp: paired(series('pagesCpuMsPerTurn'), series('helpCpuMsPerTurn')),
            sandboxCpuMsPerTurn: med(series('sandboxCpuMsPerTurn')),
          },
        ];
      }),
    );
    // A contender that does not know the sentences has no figures: named here, so the JSON says why.
    pages.unsupported = results.pages.unsupported;
    out.pages = pages;
  }
  if (results.listing) {
    const listing: Json = {};
    for (const [name, runs] of Object.entries(results.listing)) {
      listing[name] = { wallMs: med(runs.map((run) => run.wallMs)), requests: med(runs.map((run) => run.requests)), pages: med(runs.map((run) => run.pages)) };
    }
    listing.ratios = Object.fromEntries(
      bots.map((bot) => {
        const walls = (name: string) => results.listing![name]?.map((run) => run.wallMs);
        return [bot, { wall: paired(walls(bot), walls(RAW_LOOP)), requests: ratio(at(listing, bot, 'requests'), at(listing, RAW_LOOP, 'requests')) }];
      }),
    );
    out.listing = listing;
  }
  if (results.startup) {
    const startup: Json = {};
    for (const [name, figures] of Object.entries(results.startup)) {
      startup[name] = {
        readyMs: med(figures.readyMs),
        idleRssMiB: med(figures.idleRssMiB),
        ...(figures.npmStartReadyMs ? { npmStartReadyMs: med(figures.npmStartReadyMs), adminStatusMs: med(figures.adminStatusMs) } : {}),
      };
    }
    startup.ratios = Object.fromEntries(
      bots.map((bot) => {
        const of = results.startup!;
        return [bot, { ready: paired(of[bot]?.readyMs, of.echo?.readyMs), idleRss: paired(of[bot]?.idleRssMiB, of.echo?.idleRssMiB) }];
      }),
    );
    out.startup = startup;
  }
  if (results.users) out.users = results.users;
  return out;
}

/** The table's rows, from figuresOf's output. */
export function rowsOf(figures: Json, bots: string[]): Row[] {
  const rows: Row[] = [];
  /** ratioKey: the paired ratio figuresOf computed (block.ratios[bot][ratioKey]); otherwise the medians' ratio. */
  const row = (
    measure: string,
    scenario: string,
    field: string,
    baseline: string | undefined,
    target?: { text: string; met: (value: number, ratio?: number) => boolean },
    ratioKey?: string,
  ) => {
    const block = figures[scenario] as Json | undefined;
    if (block === undefined) return;
    const values: Record<string, number | undefined> = Object.fromEntries(bots.map((bot) => [bot, at(block, bot, field)]));
    if (baseline !== undefined) values.baseline = at(block, baseline, field);
    const ratioOf = (bot: string) => {
      if (ratioKey === undefined) return ratio(values[bot], values.baseline);
      return at((block.ratios as Json | undefined) ?? {}, bot, ratioKey);
    };
    const ratios = Object.fromEntries(bots.map((bot) => [bot, ratioOf(bot)]));
    const ours = values.ours;
    const met = target === undefined || ours === undefined ? undefined : target.met(ours, ratios.ours);
    rows.push({ measure, values, ratios, target: target?.text, met });
  };
  row('help: CPU ms per turn', 'help', 'cpuMsPerTurn', 'echo', { text: '≤ 1.25× echo', met: (_v, q) => q !== undefined && q <= 1.25 }, 'cpu');
  row('help: throughput, turns/s', 'help', 'turnsPerSecond', 'echo', { text: '≥ 0.8× echo', met: (_v, q) => q !== undefined && q >= 0.8 }, 'throughput');
  row('help: latency p50 ms', 'help', 'p50Ms', 'echo');
  row('help: latency p95 ms', 'help', 'p95Ms', 'echo');
  row('memory: peak RSS under the help load, MiB', 'memory', 'peakRssMiB', 'echo', { text: '≤ 1.3× echo', met: (_v, q) => q !== undefined && q <= 1.3 }, 'peak');
  if (figures.create) {
    const create = figures.create as Json;
    const values = (field: string) => Object.fromEntries(bots.map((bot) => [bot, at(create, bot, field)]));
    const perHelp = Object.fromEntries(bots.map((bot) => [bot, at(create, bot, 'createToHelp')]));
    const ours = perHelp.ours;
    rows.push({ measure: 'create: CPU ms per create-flow turn', values: values('createCpuMsPerTurn'), ratios: perHelp, target: '≤ 2× help turn', met: ours === undefined ? undefined : ours <= 2 });
    rows.push({ measure: 'create: CPU ms per help turn (same bot)', values: values('helpCpuMsPerTurn'), ratios: {} });
    rows.push({ measure: 'create: sandbox CPU ms per create turn', values: values('sandboxCpuMsPerTurn'), ratios: {} });
  }
  if (figures.pages) {
    const pages = figures.pages as Json;
    const values = (field: string) => Object.fromEntries(bots.map((bot) => [bot, at(pages, bot, field)]));
    const perHelp = Object.fromEntries(bots.map((bot) => [bot, at(pages, bot, 'pagesToHelp')]));
    rows.push({ measure: 'pages: CPU ms per find/more/open turn', values: values('pagesCpuMsPerTurn'), ratios: perHelp, target: NO_TARGET });
    rows.push({ measure: 'pages: CPU ms per help turn (same bot)', values: values('helpCpuMsPerTurn'), ratios: {} });
    rows.push({ measure: 'pages: sandbox CPU ms per pages turn', values: values('sandboxCpuMsPerTurn'), ratios: {} });
  }
  row('listing: wall ms (baseline: raw loop)', 'listing', 'wallMs', RAW_LOOP, undefined, 'wall');
  row('listing: requests (baseline: raw loop)', 'listing', 'requests', RAW_LOOP, undefined, 'requests');
  row('startup: node entry → ready, ms', 'startup', 'readyMs', 'echo', { text: '< 1500 ms', met: (value) => value < 1500 }, 'ready');
  row('startup: idle RSS at ready, MiB', 'startup', 'idleRssMiB', 'echo', { text: '< 130 MiB', met: (value) => value < 130 }, 'idleRss');
  row('startup: npm start → ready, ms', 'startup', 'npmStartReadyMs', undefined, { text: '< 2000 ms', met: (value) => value < 2000 });
  row('startup: npm run admin -- status, ms', 'startup', 'adminStatusMs', undefined, { text: '< 1500 ms', met: (value) => value < 1500 });
  if (figures.users) {
    const users = figures.users as StoredUsersFigures;
    const [fewUsers, manyUsers] = users.storedUsers as [number, number];
    for (const result of users.results) {
      const few = result[String(fewUsers)] as { cpuMsPerTurn?: number } | undefined;
      const many = result[String(manyUsers)] as { cpuMsPerTurn?: number } | undefined;
      rows.push({
        measure: `users: ${result.scenario} CPU ms, ${manyUsers} vs ${fewUsers} stored`,
        values: { ours: many?.cpuMsPerTurn, baseline: few?.cpuMsPerTurn },
        ratios: { ours: result.cpuRatio },
      });
    }
  }
  return rows;
}

export function printTable(rows: Row[], bots: string[], log: (line: string) => void): void {
  const columns = [...bots, 'baseline'];
  const cell = (value: number | undefined) => (value === undefined ? '–' : String(value >= 100 ? Math.round(value) : value));
  const ratios = (row: Row) => {
    const shown = bots.filter((bot) => row.ratios[bot] !== undefined).map((bot) => (bots.length > 1 ? `${bot} ${row.ratios[bot]}×` : `${row.ratios[bot]}×`));
    return shown.length === 0 ? '–' : shown.join(', ');
  };
  const target = (row: Row) => {
    if (row.target === undefined || row.target === NO_TARGET) return row.target ?? '';
    return `${row.target}: ${row.met === undefined ? '–' : row.met ? 'met' : 'NOT met'}`;
  };
  const line = (cells: string[]) => `${cells[0]!.padEnd(48)}${cells.slice(1, -2).map((text) => text.padStart(10)).join('')}${cells.at(-2)!.padStart(bots.length > 1 ? 26 : 9)}  ${cells.at(-1)}`;
  log(line(['measure (median of rounds)', ...columns, 'ratio', 'target (ours)']));
  for (const row of rows.filter((candidate) => Object.values(candidate.values).some((value) => value !== undefined))) {
    log(line([row.measure, ...columns.map((column) => cell(row.values[column])), ratios(row), target(row)]));
  }
}

/** The targets, for the JSON line. */
export function targetsOf(rows: Row[]): Array<{ measure: string; target: string; met: boolean | null }> {
  return rows.filter((row) => row.target !== undefined && row.target !== NO_TARGET).map((row) => ({ measure: row.measure, target: row.target!, met: row.met ?? null }));
}

function at(block: Json, name: string, field: string): number | undefined {
  const value = (block[name] as Json | undefined)?.[field];
  return typeof value === 'number' ? value : undefined;
}
