/**
 * `npm run sandbox`: the Confluence sandbox on a server of its own, the one fake Atlassian that several bot
 * instances point at (the sandbox embedded in the bot serves that instance only). It knows one app,
 * SANDBOX_CLIENT_ID with SANDBOX_CLIENT_SECRET, keeps its data under SANDBOX_DATA_DIR, and prints the ATLASSIAN_*
 * variables the bots need. Tests and tools run it in-process with startSandboxServer.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import restify, { type Server } from 'restify';
import { ConfigError } from '../services/config/config.js';
import { createLogger } from '../services/logging/logger.js';
import { sandboxRequestBodies } from '../web/http/bodyPolicies.js';
import { restifyLog } from '../web/restifyLog.js';
import { LocalRecordStore, RecordCorruptError } from '../services/storage/localRecordStore.js';
import { DataDirPermissionError, makeDataDirPrivate } from '../services/storage/privateDataDir.js';
import { createSandbox, SandboxDataError, type Sandbox } from './index.js';
import { loadSandboxServerConfig, type SandboxServerConfig } from './serverConfig.js';

/** The one app a shared sandbox knows (SANDBOX_CLIENT_ID): the bots pointed at it. */
const SHARED_SANDBOX_APP_NAME = 'Confluence assistant';

export interface SandboxServer {
  /** Where it listens, e.g. http://127.0.0.1:3979: the base of ATLASSIAN_TOKEN_URL and ATLASSIAN_API_URL. */
  url: string;
  /** What browsers use: the consent page and the viewer. */
  publicUrl: string;
  sandbox: Sandbox;
  /** Stops listening, lets requests in flight finish, and waits until every record is written. */
  close(): Promise<void>;
}

export interface SandboxServerOptions {
  /** Where the start-up line goes; default stdout. */
  log?: (line: string) => void;
}

export async function startSandboxServer(env: NodeJS.ProcessEnv = process.env, options: SandboxServerOptions = {}): Promise<SandboxServer> {
  const config = loadSandboxServerConfig(env);
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // restify's own log lines go through ours (redacted): its default logger would write request URLs, state included.
  const server = restify.createServer({ name: 'confluence-sandbox', log: restifyLog(createLogger('info', log)) as never });
  server.use(restify.plugins.queryParser());
  // Per-route content types and size caps, read without touching the disk (restify's bodyParser does neither).
  server.use(sandboxRequestBodies());
  // Listening first gives the port (SANDBOX_PORT=0 picks one), which the sandbox's links are built on; a request
  // in the few milliseconds before the routes are mounted gets 404.
  await listen(server, config);
  const port = (server.address() as AddressInfo).port;
  const url = `http://${hostInUrl(config.host)}:${port}`;
  const publicUrl = config.publicUrl ?? `http://localhost:${port}`;
  const stopListening = (): Promise<void> => new Promise<void>((resolve) => server.close(() => resolve()));

  let sandbox: Sandbox;
  try {
    // Its records hold the token hashes and the users' pages: no other user of the machine may read them.
    makeDataDirPrivate(config.dataDir);
    sandbox = await createSandbox({
      records: new LocalRecordStore(path.join(config.dataDir, 'records')),
      legacyDataDir: config.dataDir,
      publicUrl,
      resolveClient: (clientId) => (clientId === config.clientId ? { secret: config.clientSecret, name: SHARED_SANDBOX_APP_NAME } : undefined),
      redirectUris: config.redirectUris,
      seed: config.seed,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    });
  } catch (error) {
    await stopListening();
    throw error;
  }
  sandbox.mount(server);

  // Written by hand, not through the bot's logger: that one masks any field whose name says "token".
  log(
    JSON.stringify({
      time: new Date().toISOString(),
      level: 'info',
      msg: 'sandbox listening',
      url,
      publicUrl,
      dataDir: config.dataDir,
      seed: config.seedName,
      redirectUris: config.redirectUris,
      botEnvironment: {
        ATLASSIAN_CLIENT_ID: config.clientId,
        ATLASSIAN_AUTHORIZATION_URL: `${publicUrl}/sandbox/authorize`,
        ATLASSIAN_TOKEN_URL: `${url}/sandbox/oauth/token`,
        ATLASSIAN_API_URL: `${url}/sandbox/api`,
      },
      hint: 'Give each bot these variables, ATLASSIAN_CLIENT_SECRET set to the value of SANDBOX_CLIENT_SECRET, and an ENCRYPTION_KEY.',
    }),
  );

  return {
    url,
    publicUrl,
    sandbox,
    async close() {
      await stopListening();
      await sandbox.close();
    },
  };
}

function listen(server: Server, config: SandboxServerConfig): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException): void => {
      if (error.code === 'EADDRINUSE') reject(new ConfigError([`SANDBOX_PORT: ${config.port} is already in use on ${config.host}`]));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ConfigError([`SANDBOX_HOST: ${config.host} is not an address of this machine`]));
      else reject(error);
    };
    // restify re-emits its HTTP server's errors on itself.
    server.once('error', fail);
    server.listen(config.port, config.host, () => {
      server.removeListener('error', fail);
      resolve();
    });
  });
}

/** A wildcard address is reached at loopback; an IPv6 literal needs brackets. */
function hostInUrl(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

async function main(): Promise<void> {
  let running: SandboxServer;
  try {
    running = await startSandboxServer(process.env);
  } catch (error) {
    // Problems a person can fix (a variable, a damaged data record) get their message alone, no stack trace.
    if (error instanceof ConfigError || error instanceof SandboxDataError || error instanceof RecordCorruptError || error instanceof DataDirPermissionError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const stop = async (signal: string): Promise<void> => {
    console.log(JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: `received ${signal}, shutting down` }));
    await running.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

// Run only as `node dist/sandbox/server.js`, not when a test or tool imports startSandboxServer.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
