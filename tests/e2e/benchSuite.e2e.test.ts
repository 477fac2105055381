/**
 * `npm run bench` must not rot: one very short round of every scenario, compiled as the npm script compiles it,
 * prints the table and one JSON line holding every scenario's figures as numbers. No figure is judged here: on a
 * shared machine they say nothing, and the suite itself reports targets without failing on them. `npm start` and
 * `npm run admin -- status` run once each, on the build npm test has just made.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SUITE = path.resolve('dist-tools/tools/bench/suite.js');
const TINY = ['--users', '2', '--turns', '3', '--warmup', '2', '--rounds', '1', '--flows', '1', '--page-cycles', '1', '--listing-pages', '600', '--stored-users', '30', '--npm-runs', '1'];

type Json = Record<string, unknown>;

beforeAll(async () => {
  // dist/ is built by npm test; the tools are compiled here as `npm run bench` compiles them. A type error elsewhere
  // is npm test's typecheck's to report: whatever was emitted is run.
  await run(process.execPath, [path.resolve('node_modules/typescript/bin/tsc'), '-p', 'tsconfig.tools.json']).catch(() => undefined);
}, 120_000);

describe('npm run bench', () => {
  it('runs one short round of every scenario and prints the table and a JSON line with every figure', async () => {
    const { stdout } = await run(process.execPath, [SUITE, ...TINY], { maxBuffer: 16 * 1024 * 1024 });
    const lines = stdout.split('\n');
    for (const measure of [
      'help: CPU ms per turn',
      'help: throughput, turns/s',
      'memory: peak RSS under the help load, MiB',
      'create: CPU ms per create-flow turn',
      'listing: wall ms (baseline: raw loop)',
      'pages: CPU ms per find/more/open turn',
      'pages: sandbox CPU ms per pages turn',
      'startup: node entry → ready, ms',
      'startup: idle RSS at ready, MiB',
      'startup: npm start → ready, ms',
      'startup: npm run admin -- status, ms',
      'users: help CPU ms',
    ]) {
      expect(lines.filter((line) => line.startsWith(measure))).toHaveLength(1);
    }
    const jsonLines = lines.filter((line) => line.startsWith('{"bench":"suite"'));
    expect(jsonLines).toHaveLength(1);
    const report = JSON.parse(jsonLines[0]!) as Json;
    expect(report.failures).toEqual([]);

    const numbers = (block: unknown, fields: string[]) => {
      for (const field of fields) expect(typeof (block as Json)[field]).toBe('number');
    };
    const help = report.help as Json;
    for (const name of ['ours', 'echo']) numbers(help[name], ['cpuMsPerTurn', 'turnsPerSecond', 'p50Ms', 'p95Ms']);
    numbers((help.ratios as Json).ours, ['cpu', 'throughput']);
    const memory = report.memory as Json;
    for (const name of ['ours', 'echo']) numbers(memory[name], ['peakRssMiB']);
    numbers((memory.ratios as Json).ours, ['peak']);
    numbers((report.create as Json).ours, ['createCpuMsPerTurn', 'helpCpuMsPerTurn', 'createToHelp', 'sandboxCpuMsPerTurn']);
    const pages = report.pages as Json;
    numbers(pages.ours, ['pagesCpuMsPerTurn', 'helpCpuMsPerTurn', 'pagesToHelp', 'sandboxCpuMsPerTurn']);
    expect(pages.unsupported).toEqual([]);
    const listing = report.listing as Json;
    for (const name of ['ours', 'raw loop']) numbers(listing[name], ['wallMs', 'requests', 'pages']);
    expect((listing.ours as Json).pages).toBe(600);
    numbers((listing.ratios as Json).ours, ['wall', 'requests']);
    const startup = report.startup as Json;
    for (const name of ['ours', 'echo']) numbers(startup[name], ['readyMs', 'idleRssMiB']);
    numbers(startup.ours, ['npmStartReadyMs', 'adminStatusMs']);
    numbers((startup.ratios as Json).ours, ['ready', 'idleRss']);
    const users = report.users as Json;
    expect(users.storedUsers).toEqual([10, 30]);
    // A ratio is left out, never NaN or Infinity, when its divisor measured nothing (under one 10 ms CPU tick).
    for (const result of users.results as Json[]) {
      const few = result['10'] as Json;
      numbers(few, ['cpuMsPerTurn', 'latencyMedianMs']);
      if ((few.cpuMsPerTurn as number) > 0) numbers(result, ['cpuRatio']);
      else expect(result).not.toHaveProperty('cpuRatio');
      if ((few.latencyMedianMs as number) > 0) numbers(result, ['latencyRatio']);
      else expect(result).not.toHaveProperty('latencyRatio');
    }
    numbers(report, ['elapsedSeconds', 'machineCpuSeconds']);
    expect(Array.isArray(report.targets)).toBe(true);
  }, 120_000);

  it('answers a bad option with the usage line and exit code 2', async () => {
    const failed = await run(process.execPath, [SUITE, '--rounds', 'many']).then(
      () => undefined,
      (error: { code?: number; stderr?: string }) => error,
    );
    expect(failed?.code).toBe(2);
    expect(failed?.stderr).toContain('usage: npm run bench');
  });
});
