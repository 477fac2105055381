/** Entry point: loads `.env` when present, starts the bot, and stops it cleanly on SIGTERM/SIGINT. */
import { existsSync } from 'node:fs';
import { startApp } from './app.js';
import { ConfigError } from './services/config/config.js';

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
  if (error instanceof ConfigError || (error instanceof Error && /ENCRYPTION_KEY|bot\.json|corrupt/i.test(error.message))) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
