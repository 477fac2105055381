/**
 * Compiles only when something the build reads changed since the last successful build, then runs an entry point
 * of dist/ in this same process:
 *
 *   node scripts/ensureBuilt.mjs [--force] [dist/entry.js [arguments…]]
 *
 * `npm start`, `npm run admin` and `npm run sandbox` go through it: tsc spends 5–8 s even when nothing changed,
 * while this check takes a few milliseconds. `npm run build` passes --force. Plain JavaScript, so it runs before
 * anything is compiled (a fresh clone).
 *
 * Fresh means: a stamp written after the last successful build, every output the sources map to exists, and no
 * input (the files and folders tsconfig.build.json includes, the tsconfig files it extends, the lock files) changed
 * after that build started. A folder's time changes when a file in it is added, removed or renamed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const STAMP_FILE = '.build-stamp';
const SOURCE = /\.(ts|mts|cts|tsx|json)$/;
const DECLARATION = /\.d\.(ts|mts|cts)$/;
const LOCK_FILES = ['package-lock.json', path.join('node_modules', '.package-lock.json')];

/** tsconfig files may hold comments and trailing commas; ours hold none, but a stray one must not break start-up. */
function readJsonc(file) {
  const text = readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\/|("(?:\\.|[^"\\])*")|\/\/[^\n]*/g, (match, string) => string ?? '')
    .replace(/,(\s*[}\]])/g, '$1');
  return JSON.parse(text);
}

/** What the build needs from a tsconfig and the chain it extends: its files, include, outDir, rootDir, tsBuildInfoFile. */
export function readBuildConfig(configFile) {
  const chain = [];
  let settings = {};
  let include;
  for (let file = path.resolve(configFile); file !== undefined; ) {
    const config = readJsonc(file);
    const dir = path.dirname(file);
    chain.push(file);
    include ??= config.include?.map((entry) => path.resolve(dir, entry));
    const options = config.compilerOptions ?? {};
    for (const key of ['outDir', 'rootDir', 'tsBuildInfoFile']) {
      if (options[key] !== undefined && settings[key] === undefined) settings = { ...settings, [key]: path.resolve(dir, options[key]) };
    }
    file = typeof config.extends === 'string' ? path.resolve(dir, config.extends.endsWith('.json') ? config.extends : `${config.extends}.json`) : undefined;
  }
  const root = path.dirname(chain[0]);
  const outDir = settings.outDir ?? root;
  return {
    chain,
    include: include ?? [root],
    outDir,
    rootDir: settings.rootDir ?? root,
    tsBuildInfoFile: settings.tsBuildInfoFile ?? path.join(outDir, `${path.basename(chain[0], '.json')}.tsbuildinfo`),
  };
}

/** Every included source file and folder, recursively (folders count: adding or removing a file changes theirs). */
function walk(entry, sources, folders) {
  let stat;
  try {
    stat = statSync(entry);
  } catch {
    return;
  }
  if (stat.isDirectory()) {
    if (path.basename(entry) === 'node_modules') return;
    folders.push({ file: entry, mtimeMs: stat.mtimeMs });
    for (const name of readdirSync(entry)) walk(path.join(entry, name), sources, folders);
  } else if (SOURCE.test(entry)) {
    sources.push({ file: entry, mtimeMs: stat.mtimeMs });
  }
}

/** The .js file tsc writes for a source file, or undefined for files it emits nothing for. */
function outputOf(file, config) {
  if (DECLARATION.test(file) || !/\.(ts|mts|cts|tsx)$/.test(file)) return undefined;
  const relative = path.relative(config.rootDir, file);
  return path.join(config.outDir, relative.replace(/\.tsx?$/, '.js').replace(/\.mts$/, '.mjs').replace(/\.cts$/, '.cjs'));
}

/**
 * Whether dist/ matches the sources: `{ fresh: true }`, or `{ fresh: false, reason, outputsMissing }`.
 * `root` is the folder holding the lock files; `configFile` the tsconfig the build compiles.
 */
export function checkBuild({ root, configFile }) {
  const config = readBuildConfig(configFile);
  const glob = config.include.find((entry) => /[*?]/.test(entry));
  if (glob !== undefined) return { fresh: false, reason: `"include" holds a pattern (${path.relative(root, glob)}), which this check does not expand`, outputsMissing: false };
  const stampFile = path.join(config.outDir, STAMP_FILE);
  const sources = [];
  const folders = [];
  for (const entry of config.include) walk(entry, sources, folders);
  const missing = sources.map(({ file }) => outputOf(file, config)).find((output) => output !== undefined && !existsSync(output));
  if (missing !== undefined) return { fresh: false, reason: `${path.relative(root, missing)} is missing`, outputsMissing: true };
  let stampMs;
  try {
    stampMs = statSync(stampFile).mtimeMs;
  } catch {
    return { fresh: false, reason: 'no successful build recorded yet', outputsMissing: false };
  }
  const others = [...config.chain, ...LOCK_FILES.map((file) => path.join(root, file))].flatMap((file) => {
    try {
      return [{ file, mtimeMs: statSync(file).mtimeMs }];
    } catch {
      return [];
    }
  });
  const changed = [...others, ...sources, ...folders].find(({ mtimeMs }) => mtimeMs > stampMs);
  if (changed !== undefined) return { fresh: false, reason: `${path.relative(root, changed.file) || '.'} changed since the last build`, outputsMissing: false };
  return { fresh: true };
}

/** Runs the TypeScript compiler of `root`'s node_modules on `configFile`; returns its exit code. */
export function runTsc(root, configFile) {
  const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  return spawnSync(process.execPath, [tsc, '-p', configFile], { cwd: root, stdio: 'inherit' }).status ?? 1;
}

/**
 * Builds when the check says so (or always, with `force`) and records the success. Returns 'fresh' or 'built';
 * throws when the build fails, leaving no stamp, so the next start tries again and shows the errors again.
 */
export function ensureBuilt({ root, configFile, force = false, build = () => runTsc(root, configFile), log = (line) => process.stderr.write(`${line}\n`) }) {
  const check = checkBuild({ root, configFile });
  if (check.fresh && !force) return 'fresh';
  const config = readBuildConfig(configFile);
  const stampFile = path.join(config.outDir, STAMP_FILE);
  rmSync(stampFile, { force: true });
  // Incremental tsc re-emits only what changed in the sources; without its record it writes every output again.
  if (check.outputsMissing) rmSync(config.tsBuildInfoFile, { force: true });
  if (!force) log(`Building first: ${check.reason} (npm run build).`);
  // The stamp carries the time the build started: a source saved while tsc runs is newer and triggers the next build.
  const startedAt = new Date();
  const status = build();
  if (status !== 0) throw new BuildFailedError(status);
  writeFileSync(stampFile, `${JSON.stringify({ builtAt: startedAt.toISOString() })}\n`);
  utimesSync(stampFile, startedAt, startedAt);
  return 'built';
}

export class BuildFailedError extends Error {
  constructor(status) {
    super(`The build failed (tsc exit code ${status}); fix the errors above and start again.`);
    this.name = 'BuildFailedError';
    this.status = status;
  }
}

async function main() {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const args = process.argv.slice(2);
  const force = args[0] === '--force';
  if (force) args.shift();
  try {
    ensureBuilt({ root, configFile: path.join(root, 'tsconfig.build.json'), force });
  } catch (error) {
    if (!(error instanceof BuildFailedError)) throw error;
    // tsc has printed the errors; `npm run build` says nothing more, as tsc alone did.
    if (!force) process.stderr.write(`${error.message}\n`);
    process.exit(error.status);
  }
  const [entry, ...rest] = args;
  if (entry === undefined) return;
  // The entry runs as if started directly (`node dist/index.js …`): it reads its arguments from process.argv.
  const entryFile = path.resolve(root, entry);
  process.argv = [process.argv[0], entryFile, ...rest];
  await import(pathToFileURL(entryFile).href);
}

// Run as a script, not imported (the tests import it). Real paths: Node names this module by its real path, while
// argv[1] keeps whatever symlinked path started it.
const startedAsScript = process.argv[1] !== undefined && existsSync(process.argv[1]) && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
if (startedAsScript) await main();
