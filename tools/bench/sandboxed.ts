/**
 * What the create and listing scenarios run against: the Confluence sandbox in a process of its own
 * (benchSandbox.ts, with the BIG space) and each bot contender pointed at it as at a real Atlassian app. With the
 * embedded sandbox (`npm start`'s default) the bot process would also serve Confluence, and its CPU would not be the
 * bot's own. The settings this changes are printed by the suite (suite.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { builtEntry, startNodeChild, type NodeChild } from '../load/nodeChild.js';
import { freePort } from '../shared/freePort.js';
import { startContender, type Contender, type Running } from './contenders.js';

export const BENCH_CLIENT_ID = 'bench-bot';
/** Registered for the raw HTTP loop's own sign-in; never opened (the code is read from the redirect). */
export const RAW_LOOP_REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

export interface Sandboxed {
  sandbox: NodeChild;
  sandboxUrl: string;
  clientSecret: string;
  bots: Running[];
  stop(): Promise<void>;
}

export async function startSandboxed(botContenders: Contender[], listingPages: number): Promise<Sandboxed> {
  const ports: number[] = [];
  for (let index = 0; index < botContenders.length; index += 1) ports.push(await freePort());
  const sandboxPort = await freePort();
  const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
  const sandboxDir = await mkdtemp(path.join(os.tmpdir(), 'bench-sandbox-'));
  const clientSecret = randomBytes(24).toString('hex');
  const publicUrls = ports.map((port) => `http://127.0.0.1:${port}`);
  const sandbox = await startNodeChild(
    'bench sandbox',
    builtEntry('dist-tools/tools/bench/benchSandbox.js'),
    {
      BENCH_SANDBOX_PORT: String(sandboxPort),
      BENCH_CLIENT_ID,
      BENCH_CLIENT_SECRET: clientSecret,
      BENCH_REDIRECT_URIS: [...publicUrls.map((url) => `${url}/oauth/callback`), RAW_LOOP_REDIRECT_URI].join(','),
      BENCH_DATA_DIR: sandboxDir,
      BENCH_BIG_PAGES: String(listingPages),
    },
    { readyLine: '"msg":"bench sandbox listening"', cwd: sandboxDir, timeoutMs: 120_000 },
  );
  const bots: Running[] = [];
  const stop = async () => {
    for (const bot of bots) await bot.stop();
    await sandbox.stop('SIGTERM');
    await rm(sandboxDir, { recursive: true, force: true });
  };
  try {
    for (const [index, contender] of botContenders.entries()) {
      bots.push(
        await startContender(contender, {
          PORT: String(ports[index]),
          PUBLIC_URL: publicUrls[index]!,
          ENCRYPTION_KEY: randomBytes(32).toString('hex'),
          ATLASSIAN_CLIENT_ID: BENCH_CLIENT_ID,
          ATLASSIAN_CLIENT_SECRET: clientSecret,
          ATLASSIAN_AUTHORIZATION_URL: `${sandboxUrl}/sandbox/authorize`,
          ATLASSIAN_TOKEN_URL: `${sandboxUrl}/sandbox/oauth/token`,
          ATLASSIAN_API_URL: `${sandboxUrl}/sandbox/api`,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    sandbox,
    sandboxUrl,
    clientSecret,
    bots,
    stop,
  };
}

/** How many page-list requests the sandbox has served so far. */
export async function pageListRequests(sandboxUrl: string): Promise<number> {
  const response = await fetch(`${sandboxUrl}/bench/page-list-requests`);
  return ((await response.json()) as { pageListRequests: number }).pageListRequests;
}
