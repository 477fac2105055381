/**
 * `npm run replay -- <file or folder> [...] [--mode user|preauthorized] [--type system|custom] [--profile name]`:
 * replays every `.transcript` given (folders are searched recursively), prints where the bot's replies differ,
 * and returns the exit code: 0 when everything matched, 1 on a difference, 2 on bad arguments.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { TRANSCRIPT_EXTENSION } from '../../services/transcripts/transcriptFiles.js';
import { replayTurns } from './replayer.js';
import { PartialSetup, resolveSetup, setupFromFolder, setupFromWelcome } from './setup.js';
import { parseTranscript, toTurns } from './transcript.js';

export const USAGE = `Usage: npm run replay -- <file.transcript | folder> [...] [options]
  --mode user|preauthorized   authorization mode (default: from the recording's welcome, the folder name, or user)
  --type system|custom        authorization type (default: likewise, or system)
  --profile <name>            the custom profile's name (default: from the recording, or "corporate")
  --timeout <ms>              the longest wait for the bot's replies to one turn (default 10000); a turn is
                              decided sooner, once the bot's turn has ended and it stayed quiet for 250 ms`;

export interface ReplayCommandOptions {
  /** Where relative paths start (npm runs scripts in the package folder; INIT_CWD is where the user was). */
  cwd?: string;
  write?: (line: string) => void;
}

interface Arguments {
  paths: string[];
  flags: PartialSetup;
  timeoutMs?: number;
}

export async function runReplayCommand(args: string[], options: ReplayCommandOptions = {}): Promise<number> {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const parsed = parseArguments(args);
  if (typeof parsed === 'string') {
    write(parsed);
    write(USAGE);
    return 2;
  }
  const cwd = options.cwd ?? process.cwd();
  let files: string[];
  try {
    files = (await Promise.all(parsed.paths.map((p) => transcriptsAt(path.resolve(cwd, p))))).flat();
  } catch (error) {
    write((error as Error).message);
    return 2;
  }
  if (files.length === 0) {
    write(`No ${TRANSCRIPT_EXTENSION} files in ${parsed.paths.join(', ')}.`);
    return 2;
  }

  let passed = 0;
  let turnsTotal = 0;
  let turnsDiffered = 0;
  for (const file of files) {
    const name = path.relative(cwd, file) || file;
    try {
      const activities = parseTranscript(await readFile(file, 'utf8'));
      const setup = resolveSetup(parsed.flags, setupFromWelcome(activities), setupFromFolder(file));
      const turns = toTurns(activities);
      const result = await replayTurns(turns, activities, { setup, turnTimeoutMs: parsed.timeoutMs });
      turnsTotal += result.turns.length;
      turnsDiffered += result.differed;
      const how = `${setup.type}${setup.type === 'custom' ? ` "${setup.profile}"` : ''}, ${setup.mode} mode`;
      if (result.differed === 0) {
        passed++;
        write(`PASS ${name} (${result.turns.length} turns; ${how})`);
      } else {
        write(`FAIL ${name} (${result.differed} of ${result.turns.length} turns differ; ${how})`);
        for (const turn of result.turns.filter((t) => t.differences.length > 0)) {
          write(`  turn ${turn.number} (${turn.description}):`);
          for (const line of turn.differences) write(`    ${line}`);
        }
      }
    } catch (error) {
      write(`FAIL ${name}: ${(error as Error).message}`);
    }
  }
  const failed = files.length - passed;
  write(`${files.length} transcript${files.length === 1 ? '' : 's'}, ${turnsTotal} turns: ${turnsTotal - turnsDiffered} matched, ${turnsDiffered} differed`);
  write(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function parseArguments(args: string[]): Arguments | string {
  const result: Arguments = { paths: [], flags: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const value = () => {
      const next = args[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    try {
      switch (arg) {
        case '--mode': {
          const mode = value();
          if (mode !== 'user' && mode !== 'preauthorized') return `--mode must be user or preauthorized, not "${mode}"`;
          result.flags.mode = mode;
          break;
        }
        case '--type': {
          const type = value();
          if (type !== 'system' && type !== 'custom') return `--type must be system or custom, not "${type}"`;
          result.flags.type = type;
          break;
        }
        case '--profile':
          result.flags.profile = value();
          break;
        case '--timeout': {
          const ms = Number(value());
          if (!Number.isInteger(ms) || ms <= 0) return '--timeout must be a positive number of milliseconds';
          result.timeoutMs = ms;
          break;
        }
        case '--help':
        case '-h':
          return 'Replays Bot Framework transcripts against this bot.';
        default:
          if (arg.startsWith('--')) return `Unknown option ${arg}`;
          result.paths.push(arg);
      }
    } catch (error) {
      return (error as Error).message;
    }
  }
  return result.paths.length === 0 ? 'Name at least one .transcript file or folder.' : result;
}

/** The transcript itself, or every `.transcript` under a folder, sorted so runs are repeatable. */
async function transcriptsAt(target: string): Promise<string[]> {
  let info;
  try {
    info = await stat(target);
  } catch {
    throw new Error(`No such file or folder: ${target}`);
  }
  if (info.isFile()) return [target];
  const entries = await readdir(target, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith(TRANSCRIPT_EXTENSION))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}
