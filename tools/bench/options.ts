/** `npm run bench` options, parsed once into typed values; a bad one is a usage error (exit code 2). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

export const SCENARIO_NAMES = ['help', 'create', 'listing', 'pages', 'startup', 'memory', 'users'] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
export const DEFAULT_SCENARIOS: ScenarioName[] = [...SCENARIO_NAMES];

export interface BenchOptions {
  users: number;
  turns: number;
  warmup: number;
  rounds: number;
  thinkMs: number;
  scenarios: ScenarioName[];
  /** Another checkout whose build runs as a third contender ("before"). */
  checkout?: string;
  /** Concurrent create flows per round; also the people searching at once in the pages scenario. */
  flows: number;
  /** Find, more, open 1 cycles per person and round in the pages scenario. */
  pageCycles: number;
  /** Pages in the listed space (the 10,000; smaller only to keep the suite's own test short). */
  listingPages: number;
  /** --turns and --warmup when given: the users scenario keeps its own defaults (200 and 100) otherwise. */
  given: { turns?: number; warmup?: number };
  /** The users scenario's big store (10,000; fewer only for a quick run). */
  storedUsers: number;
  /** How often `npm start` and `npm run admin -- status` are timed per bot contender (0: not at all). */
  npmRuns: number;
}

export const USAGE = [
  'usage: npm run bench -- [--users N] [--turns N] [--warmup N] [--rounds N] [--think-ms N] [--scenarios LIST] [--checkout DIR] [--flows N] [--page-cycles N] [--listing-pages N] [--stored-users N] [--npm-runs N]',
  '  --users N          concurrent Emulator users for help and memory, 1-500 (default 20)',
  '  --turns N          measured help turns per user and round (default 100; users: per scenario and round, default 200)',
  '  --warmup N         help turns per user before the first round, not measured (default 200; users: default 100)',
  '  --rounds N         rounds; the contenders alternate which goes first (default 3)',
  "  --think-ms N       a user's pause between a reply and the next message, ±25% (default 0)",
  `  --scenarios LIST   comma-separated, of ${SCENARIO_NAMES.join(',')} (default ${DEFAULT_SCENARIOS.join(',')})`,
  '  --checkout DIR     also run DIR/dist/index.js (another checkout, built) as the contender "before"',
  '  --flows N          concurrent create flows per round, and people searching at once in pages (default 10)',
  '  --page-cycles N    pages: find, more, open 1 cycles per person and round, 1-100 (default 3)',
  '  --listing-pages N  pages in the listed space (default 10000)',
  '  --stored-users N   users in the big store of the users scenario (default 10000)',
  '  --npm-runs N       times npm start and npm run admin -- status are timed, 0-10 (default 3)',
].join('\n');

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseBenchOptions(args: string[]): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        users: { type: 'string', default: '20' },
        turns: { type: 'string' },
        warmup: { type: 'string' },
        rounds: { type: 'string', default: '3' },
        'think-ms': { type: 'string', default: '0' },
        scenarios: { type: 'string', default: DEFAULT_SCENARIOS.join(',') },
        checkout: { type: 'string' },
        flows: { type: 'string', default: '10' },
        'page-cycles': { type: 'string', default: '3' },
        'listing-pages': { type: 'string', default: '10000' },
        'stored-users': { type: 'string', default: '10000' },
        'npm-runs': { type: 'string', default: '3' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const scenarios = values.scenarios.split(',').map((name) => name.trim()).filter(Boolean);
  for (const name of scenarios) {
    if (!(SCENARIO_NAMES as readonly string[]).includes(name)) throw new UsageError(`--scenarios: unknown scenario "${name}"`);
  }
  if (scenarios.length === 0) throw new UsageError('--scenarios: name at least one scenario');
  let checkout: string | undefined;
  if (values.checkout !== undefined) {
    checkout = path.resolve(values.checkout);
    if (!existsSync(checkout)) throw new UsageError(`--checkout: ${checkout} does not exist`);
  }
  const turns = integer('--turns', values.turns ?? '100', 1, 100_000);
  const warmup = integer('--warmup', values.warmup ?? '200', 0, 100_000);
  return {
    users: integer('--users', values.users, 1, 500),
    turns,
    warmup,
    rounds: integer('--rounds', values.rounds, 1, 50),
    thinkMs: integer('--think-ms', values['think-ms'], 0, 600_000),
    scenarios: SCENARIO_NAMES.filter((name) => scenarios.includes(name)),
    checkout,
    flows: integer('--flows', values.flows, 1, 200),
    pageCycles: integer('--page-cycles', values['page-cycles'], 1, 100),
    listingPages: integer('--listing-pages', values['listing-pages'], 2, 100_000),
    storedUsers: integer('--stored-users', values['stored-users'], 11, 1_000_000),
    npmRuns: integer('--npm-runs', values['npm-runs'], 0, 10),
    given: { turns: values.turns === undefined ? undefined : turns, warmup: values.warmup === undefined ? undefined : warmup },
  };
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}
