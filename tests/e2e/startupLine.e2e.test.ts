/**
 * What a person sees when starting the bot (node dist/index.js, as `npm start` runs it): with LOG_FORMAT=pretty
 * (the default at a terminal) the one line they need is printed plainly, once; without a terminal the logs stay
 * JSON lines for machines. Neither shows restify's DEP0111 deprecation warning.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../tools/shared/freePort.js';

const ENTRY = path.resolve('dist/index.js');

/** Starts the bot, waits for its start-up lines, stops it; returns what it printed up to then. */
async function startUpOutput(env: Record<string, string>): Promise<{ output: string; port: number }> {
  if (!existsSync(ENTRY)) throw new Error('dist/index.js is missing: run `npm run build` (npm test does it first)');
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'startup-line-'));
  const child = spawn(process.execPath, [ENTRY], { env: { PATH: process.env.PATH ?? '', PORT: String(port), DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise((done) => child.once('exit', done));
  try {
    const deadline = Date.now() + 20_000;
    while (!output.includes('connect the Emulator to') || !output.includes('sandbox')) {
      if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the bot did not start:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // The sandbox line comes last; give anything else printed at start-up a moment to arrive.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { output, port };
  } finally {
    child.kill('SIGTERM');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  }
}

describe('start-up output', () => {
  it('with LOG_FORMAT=pretty, prints where to open the bot plainly and once, and no JSON', async () => {
    const { output, port } = await startUpOutput({ LOG_FORMAT: 'pretty' });
    const wanted = `Open http://localhost:${port} or connect the Emulator to http://localhost:${port}/api/messages`;
    const lines = output.split('\n').filter(Boolean);
    expect(lines.filter((line) => line.includes(wanted))).toEqual([expect.stringMatching(new RegExp(`^\\d\\d:\\d\\d:\\d\\d ${wanted.replace(/[.?]/g, '\\$&')}$`))]);
    expect(lines.filter((line) => line.startsWith('{'))).toEqual([]);
    expect(output).not.toMatch(/DEP0111|process\.binding/);
  }, 40_000);

  it('without a terminal or LOG_FORMAT, writes JSON lines only, the ready line tools wait for included', async () => {
    const { output, port } = await startUpOutput({});
    const lines = output.split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(output).toContain('"msg":"bot listening"');
    expect(output).toContain(`"msg":"Open http://localhost:${port} or connect the Emulator to http://localhost:${port}/api/messages"`);
    expect(output).not.toMatch(/DEP0111|process\.binding/);
  }, 40_000);
});
