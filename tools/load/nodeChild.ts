/**
 * A built entry point (dist/index.js, dist/sandbox/server.js) in a child process, started as `npm start` /
 * `npm run sandbox` would start it, and stopped with a real signal so its exit code can be reported.
 *
 * The child gets PATH and the variables given, nothing else of this shell's environment, and runs in a folder of its
 * own: index.ts loads `.env` from its working folder, and a `.env` in the checkout would change the settings the
 * figures are printed for.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export interface NodeChild {
  name: string;
  pid: number;
  /** The first lines it wrote (up to its readiness line), then the latest ones: enough to explain a failure. */
  output(): string;
  /** Sends the signal and resolves with the exit code (null when a signal ended it). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export interface NodeChildOptions {
  /** Text of the log line that says it is ready (e.g. `"msg":"bot listening"`). */
  readyLine: string;
  cwd: string;
  timeoutMs?: number;
}

const KEPT_OUTPUT = 64 * 1024;

/** Fails with a plain message when `npm run build` has not produced the entry point. */
export function builtEntry(relative: string): string {
  const entry = path.resolve(relative);
  if (!existsSync(entry)) throw new MissingBuildError(relative);
  return entry;
}

export class MissingBuildError extends Error {
  constructor(relative: string) {
    super(`${relative} is missing: run \`npm run build\` first (the npm script does).`);
    this.name = 'MissingBuildError';
  }
}

export async function startNodeChild(
  name: string,
  entry: string,
  env: Record<string, string>,
  options: NodeChildOptions,
): Promise<NodeChild> {
  const child: ChildProcess = spawn(process.execPath, [entry], {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let head = '';
  let tail = '';
  let ready = false;
  const collect = (chunk: Buffer): void => {
    if (!ready) {
      head += chunk.toString();
      ready = head.includes(options.readyLine);
      return;
    }
    // A load run logs for minutes: keep only the end, bounded.
    tail = (tail + chunk.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!ready) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`${name} exited before it was ready:\n${head}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${options.timeoutMs ?? 30_000} ms:\n${head}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return {
    name,
    pid: child.pid!,
    output: () => (tail === '' ? head : `${head}\n…\n${tail}`),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
    exited,
  };
}
