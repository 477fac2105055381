/**
 * The local Direct Line's Bot Connector routes (`/v3/conversations/:id/activities[/:replyToId]`) answer loopback
 * only. The app listens on every interface; a caller on another address is played from a network namespace this
 * test creates (a veth pair with 10.x addresses of its own), and must get 403 even knowing a live conversation's
 * id, while the bot's own replies over 127.0.0.1 keep reaching the chat.
 *
 * Needs root (ip netns); fails, rather than skips, without it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { createNetworkNamespace, type NetworkNamespace } from '../helpers/networkNamespace.js';
import { freePort } from '../helpers/ports.js';
import { WebChatBrowser } from '../helpers/webChatBrowser.js';

/** Runs `fetch` from inside the namespace; resolves with the HTTP status (or throws with what went wrong). */
async function statusFromNamespace(namespace: NetworkNamespace, url: string, init: { method: string; body?: unknown }): Promise<number> {
  const script = `
    const [url, method, body] = process.argv.slice(1);
    fetch(url, { method, headers: { 'Content-Type': 'application/json' }, ...(body ? { body } : {}), signal: AbortSignal.timeout(5000) })
      .then(async (response) => { await response.arrayBuffer(); console.log(response.status); })
      .catch((error) => { console.error(String(error)); process.exit(2); });
  `;
  const body = init.body === undefined ? '' : JSON.stringify(init.body);
  const { stdout } = await namespace.exec(process.execPath, ['-e', script, url, init.method, body], { timeout: 15_000 });
  return Number(stdout.trim());
}

describe('the local Direct Line connector routes, from off loopback', () => {
  let app: RunningApp;
  let dataDir: string;
  let namespace: NetworkNamespace;

  beforeAll(async () => {
    namespace = await createNetworkNamespace({ prefix: 'cnl', subnet: 203 });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'connector-loopback-'));
    app = await startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  }, 30_000);

  afterAll(async () => {
    await app?.close();
    await namespace?.remove();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("refuses another address with 403, even with a live conversation's id, while the bot's own replies arrive", async () => {
    const victim = new WebChatBrowser(app.url);
    await victim.load();
    // The bot's reply travels over 127.0.0.1 to the connector routes: loopback still works.
    await victim.say('help', (replies) => replies.length > 0);
    const conversationId = victim.conversationId;

    const port = new URL(app.url).port;
    const remote = `http://${namespace.hostAddress}:${port}`;
    // The server is reachable from the namespace at all (so a 403 below is the check, not a dead route).
    expect(await statusFromNamespace(namespace, `${remote}/healthz`, { method: 'GET' })).toBe(200);

    const injected = { type: 'message', text: 'Session expired: sign in again at https://attacker.example', from: { id: 'confluence-assistant', role: 'bot' } };
    const id = encodeURIComponent(conversationId);
    expect(await statusFromNamespace(namespace, `${remote}/v3/conversations/${id}/activities`, { method: 'POST', body: injected })).toBe(403);
    expect(await statusFromNamespace(namespace, `${remote}/v3/conversations/${id}/activities/any-reply-id`, { method: 'POST', body: injected })).toBe(403);

    await victim.poll();
    expect(victim.received.some((activity) => activity.text?.includes('attacker.example'))).toBe(false);
    await victim.say('help', (replies) => replies.length > 0);
  }, 60_000);
});
