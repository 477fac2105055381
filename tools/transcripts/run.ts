/**
 * `npm run transcripts:export -- <out-folder> [--conversation <id>] [--delete]`: opens the store the bot uses in
 * this environment (the same variables and `.env`), writes every conversation recorded with RECORD_TRANSCRIPTS=true
 * as an Emulator `.transcript` file, and returns the exit code: 0 done, 1 failure, 2 bad arguments.
 */
import path from 'node:path';
import { ConfigError, loadConfig } from '../../services/config/config.js';
import { openRecordStore } from '../../services/storage/openRecordStore.js';
import type { RecordStore } from '../../services/storage/recordStore.js';
import { DEFAULT_MAX_ACTIVITIES, DEFAULT_MAX_BYTES } from '../../services/transcripts/transcriptFiles.js';
import { exportTranscripts, type ExportResult } from './exportTranscripts.js';

export const USAGE = `Usage: npm run transcripts:export -- <out-folder> [--conversation <id>] [--delete]
  Writes each conversation recorded with RECORD_TRANSCRIPTS=true to <out-folder>/<channel>_<conversation>.transcript,
  which the Emulator and \`npm run replay\` open. It reads the store the bot uses with the same environment and .env:
  Azure Blob Storage when AZURE_STORAGE_CONNECTION_STRING is set, otherwise DATA_DIR/records.
  --conversation <id>   only this conversation (its id, or its file name)
  --delete              then delete the records that went into a file
  A conversation is cut at ${DEFAULT_MAX_ACTIVITIES.toLocaleString('en-US')} activities or ${DEFAULT_MAX_BYTES / 1024 / 1024} MB; with --delete its later turns stay for the next export.
  An existing file is never overwritten: the next export of a conversation gets a numbered name.`;

export interface ExportCommandOptions {
  env?: NodeJS.ProcessEnv;
  /** Where a relative out-folder starts (npm runs scripts in the package folder; INIT_CWD is where the user was). */
  cwd?: string;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
}

interface Arguments {
  outDir: string;
  conversation?: string;
  deleteExported: boolean;
}

export async function runExportCommand(args: string[], options: ExportCommandOptions = {}): Promise<number> {
  const stdout = options.stdout ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stderr = options.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  const parsed = parseArguments(args);
  if (parsed === 'help') {
    stdout(USAGE);
    return 0;
  }
  if (typeof parsed === 'string') {
    stderr(parsed);
    stderr(USAGE);
    return 2;
  }

  let store: RecordStore;
  try {
    // The bot's own factory, so both always open the same store.
    store = await openRecordStore(loadConfig(options.env ?? process.env));
  } catch (error) {
    stderr(error instanceof ConfigError ? error.message : `Cannot open the store: ${(error as Error).message}`);
    return 1;
  }
  const cwd = options.cwd ?? process.cwd();
  const outDir = path.resolve(cwd, parsed.outDir);
  let result: ExportResult;
  try {
    result = await exportTranscripts(store, { outDir, conversation: parsed.conversation, deleteExported: parsed.deleteExported });
  } catch (error) {
    stderr(`Export failed: ${(error as Error).message}`);
    return 1;
  }

  for (const file of result.files) {
    stdout(`${path.relative(cwd, file.file) || file.file} (${count(file.activities, 'activity', 'activities')})`);
    if (file.cut) {
      stdout(
        `  cut at the limit of ${DEFAULT_MAX_ACTIVITIES.toLocaleString('en-US')} activities or ${DEFAULT_MAX_BYTES / 1024 / 1024} MB: ` +
          `the last ${count(file.cut.activities, 'activity', 'activities')} (${count(file.cut.turns, 'turn', 'turns')}) left out`,
      );
    }
  }
  for (const key of result.damaged) stderr(`Skipped ${key}: not a transcript record (left in place).`);
  const activities = result.files.reduce((sum, file) => sum + file.activities, 0);
  if (result.files.length === 0) {
    const what = parsed.conversation === undefined ? 'No recorded conversations' : `No recorded conversation "${parsed.conversation}"`;
    (parsed.conversation === undefined ? stdout : stderr)(`${what} in ${store.location}.`);
  } else {
    stdout(
      `Exported ${count(result.files.length, 'conversation', 'conversations')} (${count(activities, 'activity', 'activities')}) ` +
        `from ${store.location} to ${outDir}${parsed.deleteExported ? `; deleted ${count(result.deleted, 'record', 'records')}` : ''}.`,
    );
  }
  const missing = parsed.conversation !== undefined && result.files.length === 0;
  return result.damaged.length > 0 || missing ? 1 : 0;
}

function parseArguments(args: string[]): Arguments | 'help' | string {
  const folders: string[] = [];
  let conversation: string | undefined;
  let deleteExported = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    switch (arg) {
      case '--conversation': {
        const value = args[++i];
        if (value === undefined || value === '') return '--conversation needs a conversation id';
        conversation = value;
        break;
      }
      case '--delete':
        deleteExported = true;
        break;
      case '--help':
      case '-h':
        return 'help';
      default:
        if (arg.startsWith('-')) return `Unknown option ${arg}`;
        folders.push(arg);
    }
  }
  if (folders.length === 0) return 'Name the folder to write the transcripts to.';
  if (folders.length > 1) return `Name one folder, not ${folders.length}: ${folders.join(', ')}`;
  return { outDir: folders[0]!, conversation, deleteExported };
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}
