/**
 * Entry point of the admin CLI: `node dist/admin/cli.js <command>` (or `npm run admin -- <command>`).
 * Reads `.env` like the bot does, so both open the same data directory with the same key.
 */
import { existsSync } from 'node:fs';
import { runAdmin } from './runAdmin.js';

if (existsSync('.env')) process.loadEnvFile('.env');

process.exitCode = await runAdmin(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
// Only the first line of standard input is the secret: let the process end even if the writer keeps the pipe open.
process.stdin.destroy();
