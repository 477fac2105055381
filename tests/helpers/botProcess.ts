/**
 * The bot as `npm start` runs it (node dist/index.js), in a child process, so tests can kill it for real
 * (SIGKILL, SIGTERM) and start it again on the same data folder. `npm test` builds dist/ first.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface BotProcess {
  url: string;
  /** The process id, e.g. to read its memory from /proc/<pid>/status. */
  pid: number;
  /** Everything the process wrote to stdout and stderr. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<number | null>;
}

const ENTRY = path.resolve('dist/index.js');

export async function startBotProcess(env: Record<string, string>, timeoutMs = 20_000): Promise<BotProcess> {
  if (!existsSync(ENTRY)) throw new Error('dist/index.js is missing: run `npm run build` (npm test does it first)');
  const child: ChildProcess = spawn(process.execPath, [ENTRY], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const deadline = Date.now() + timeoutMs;
  while (!output.includes('"msg":"bot listening"')) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode} before listening:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the bot did not start within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `http://127.0.0.1:${env.PORT}`,
    pid: child.pid!,
    output: () => output,
    kill: (signal) => child.kill(signal),
    exited,
  };
}
