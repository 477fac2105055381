/**
 * Finding 5: the sign-in routes' failure budget is kept per client address, and X-Forwarded-For names that client
 * only when TRUST_PROXY says which proxies to believe. The last test has a real caller off loopback, in a network
 * namespace this test creates, so the bot sees a socket address other than 127.0.0.1.
 */
import { spawn, type SpawnOptions } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../app.js';
import { createNetworkNamespace, type NetworkNamespace } from '../helpers/networkNamespace.js';
import { freePort } from '../helpers/ports.js';

/** A small budget refills slowly (one failure every 12 s), so the checks below are not raced by the refill. */
const BUDGET = 5;

async function start(extra: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'client-address-'));
  return startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', OAUTH_RATE_LIMIT_PER_MINUTE: String(BUDGET), ...extra });
}

/**
 * Sends `count` look-ups of unknown link ids to `base`, each with the X-Forwarded-For `forwarded(i)` gives, and
 * returns the statuses. Written as a standalone script so the same code runs here and inside the namespace.
 */
const PROBE = `
const [base, count, forwarded] = process.argv.slice(1);
(async () => {
  const statuses = [];
  for (let i = 0; i < Number(count); i++) {
    const headers = forwarded === '' ? {} : { 'X-Forwarded-For': forwarded.replaceAll('{i}', String(i % 250)) };
    const response = await fetch(base + '/oauth/start?id=unknown-' + i, { headers });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  process.stdout.write(JSON.stringify(statuses));
})().catch((error) => { console.error(error); process.exit(1); });
`;

async function probe(base: string, count: number, forwarded = '', namespace?: NetworkNamespace): Promise<number[]> {
  const args = ['-e', PROBE, base, String(count), forwarded];
  const options: SpawnOptions = { stdio: ['ignore', 'pipe', 'pipe'] };
  const child = namespace === undefined ? spawn(process.execPath, args, options) : namespace.spawn(process.execPath, args, options);
  let out = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`the probe${namespace ? ` in ${namespace.name}` : ''} failed (${code}): ${err}`);
  return JSON.parse(out) as number[];
}

const refusedAfterBudget = (statuses: number[]) => ({
  allowed: statuses.slice(0, BUDGET).every((status) => status === 400),
  refused: statuses.slice(BUDGET).every((status) => status === 429),
});

describe('the client address of the sign-in failure budget, over loopback', () => {
  it('ignores X-Forwarded-For without TRUST_PROXY: a different header on every request does not dodge the limit', async () => {
    const app = await start();
    try {
      const statuses = await probe(app.url, BUDGET + 5, '198.51.100.{i}');
      expect(refusedAfterBudget(statuses)).toEqual({ allowed: true, refused: true });
    } finally {
      await app.close();
    }
  });

  it('honours X-Forwarded-For with TRUST_PROXY=1: each forwarded client has its own budget', async () => {
    const app = await start({ TRUST_PROXY: '1' });
    try {
      expect(refusedAfterBudget(await probe(app.url, BUDGET + 3, '203.0.113.50, 198.51.100.7'))).toEqual({ allowed: true, refused: true });
      // Another client behind the same proxy is untouched; what the first client put on the left changes nothing.
      expect(await probe(app.url, 3, '198.51.100.8')).toEqual([400, 400, 400]);
      expect(await probe(app.url, 2, '198.51.100.9, 198.51.100.7')).toEqual([429, 429]);
    } finally {
      await app.close();
    }
  });
});

describe('the client address of the sign-in failure budget, from a real caller off loopback', () => {
  /** The bot's side of the veth pair stays in the root namespace; the caller runs inside. */
  let namespace: NetworkNamespace;

  beforeAll(async () => {
    namespace = await createNetworkNamespace({ prefix: 'b9ns', subnet: 209 });
  });
  afterAll(() => namespace?.remove());

  it("keys by the caller's real address; with TRUST_PROXY naming that address, by the address it forwards", async () => {
    const plain = await start();
    try {
      const remote = `http://${namespace.hostAddress}:${new URL(plain.url).port}`;
      const statuses = await probe(remote, BUDGET + 3, '198.51.100.{i}', namespace);
      expect(refusedAfterBudget(statuses)).toEqual({ allowed: true, refused: true });
      // The namespace's address is spent; loopback, a different client, is not.
      expect(await probe(plain.url, 2)).toEqual([400, 400]);
    } finally {
      await plain.close();
    }

    const proxied = await start({ TRUST_PROXY: namespace.namespaceAddress });
    try {
      const remote = `http://${namespace.hostAddress}:${new URL(proxied.url).port}`;
      expect(refusedAfterBudget(await probe(remote, BUDGET + 3, '198.51.100.20', namespace))).toEqual({ allowed: true, refused: true });
      expect(await probe(remote, 2, '198.51.100.21', namespace)).toEqual([400, 400]);
      // Loopback is not a trusted proxy here, so its header is ignored: it cannot borrow or spend the budget of
      // 198.51.100.21, and it is limited as itself.
      expect(refusedAfterBudget(await probe(proxied.url, BUDGET + 2, '198.51.100.{i}'))).toEqual({ allowed: true, refused: true });
      expect(await probe(remote, 1, '198.51.100.21', namespace)).toEqual([400]);
    } finally {
      await proxied.close();
    }
  }, 60_000);
});
