/**
 * What a load run talks to, started as an organisation would run it:
 *
 * - one instance on local storage: exactly `npm start` (node dist/index.js, its embedded Confluence sandbox, records
 *   and state under DATA_DIR);
 * - otherwise: Azurite as the shared Azure Blob Storage, one standalone sandbox (node dist/sandbox/server.js), N bot
 *   processes sharing the container and one ENCRYPTION_KEY, and a round-robin load balancer in front of them that is
 *   their PUBLIC_URL (so a sign-in link opened on one instance may come back to another).
 *
 * Every setting that differs from a default is listed in `changedSettings`, with the reason, for the run to print.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readSandboxContents } from '../../sandbox/index.js';
import { LocalRecordStore } from '../../services/storage/localRecordStore.js';
import { LOCAL_RECORDS_FOLDER } from '../../services/storage/openRecordStore.js';
import { startAzurite, type Azurite } from '../shared/azurite.js';
import { freePort } from '../shared/freePort.js';
import { startRoundRobinProxy, type RoundRobinProxy } from '../shared/roundRobinProxy.js';
import { builtEntry, startNodeChild, type NodeChild } from './nodeChild.js';
import { childPidsRunning } from './processCpu.js';
import { checkContainer, checkRecordFolder, checkStateFolder, emptyCheck, mergeChecks, type StorageCheck } from './storageCheck.js';

export type StorageKind = 'local' | 'azure';

export interface TopologyOptions {
  instances: number;
  storage: StorageKind;
  /** The (first) bot's port; default a free one. */
  port?: number;
}

export interface ChangedSetting {
  name: string;
  /** Printable value (a generated secret is described, never shown). */
  value: string;
  why: string;
}

export interface Topology {
  /** What runs, one line each. */
  description: string[];
  changedSettings: ChangedSetting[];
  /** Where conversations post /api/messages: the bot, or the load balancer. */
  botUrl: string;
  bots: NodeChild[];
  /** The standalone sandbox (not with one local instance, whose sandbox is inside the bot). */
  sandbox?: NodeChild;
  azuritePid?: number;
  /** SIGTERM to every bot, then to the sandbox: their exit codes. */
  stop(): Promise<{ bots: Array<number | null>; sandbox?: number | null }>;
  /** After stop: every page title the sandbox holds, and the state of every store. */
  inspect(): Promise<{ titles: string[]; storage: StorageCheck }>;
  /** Stops what is left (balancer, Azurite). */
  dispose(): Promise<void>;
}

const READY = { bot: '"msg":"bot listening"', sandbox: '"msg":"sandbox listening"' };

export async function startTopology(options: TopologyOptions): Promise<Topology> {
  return options.instances === 1 && options.storage === 'local' ? startLikeNpmStart(options.port) : startShared(options);
}

async function startLikeNpmStart(chosenPort: number | undefined): Promise<Topology> {
  const entry = builtEntry('dist/index.js');
  const port = chosenPort ?? (await freePort());
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'load-'));
  const bot = await startNodeChild('bot', entry, { PORT: String(port), DATA_DIR: dataDir }, {
    readyLine: READY.bot,
    cwd: dataDir,
  });
  return {
    description: [`1 bot (pid ${bot.pid}) on http://127.0.0.1:${port} as npm start runs it: embedded Confluence sandbox, records and state under ${dataDir}`],
    changedSettings: [
      { name: 'PORT', value: String(port), why: chosenPort === undefined ? 'a free port, so a bot already on 3978 is left alone' : '--port' },
      { name: 'DATA_DIR', value: dataDir, why: 'an empty data folder for this run' },
    ],
    botUrl: `http://127.0.0.1:${port}`,
    bots: [bot],
    async stop() {
      return { bots: [await bot.stop('SIGTERM')] };
    },
    async inspect() {
      const records = path.join(dataDir, LOCAL_RECORDS_FOLDER);
      const pages = await pageTitles(records);
      const storage = mergeChecks(pages.check, await checkRecordFolder(records), await checkStateFolder(path.join(dataDir, 'state')));
      return { titles: pages.titles, storage };
    },
    async dispose() {},
  };
}

async function startShared(options: TopologyOptions): Promise<Topology> {
  const botEntry = builtEntry('dist/index.js');
  const sandboxEntry = builtEntry('dist/sandbox/server.js');
  const started: Array<() => Promise<unknown>> = [];
  const undo = async () => {
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const azurite: Azurite = await startAzurite();
    started.push(() => azurite.stop());
    const [azuritePid] = await childPidsRunning('azurite');

    // The balancer first: its address is the bots' PUBLIC_URL, whose callback the sandbox must know.
    const ports: number[] = [];
    for (let index = 0; index < options.instances; index += 1) ports.push(options.port !== undefined ? options.port + index : await freePort());
    const balancer: RoundRobinProxy = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`));
    started.push(() => balancer.close());
    const sandboxPort = await freePort();
    const sandboxUrl = `http://127.0.0.1:${sandboxPort}`;
    const sandboxDir = await mkdtemp(path.join(os.tmpdir(), 'load-sandbox-'));
    const clientSecret = randomBytes(24).toString('hex');
    const sandbox = await startNodeChild(
      'sandbox',
      sandboxEntry,
      { SANDBOX_PORT: String(sandboxPort), SANDBOX_PUBLIC_URL: sandboxUrl, SANDBOX_DATA_DIR: sandboxDir, SANDBOX_CLIENT_SECRET: clientSecret, SANDBOX_REDIRECT_URIS: `${balancer.url}/oauth/callback` },
      { readyLine: READY.sandbox, cwd: sandboxDir },
    );
    started.push(() => sandbox.stop('SIGKILL'));

    const container = `load-${randomBytes(4).toString('hex')}`;
    const shared = {
      PUBLIC_URL: balancer.url,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: container,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ATLASSIAN_CLIENT_ID: 'sandbox-system-app',
      ATLASSIAN_CLIENT_SECRET: clientSecret,
      ATLASSIAN_AUTHORIZATION_URL: `${sandboxUrl}/sandbox/authorize`,
      ATLASSIAN_TOKEN_URL: `${sandboxUrl}/sandbox/oauth/token`,
      ATLASSIAN_API_URL: `${sandboxUrl}/sandbox/api`,
    };
    const dataDirs: string[] = [];
    const bots: NodeChild[] = [];
    for (const [index, port] of ports.entries()) {
      const dataDir = await mkdtemp(path.join(os.tmpdir(), `load-bot${index + 1}-`));
      dataDirs.push(dataDir);
      const bot = await startNodeChild(`bot ${index + 1}`, botEntry, { ...shared, PORT: String(port), DATA_DIR: dataDir }, { readyLine: READY.bot, cwd: dataDir });
      bots.push(bot);
      started.push(() => bot.stop('SIGKILL'));
    }

    return {
      description: [
        `Azurite (pid ${azuritePid ?? '?'}) at ${azurite.blobUrl}, in memory: the shared Azure Blob Storage, container "${container}"`,
        `standalone Confluence sandbox (node dist/sandbox/server.js, pid ${sandbox.pid}) on ${sandboxUrl}, data in ${sandboxDir}`,
        ...bots.map((bot, index) => `${bot.name} (node dist/index.js, pid ${bot.pid}) on http://127.0.0.1:${ports[index]}`),
        `round-robin load balancer on ${balancer.url} (in this process): the bots' PUBLIC_URL and where conversations post`,
      ],
      changedSettings: [
          { name: 'AZURE_STORAGE_CONNECTION_STRING', value: `Azurite at ${azurite.blobUrl}`, why: 'shared storage for the instances' },
        { name: 'AZURE_STORAGE_CONTAINER', value: container, why: 'a fresh container for this run' },
        { name: 'ENCRYPTION_KEY', value: '(random, the same on every instance)', why: 'required with Azure storage' },
        { name: 'PUBLIC_URL', value: balancer.url, why: 'the load balancer in front of the instances' },
        { name: 'ATLASSIAN_CLIENT_ID', value: 'sandbox-system-app', why: 'the standalone sandbox plays Atlassian (the embedded one serves one instance only)' },
        { name: 'ATLASSIAN_CLIENT_SECRET / SANDBOX_CLIENT_SECRET', value: '(random)', why: 'required by the standalone sandbox' },
        { name: 'ATLASSIAN_AUTHORIZATION_URL, _TOKEN_URL, _API_URL', value: `${sandboxUrl}/sandbox/…`, why: 'the standalone sandbox' },
        { name: 'PORT', value: ports.join(', '), why: options.port === undefined ? 'free ports' : '--port and the ones after it' },
        { name: 'DATA_DIR', value: dataDirs.join(', '), why: 'an empty folder per instance (nothing is expected in it with Azure storage)' },
        { name: 'SANDBOX_PORT, SANDBOX_PUBLIC_URL, SANDBOX_DATA_DIR', value: `${sandboxPort}, ${sandboxUrl}, ${sandboxDir}`, why: 'a free port and an empty folder; SANDBOX_SEED and SANDBOX_ACCESS_TOKEN_TTL_SECONDS keep their defaults' },
      ],
      botUrl: balancer.url,
      bots,
      sandbox,
      azuritePid,
      async stop() {
        const codes = await Promise.all(bots.map((bot) => bot.stop('SIGTERM')));
        return { bots: codes, sandbox: await sandbox.stop('SIGTERM') };
      },
      async inspect() {
        const pages = await pageTitles(path.join(sandboxDir, LOCAL_RECORDS_FOLDER));
        const checks = [pages.check, await checkContainer(azurite.connectionString, container), await checkRecordFolder(path.join(sandboxDir, LOCAL_RECORDS_FOLDER))];
        for (const dataDir of dataDirs) {
          checks.push(await checkRecordFolder(path.join(dataDir, LOCAL_RECORDS_FOLDER)), await checkStateFolder(path.join(dataDir, 'state')));
        }
        return { titles: pages.titles, storage: mergeChecks(...checks) };
      },
      async dispose() {
        await balancer.close();
        await azurite.stop();
      },
    };
  } catch (error) {
    await undo();
    throw error;
  }
}

/** The sandbox's pages, read from its records after it stopped; records it cannot read count as broken. */
async function pageTitles(recordsFolder: string): Promise<{ titles: string[]; check: StorageCheck }> {
  try {
    const contents = await readSandboxContents(new LocalRecordStore(recordsFolder));
    return { titles: contents.map((content) => content.title), check: emptyCheck() };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return { titles: [], check: { ...emptyCheck(), broken: [`sandbox contents (${why.slice(0, 200)})`] } };
  }
}
