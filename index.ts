/** Entry point: loads `.env` when present, starts the bot, and stops it cleanly on SIGTERM/SIGINT. */
import { existsSync } from 'node:fs';
import { startApp } from './app.js';
import { ConfigError } from './services/config/config.js';
import { EncryptionKeyError } from './services/crypto/encryptionKey.js';
import { DatabaseCorruptError } from './services/auth/legacyMigration.js';
import { AuthRecordCorruptError } from './services/auth/records.js';
import { SandboxDataError } from './sandbox/index.js';
import { RecordCorruptError } from './services/storage/localRecordStore.js';
import { DataDirPermissionError } from './services/storage/privateDataDir.js';

if (existsSync('.env')) process.loadEnvFile('.env');

/**
 * How long a shutdown may wait for turns in flight. Past it the process exits anyway: a channel that never answers
 * must not keep a stopping bot alive (and answering 503) until the platform kills it.
 */
const SHUTDOWN_DEADLINE_MS = 10_000;

const logLine = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields }));

try {
  const app = await startApp();
  const stop = async (signal: string) => {
    logLine('info', `received ${signal}, shutting down`);
    // Exit code 1: work was abandoned, and whatever supervises the process should see that the stop was not clean.
    setTimeout(() => {
      logLine('error', `shutdown did not finish within ${SHUTDOWN_DEADLINE_MS / 1000} s; exiting anyway`, { pending: app.closing() });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  // Imported here, not above: the module loads the Azure SDK, which only an Azure-backed bot needs at start-up.
  const { StorageUnavailableError } = await import('./services/storage/azureRecordStore.js');
  // Problems a person can fix (a variable, the key, a damaged data file) get their message alone, no stack trace.
  const fixable = [ConfigError, EncryptionKeyError, DatabaseCorruptError, RecordCorruptError, AuthRecordCorruptError, StorageUnavailableError, SandboxDataError, DataDirPermissionError].some((kind) => error instanceof kind);
  if (fixable || (error instanceof Error && /sandbox\.json/.test(error.message))) {
    console.error((error as Error).message);
    process.exit(1);
  }
  throw error;
}
