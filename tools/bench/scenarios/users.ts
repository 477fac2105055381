/**
 * The `users` scenario: the stored-users benchmark (storedUsers.ts, also `npm run bench:users`), 10 vs 10,000
 * users in the bot's store, run as it runs on its own, in a child process; its lines are passed through indented
 * and its JSON line becomes part of the suite's.
 */
import { spawn } from 'node:child_process';
import { builtEntry } from '../../load/nodeChild.js';

export interface StoredUsersResult {
  scenario: string;
  cpuRatio: number;
  latencyRatio: number;
  [storedUsers: string]: unknown;
}

export interface StoredUsersFigures {
  results: StoredUsersResult[];
  [field: string]: unknown;
}

export async function runUsers(settings: { rounds: number; storedUsers: number; turns?: number; warmup?: number }, log: (line: string) => void): Promise<StoredUsersFigures> {
  const entry = builtEntry('dist-tools/tools/bench/storedUsers.js');
  const args = [entry, '--rounds', String(settings.rounds), '--many', String(settings.storedUsers)];
  if (settings.turns !== undefined) args.push('--turns', String(settings.turns));
  if (settings.warmup !== undefined) args.push('--warmup', String(settings.warmup));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let json: StoredUsersFigures | undefined;
  let pending = '';
  let errors = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      if (line.startsWith('{"bench":"storedUsers"')) json = JSON.parse(line) as StoredUsersFigures;
      else log(`  users: ${line}`);
    }
  });
  child.stderr.on('data', (chunk: Buffer) => (errors = (errors + chunk.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (json === undefined) throw new Error(`the stored-users benchmark exited with ${code} and no figures:\n${errors}`);
  return json;
}
