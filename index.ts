/** Entry point: loads `.env` when present, starts the bot, and stops it cleanly on SIGTERM/SIGINT. */
import { existsSync } from 'node:fs';
import { startApp } from './app.js';
import { ConfigError } from './services/config/config.js';
import { EncryptionKeyError } from './services/crypto/encryptionKey.js';
import { DatabaseCorruptError } from './services/auth/legacyMigration.js';
import { AuthRecordCorruptError } from './services/auth/records.js';
import { SandboxDataError } from './sandbox/index.js';
import { StorageUnavailableError } from './services/storage/azureRecordStore.js';
import { RecordCorruptError } from './services/storage/localRecordStore.js';

if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const app = await startApp();
  const stop = async (signal: string) => {
    console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `received ${signal}, shutting down` }));
    await app.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
} catch (error) {
  // Problems a person can fix (a variable, the key, a damaged data file) get their message alone, no stack trace.
  const fixable = [ConfigError, EncryptionKeyError, DatabaseCorruptError, RecordCorruptError, AuthRecordCorruptError, StorageUnavailableError, SandboxDataError].some((kind) => error instanceof kind);
  if (fixable || (error instanceof Error && /sandbox\.json/.test(error.message))) {
    console.error((error as Error).message);
    process.exit(1);
  }
  throw error;
}
