/**
 * The OAuth callback is the bot's most exposed door: forged, replayed and tampered states get a 400 page with
 * nothing exchanged or stored, a state binds only the user it was issued to, and the door is rate-limited.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { decideOnConsentPage, followRedirect } from '../../tools/replay/browserSignIn.js';
import { EmulatorChannel, signInLinkOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

async function start(): Promise<RunningApp> {
  return startApp({ PORT: String(await freePort()), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'callback-')), LOG_LEVEL: 'silent' });
}

describe('the OAuth callback', () => {
  let app: RunningApp;
  let alice: EmulatorChannel;
  let bob: EmulatorChannel;

  beforeAll(async () => {
    app = await start();
    alice = new EmulatorChannel(app.url);
    bob = new EmulatorChannel(app.url);
    await alice.start();
    await bob.start();
  });

  afterAll(async () => {
    await alice.stop();
    await bob.stop();
    await app.close();
  });

  const connected = async (channel: EmulatorChannel) =>
    (await app.auth.getConnection({ channelId: 'emulator', userId: channel.user.id })).status === 'connected';

  it('binds the token to the user the state was issued to, once; a replay or a tampered state gets 400', async () => {
    const link = signInLinkOf(await alice.say('create page'));
    await bob.say('create page');
    const callbackUrl = await decideOnConsentPage(await followRedirect(link), 'accept');

    const tampered = new URL(callbackUrl);
    tampered.searchParams.set('state', `${tampered.searchParams.get('state')}x`);
    expect((await fetch(tampered)).status).toBe(400);
    expect(await connected(alice)).toBe(false);

    expect((await fetch(callbackUrl)).status).toBe(200);
    expect(await connected(alice)).toBe(true);
    expect(await connected(bob)).toBe(false);

    const replay = await fetch(callbackUrl);
    expect(replay.status).toBe(400);
    const replayed = await replay.text();
    expect(replayed).toMatch(/expired or was already completed/);
    expect(await connected(bob)).toBe(false);

    // Someone who is signed in and opens the link again must not be told to start over: the page cannot know who
    // is asking, so it speaks to both.
    for (const html of [replayed, await (await fetch(link, { redirect: 'manual' })).text()]) {
      expect(html).toMatch(/If you already signed in with it, go back to the chat: you are done/);
      expect(html).toMatch(/Otherwise, type &quot;sign in&quot; in the chat to get a new link/);
    }
  });

  it('refuses a callback without state, with an unknown state, or with only an error, exchanging nothing', async () => {
    for (const query of ['', '?code=abc', '?code=abc&state=forged-state-value', '?error=access_denied&state=forged']) {
      const response = await fetch(`${app.url}/oauth/callback${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      const html = await response.text();
      expect(html).not.toContain('forged');
      expect(html).not.toContain('abc');
    }
  });
});

describe('rate limiting of the sign-in routes', () => {
  it('answers 429 once a client address exceeds its allowance', async () => {
    const app = await start();
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 35; i++) statuses.push((await fetch(`${app.url}/oauth/callback?state=guess-${i}`)).status);
      expect(statuses.slice(0, 25).every((status) => status === 400)).toBe(true);
      expect(statuses.slice(-3)).toEqual([429, 429, 429]);
    } finally {
      await app.close();
    }
  });
});
