/**
 * The Web Chat user id is the server's, over real HTTP against the real app (sandbox, local Direct Line): a browser
 * that signed in keeps its Confluence connection across reloads through its signed cookie, a second browser that
 * names the first one's id in the body gets an identity of its own (not connected, no listing), and a flood of
 * sessions neither gets past the per-address budget nor pushes a live chat out of the local Direct Line.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { SESSION_BUDGET } from '../../web/webChat/routes.js';
import { freePort } from '../helpers/ports.js';
import {
  DOCS_LISTED as LISTED,
  finishSignInInBrowser,
  signInLinkIn,
  signInLinkOrListing as listedOrSignIn,
  WebChatBrowser,
} from '../helpers/webChatBrowser.js';

async function start(env: Record<string, string> = {}): Promise<{ app: RunningApp; dataDir: string }> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'webchat-identity-'));
  const app = await startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  return { app, dataDir };
}

/** What the person's browser does with the sign-in link: its cookie goes along, as a browser's would. */
async function signIn(browser: WebChatBrowser, link: string): Promise<void> {
  const { status } = await finishSignInInBrowser(link, browser.cookie);
  if (status !== 200) throw new Error(`the callback answered ${status}`);
}

describe('Web Chat identity over HTTP', () => {
  let app: RunningApp;
  let dataDir: string;
  beforeAll(async () => {
    ({ app, dataDir } = await start());
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const connected = async (userId: string) => (await app.auth.getConnection({ channelId: 'webchat', userId })).status === 'connected';

  it("a second browser naming the first one's user id gets its own identity: not connected, and no listing", async () => {
    const alice = new WebChatBrowser(app.url);
    await alice.load();
    const link = signInLinkIn(await alice.say('list pages in DOCS', listedOrSignIn));
    expect(link).toBeDefined();
    await signIn(alice, link!);
    expect(await connected(alice.userId)).toBe(true);
    // The resumed turn lists the pages for Alice.
    await alice.say('list pages in DOCS', (replies) => replies.some((reply) => LISTED.test(reply.text ?? '')));

    const mallory = new WebChatBrowser(app.url);
    await mallory.load({ userId: alice.userId });
    expect(mallory.userId).not.toBe(alice.userId);
    expect(await connected(mallory.userId)).toBe(false);
    const replies = await mallory.say('list pages in DOCS', listedOrSignIn);
    expect(replies.some((reply) => LISTED.test(reply.text ?? ''))).toBe(false);
    expect(signInLinkIn(replies)).toBeDefined();

    // Reloading (a new session with the same cookie) keeps Alice's identity, so her connection survives it.
    await alice.load({ userId: mallory.userId });
    expect(await connected(alice.userId)).toBe(true);
    const again = await alice.say('list pages in DOCS', listedOrSignIn);
    expect(again.some((reply) => LISTED.test(reply.text ?? ''))).toBe(true);
  }, 60_000);

  it(`a flood of 1,000 sessions from one address gets ${SESSION_BUDGET.burst} and then 429, and the live chat goes on`, async () => {
    const live = new WebChatBrowser(app.url);
    await live.load();
    await live.say('help', (replies) => replies.length > 0);
    // Whatever the budget left after the first test and this one's own session, the flood exhausts it.
    const statuses: number[] = [];
    const started = Date.now();
    for (let i = 0; i < 1000; i++) {
      const response = await fetch(`${app.url}/webchat/session`, { method: 'POST' });
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    // The budget refills while the flood runs (30 a minute): that much more may get through, no more.
    const refilled = Math.ceil(((Date.now() - started) / 60_000) * SESSION_BUDGET.perMinute);
    const opened = statuses.filter((status) => status === 200).length;
    expect(opened).toBeLessThanOrEqual(SESSION_BUDGET.burst + refilled);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1000 - opened);
    expect(await live.poll()).toBe(200);
    await live.say('help', (replies) => replies.length > 0);
  }, 60_000);
});

describe('Web Chat sessions past the budget (TRUST_PROXY believing spoofed addresses)', () => {
  it('1,000 quick sessions that never start push out only each other, never a live chat', async () => {
    // TRUST_PROXY=1 with a different X-Forwarded-For each time: every request looks like a new client, so the
    // budget lets them all through, and only the store's eviction order protects the live chat.
    const { app, dataDir } = await start({ TRUST_PROXY: '1' });
    try {
      const live = new WebChatBrowser(app.url);
      await live.load();
      await live.say('help', (replies) => replies.length > 0);
      // Quiet, as a chat is between two polls: the least recently used conversation is the live one now.
      await live.settle();
      let opened = 0;
      for (let i = 0; i < 1000; i++) {
        const response = await fetch(`${app.url}/webchat/session`, {
          method: 'POST',
          headers: { 'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        });
        await response.arrayBuffer();
        if (response.status === 200) opened += 1;
      }
      expect(opened).toBe(1000);
      expect(await live.poll()).toBe(200);
      await live.say('help', (replies) => replies.length > 0);
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
