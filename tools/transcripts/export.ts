/**
 * Entry point of `npm run transcripts:export`; see run.ts. Reads `.env` like the bot does, so both open the same
 * store with the same settings.
 */
import { existsSync } from 'node:fs';
import { runExportCommand } from './run.js';

if (existsSync('.env')) process.loadEnvFile('.env');

process.exitCode = await runExportCommand(process.argv.slice(2), { cwd: process.env.INIT_CWD ?? process.cwd() });
