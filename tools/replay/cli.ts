/** Entry point of `npm run replay`; see run.ts. */
import { runReplayCommand } from './run.js';

process.exitCode = await runReplayCommand(process.argv.slice(2), { cwd: process.env.INIT_CWD ?? process.cwd() });
