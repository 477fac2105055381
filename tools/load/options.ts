/** `npm run load` options, parsed once into typed values; a bad one is a usage error (exit code 2). */
import { parseArgs } from 'node:util';
import type { StorageKind } from './topology.js';

export interface LoadOptions {
  conversations: number;
  instances: number;
  storage: StorageKind;
  /** A person's pause between a reply and their next action (ms, ±25% at random); 0: none. */
  thinkMs: number;
  port?: number;
  /** Conversations run one after another before the measured ones (checked, not counted in the figures). */
  warmup: number;
}

export const USAGE = [
  'usage: npm run load -- [--conversations N] [--instances N] [--storage local|azure] [--think-ms N] [--port P] [--warmup N]',
  '  --conversations N   concurrent conversations, 1-2000 (default 200)',
  '  --instances N       bot processes, 1-4 (default 1); more than one needs --storage azure',
  '  --storage KIND      local: files under DATA_DIR, as npm start (default); azure: Azurite, shared by the instances',
  '  --think-ms N        a person\'s pause between a reply and the next message, ±25% (default 0)',
  '  --port P            the bot\'s port; with several instances P, P+1, … (default free ports)',
  '  --warmup N          conversations one after another before the measured ones, not counted (default 0)',
].join('\n');

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function parseLoadOptions(args: string[]): LoadOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        conversations: { type: 'string', default: '200' },
        instances: { type: 'string', default: '1' },
        storage: { type: 'string', default: 'local' },
        'think-ms': { type: 'string', default: '0' },
        port: { type: 'string' },
        warmup: { type: 'string', default: '0' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const conversations = integer('--conversations', values.conversations, 1, 2000);
  const instances = integer('--instances', values.instances, 1, 4);
  const storage = values.storage;
  if (storage !== 'local' && storage !== 'azure') throw new UsageError(`--storage must be local or azure, not "${storage}"`);
  if (instances > 1 && storage !== 'azure') {
    throw new UsageError('--instances above 1 needs --storage azure: instances share their data only through Azure Blob Storage (Azurite here)');
  }
  const thinkMs = integer('--think-ms', values['think-ms'], 0, 600_000);
  const port = values.port === undefined ? undefined : integer('--port', values.port, 1, 65535 - instances + 1);
  const warmup = integer('--warmup', values.warmup, 0, 1000);
  return { conversations, instances, storage, thinkMs, port, warmup };
}

function integer(name: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  return value;
}
