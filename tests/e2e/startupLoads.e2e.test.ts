/**
 * What `node dist/index.js` loads before it answers: with the default settings (local storage, the sandbox) neither
 * the Azure SDK, which only an Azure-backed bot needs, nor transcript recording; with Azure storage configured it
 * loads the SDK, and an unusable connection string still stops start-up with the plain message and exit code 1.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/shared/freePort.js';

const ENTRY = path.resolve('dist/index.js');

/** A module hook that names every module Node loads on stderr, one `loaded <url>` line each. */
const HOOKS = `export async function load(url, context, next) { process.stderr.write('loaded ' + url + '\\n'); return next(url, context); }`;
const REGISTER = (hooks: string) => `import { register } from 'node:module'; register(${JSON.stringify(new URL(`file://${hooks}`).href)});`;

let folder: string;

beforeAll(() => {
  if (!existsSync(ENTRY)) throw new Error('dist/index.js is missing: run `npm run build` (npm test does it first)');
});

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'startup-loads-'));
  await writeFile(path.join(folder, 'hooks.mjs'), HOOKS);
  await writeFile(path.join(folder, 'register.mjs'), REGISTER(path.join(folder, 'hooks.mjs')));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Runs the bot until /healthz answers (then stops it) or until it exits; returns what it printed and its exit code. */
async function run(env: Record<string, string>): Promise<{ output: string; exitCode: number | null; answered: boolean }> {
  const port = await freePort();
  const dataDir = path.join(folder, 'data');
  const child = spawn(process.execPath, ['--import', path.join(folder, 'register.mjs'), ENTRY], {
    cwd: folder,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  let answered = false;
  const deadline = Date.now() + 20_000;
  while (child.exitCode === null && !answered && Date.now() < deadline) {
    answered = await fetch(`http://127.0.0.1:${port}/healthz`).then((response) => response.ok, () => false);
    if (!answered) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (child.exitCode === null) child.kill('SIGTERM');
  return { output, exitCode: await exited, answered };
}

const loaded = (output: string, pattern: RegExp) => output.split('\n').filter((line) => line.startsWith('loaded ') && pattern.test(line));

describe('what start-up loads', () => {
  it('with the default settings, answers without loading the Azure SDK', async () => {
    const { output, answered } = await run({});
    expect(answered).toBe(true);
    // The hook works: it saw the bot's own modules and its HTTP server.
    expect(loaded(output, /\/dist\/app\.js$/)).toHaveLength(1);
    expect(loaded(output, /node_modules\/restify\//).length).toBeGreaterThan(0);
    expect(loaded(output, /@azure\/storage-blob|\/dist\/services\/storage\/azureRecordStore\.js/)).toEqual([]);
    // Nor transcript recording, which is off unless TRANSCRIPTS_DIR or RECORD_TRANSCRIPTS turns it on.
    expect(loaded(output, /\/dist\/(services\/transcripts\/|bots\/transcriptRecorder\.js)/)).toEqual([]);
  }, 40_000);

  it('with an unusable AZURE_STORAGE_CONNECTION_STRING, loads the Azure SDK and stops with the plain message, never the key', async () => {
    const key = 'c2VjcmV0LWtleS1tdXN0LW5vdC1sZWFr';
    const { output, exitCode, answered } = await run({
      AZURE_STORAGE_CONNECTION_STRING: `AccountName=acme;AccountKey=${key};NotAnEndpoint`,
      ENCRYPTION_KEY: 'ab'.repeat(32),
    });
    expect(answered).toBe(false);
    expect(exitCode).toBe(1);
    expect(loaded(output, /@azure\/storage-blob/).length).toBeGreaterThan(0);
    const printed = output.split('\n').filter((line) => line !== '' && !line.startsWith('loaded '));
    expect(printed).toEqual([expect.stringMatching(/^AZURE_STORAGE_CONNECTION_STRING is not a usable connection string/)]);
    expect(output).not.toContain(key);
  }, 40_000);
});
