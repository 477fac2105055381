/**
 * The build-freshness check behind `npm start`, `npm run admin` and `npm run sandbox` (scripts/ensureBuilt.mjs), on a
 * small project in a temporary folder with a fake compiler: it builds when dist/ is missing, partial or older than a
 * source, a tsconfig or the lock file, and skips the build otherwise.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BuildFailedError, checkBuild, ensureBuilt, readBuildConfig, STAMP_FILE } from '../../../scripts/ensureBuilt.mjs';

let root: string;
let builds: number;

/** A fake tsc: writes dist/<file>.js for every .ts under src/ and index.ts, and its incremental record. */
function fakeTsc(): number {
  builds += 1;
  const emit = (relative: string) => {
    const output = path.join(root, 'dist', relative.replace(/\.ts$/, '.js'));
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, '');
  };
  emit('index.ts');
  for (const name of readdirSync(path.join(root, 'src'))) emit(path.join('src', name));
  writeFileSync(path.join(root, 'dist', '.tsbuildinfo'), '{}');
  return 0;
}

const run = (build: () => number = fakeTsc) =>
  ensureBuilt({ root, configFile: path.join(root, 'tsconfig.build.json'), build, log: () => {} });
const check = () => checkBuild({ root, configFile: path.join(root, 'tsconfig.build.json') });

/** As if the last build ran 10 s ago and the file was saved 5 s ago. */
function touchLater(file: string): void {
  const stamp = path.join(root, 'dist', STAMP_FILE);
  const built = new Date(Date.now() - 10_000);
  utimesSync(stamp, built, built);
  const saved = new Date(Date.now() - 5000);
  utimesSync(file, saved, saved);
}

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'ensure-built-'));
  builds = 0;
  writeFileSync(path.join(root, 'tsconfig.json'), '{ "compilerOptions": { "outDir": "dist", "rootDir": "." }, "include": ["index.ts", "src", "tests"] }');
  writeFileSync(
    path.join(root, 'tsconfig.build.json'),
    '{\n  // comments and trailing commas, as tsc allows\n  "extends": "./tsconfig.json",\n  "compilerOptions": { "tsBuildInfoFile": "dist/.tsbuildinfo", },\n  "include": ["index.ts", "src"]\n}',
  );
  writeFileSync(path.join(root, 'package-lock.json'), '{}');
  writeFileSync(path.join(root, 'index.ts'), 'export {};');
  mkdirSync(path.join(root, 'src'));
  writeFileSync(path.join(root, 'src', 'a.ts'), 'export const a = 1;');
  writeFileSync(path.join(root, 'src', 'types.d.ts'), 'export type T = 1;');
  // Written a minute ago, so that touchLater can place one file, and the stamp, between then and now.
  const minuteAgo = new Date(Date.now() - 60_000);
  for (const file of ['tsconfig.json', 'tsconfig.build.json', 'package-lock.json', 'index.ts', 'src', 'src/a.ts', 'src/types.d.ts']) {
    utimesSync(path.join(root, file), minuteAgo, minuteAgo);
  }
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('ensureBuilt', () => {
  it('builds when there is no dist/, then skips the build while nothing changes', () => {
    expect(check()).toMatchObject({ fresh: false });
    expect(run()).toBe('built');
    expect(existsSync(path.join(root, 'dist', STAMP_FILE))).toBe(true);
    expect(check()).toEqual({ fresh: true });
    expect(run()).toBe('fresh');
    expect(run()).toBe('fresh');
    expect(builds).toBe(1);
  });

  it('builds again when a source file is edited', () => {
    run();
    touchLater(path.join(root, 'src', 'a.ts'));
    expect(check()).toEqual({ fresh: false, reason: `${path.join('src', 'a.ts')} changed since the last build`, outputsMissing: false });
    expect(run()).toBe('built');
    expect(builds).toBe(2);
    expect(run()).toBe('fresh');
  });

  it('builds again when a source file is added or removed (its folder changes)', () => {
    run();
    writeFileSync(path.join(root, 'src', 'b.ts'), 'export const b = 2;');
    touchLater(path.join(root, 'src'));
    expect(run()).toBe('built');
    rmSync(path.join(root, 'src', 'b.ts'));
    touchLater(path.join(root, 'src'));
    expect(run()).toBe('built');
    expect(builds).toBe(3);
  });

  it('builds again when a tsconfig of the chain or the lock file changes, not for files outside the build', () => {
    run();
    mkdirSync(path.join(root, 'tests'));
    writeFileSync(path.join(root, 'tests', 'x.test.ts'), '');
    touchLater(path.join(root, 'tests', 'x.test.ts'));
    expect(run()).toBe('fresh');
    touchLater(path.join(root, 'tsconfig.json'));
    expect(run()).toBe('built');
    touchLater(path.join(root, 'package-lock.json'));
    expect(run()).toBe('built');
    expect(builds).toBe(3);
  });

  it('rebuilds a partial dist/ from scratch: the incremental record goes, so every output is written again', () => {
    run();
    rmSync(path.join(root, 'dist', 'src', 'a.js'));
    expect(check()).toEqual({ fresh: false, reason: `${path.join('dist', 'src', 'a.js')} is missing`, outputsMissing: true });
    let recordDuringBuild: boolean | undefined;
    expect(
      run(() => {
        recordDuringBuild = existsSync(path.join(root, 'dist', '.tsbuildinfo'));
        return fakeTsc();
      }),
    ).toBe('built');
    expect(recordDuringBuild).toBe(false);
    expect(existsSync(path.join(root, 'dist', 'src', 'a.js'))).toBe(true);
    expect(run()).toBe('fresh');
  });

  it('records no success when the build fails, so the next start builds (and shows the errors) again', () => {
    run();
    touchLater(path.join(root, 'index.ts'));
    expect(() => run(() => 2)).toThrow(BuildFailedError);
    expect(existsSync(path.join(root, 'dist', STAMP_FILE))).toBe(false);
    expect(run()).toBe('built');
  });

  it('a source saved while the build runs makes the next start build again', () => {
    expect(
      run(() => {
        const status = fakeTsc();
        const during = new Date(Date.now() + 50);
        utimesSync(path.join(root, 'src', 'a.ts'), during, during);
        return status;
      }),
    ).toBe('built');
    expect(check()).toMatchObject({ fresh: false });
  });

  it('with force, builds even when fresh', () => {
    run();
    expect(ensureBuilt({ root, configFile: path.join(root, 'tsconfig.build.json'), force: true, build: fakeTsc, log: () => {} })).toBe('built');
    expect(builds).toBe(2);
  });

  it("reads this project's build config: plain folders and files (no patterns), dist/ and its incremental record", () => {
    const config = readBuildConfig(path.resolve('tsconfig.build.json'));
    expect(config.include.map((entry) => path.relative(process.cwd(), entry))).toEqual(expect.arrayContaining(['index.ts', 'app.ts', 'services', 'sandbox', 'admin']));
    expect(config.include.filter((entry) => /[*?]/.test(entry))).toEqual([]);
    expect(config.chain.map((file) => path.basename(file))).toEqual(['tsconfig.build.json', 'tsconfig.json']);
    expect(config.outDir).toBe(path.resolve('dist'));
    expect(config.tsBuildInfoFile).toBe(path.resolve('dist/.tsbuildinfo'));
  });
});
