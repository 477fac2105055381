/**
 * Finding 7, over real HTTP. In Emulator mode the bot replies only to serviceUrls on this machine unless
 * ALLOWED_SERVICE_URLS names the origin, and every Bot Connector call has a deadline. The listener "off this
 * machine" runs inside a network namespace this test creates (a veth pair with 10.x addresses of its own), so
 * nothing is ever sent anywhere else. Needs root (ip netns); fails, rather than skips, without it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { emulatorMessage, postActivity } from '../helpers/emulatorActivity.js';
import { createNetworkNamespace, type NetworkNamespace } from '../helpers/networkNamespace.js';
import { freePort } from '../helpers/ports.js';

/**
 * A Bot Connector stand-in inside the namespace. `answer`: replies 200 to every POST. `silent`: accepts
 * connections and never answers. Reports each connection and each request on stdout, one JSON line each.
 */
const LISTENER = `
  const [mode, host] = process.argv.slice(1);
  const report = (event) => console.log(JSON.stringify(event));
  const server = mode === 'silent'
    ? require('node:net').createServer((socket) => { report({ connection: true }); socket.on('data', () => {}); })
    : require('node:http').createServer((req, res) => {
        report({ request: req.method + ' ' + req.url });
        req.resume();
        req.on('end', () => { res.writeHead(200, { 'Content-Type': 'application/json' }); res.end('{"id":"1"}'); });
      }).on('connection', () => report({ connection: true }));
  server.listen(0, host, () => report({ listening: server.address().port }));
`;

class NamespaceListener {
  readonly events: Array<{ connection?: boolean; request?: string; listening?: number }> = [];
  private child?: ChildProcess;
  origin = '';

  async start(namespace: NetworkNamespace, mode: 'answer' | 'silent'): Promise<void> {
    this.child = namespace.spawn(process.execPath, ['-e', LISTENER, mode, namespace.namespaceAddress], { stdio: ['ignore', 'pipe', 'inherit'] });
    let buffered = '';
    this.child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) if (line.trim()) this.events.push(JSON.parse(line));
    });
    const deadline = Date.now() + 10_000;
    while (!this.events.some((event) => event.listening)) {
      if (Date.now() > deadline) throw new Error('the listener in the namespace did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.origin = `http://${namespace.namespaceAddress}:${this.events.find((event) => event.listening)!.listening}`;
  }

  connections(): number {
    return this.events.filter((event) => event.connection).length;
  }

  stop(): void {
    this.child?.kill();
  }
}

async function startBot(extra: Record<string, string> = {}, connectorTimeoutMs?: number): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'service-url-'));
  return startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...extra }, undefined, { connectorTimeoutMs });
}

async function postMessage(app: RunningApp, serviceUrl: string, text = 'help'): Promise<Response> {
  return postActivity(app.url, emulatorMessage(serviceUrl, text));
}

describe('serviceUrl in Emulator mode', () => {
  const listeners: NamespaceListener[] = [];
  const apps: RunningApp[] = [];
  let namespace: NetworkNamespace;

  async function listener(mode: 'answer' | 'silent'): Promise<NamespaceListener> {
    const started = new NamespaceListener();
    listeners.push(started);
    await started.start(namespace, mode);
    return started;
  }

  beforeAll(async () => {
    namespace = await createNetworkNamespace({ prefix: 'svu', subnet: 207 });
  }, 30_000);

  afterAll(async () => {
    for (const app of apps) await app.close();
    listeners.forEach((started) => started.stop());
    await namespace?.remove();
  }, 30_000);

  it('refuses, with 403 and what to set, an activity whose serviceUrl is off this machine, and sends nothing there', async () => {
    const channel = await listener('answer');
    const app = await startBot();
    apps.push(app);
    const response = await postMessage(app, `${channel.origin}/`);
    expect(response.status).toBe(403);
    const answer = (await response.json()) as { detail: string };
    expect(answer.detail).toContain(`add that origin to ALLOWED_SERVICE_URLS`);
    expect(answer.detail).toContain(channel.origin);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(channel.connections()).toBe(0);
  });

  it('replies there once ALLOWED_SERVICE_URLS names the origin', async () => {
    const channel = await listener('answer');
    const app = await startBot({ ALLOWED_SERVICE_URLS: channel.origin });
    apps.push(app);
    const response = await postMessage(app, `${channel.origin}/`);
    expect(response.status).toBe(200);
    expect(channel.events.some((event) => event.request?.startsWith('POST /v3/conversations/'))).toBe(true);
  });

  it('finishes a turn whose channel accepts the connection and never answers, at the connector deadline', async () => {
    const channel = await listener('silent');
    const app = await startBot({ ALLOWED_SERVICE_URLS: channel.origin }, 1_500);
    apps.push(app);
    const started = Date.now();
    const response = await postMessage(app, `${channel.origin}/`);
    await response.arrayBuffer();
    const elapsed = Date.now() - started;
    expect(channel.connections()).toBeGreaterThan(0);
    // One reply timed out; the turn gives up rather than wait out the deadline again for an apology.
    expect(elapsed).toBeGreaterThanOrEqual(1_400);
    expect(elapsed).toBeLessThan(4_000);
    // And the bot still serves others.
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  }, 20_000);
});
