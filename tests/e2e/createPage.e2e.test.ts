/**
 * End to end, as the Emulator does it: the real server on a free port, activities posted to /api/messages with
 * our own serviceUrl receiver, the sign-in link followed through the sandbox's consent page, and the new page
 * found in the sandbox afterwards.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { decideOnConsentPage, followRedirect } from '../../tools/replay/browserSignIn.js';
import { EmulatorChannel, signInLinkOf, textsOf, urlsOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

describe('Create Content end to end (Emulator protocol, sandbox, user mode)', () => {
  let app: RunningApp;
  let channel: EmulatorChannel;

  beforeAll(async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-'));
    app = await startApp({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    channel = new EmulatorChannel(app.url);
    await channel.start();
  });

  afterAll(async () => {
    await channel?.stop();
    await app?.close();
  });

  it('answers the health check', async () => {
    const response = await fetch(`${app.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', sandbox: true });
  });

  it('welcomes, signs in through the consent page, resumes by itself and creates the page', async () => {
    expect(await channel.join()).toBe(200);
    expect(textsOf(channel.received).join('\n')).toMatch(/Confluence sandbox/);

    const signIn = await channel.say('create page');
    const link = signInLinkOf(signIn);
    expect(link).toMatch(new RegExp(`^${app.config.publicUrl}/oauth/start\\?id=`));

    const before = channel.received.length;
    const callback = await fetch(await decideOnConsentPage(await followRedirect(link), 'accept'));
    expect(callback.status).toBe(200);
    expect(await callback.text()).toMatch(/You can close this window/);

    const resumed = await channel.waitForActivities(before, 2);
    expect(textsOf(resumed).join('\n')).toMatch(/signed in/);
    expect(textsOf(resumed).join('\n')).toMatch(/Which space\?/);

    expect(textsOf(await channel.say('DEMO')).join('\n')).toMatch(/title of the page/);
    expect(textsOf(await channel.say('End-to-end page')).join('\n')).toMatch(/Markdown/);
    expect(textsOf(await channel.say('Hello **world**')).join('\n')).toMatch(/Ready to create this page/);
    const result = await channel.say('Create');
    expect(textsOf(result).join('\n')).toMatch(/Done! The page \*\*End-to-end page\*\* is in Demo space \(DEMO\)/);

    const [url] = urlsOf(result);
    expect(url).toMatch(/^http:\/\/localhost:\d+\/sandbox\/wiki\//);
    const view = await fetch(url!);
    expect(view.status).toBe(200);
    const html = await view.text();
    expect(html).toContain('End-to-end page');
    expect(html).toContain('<strong>world</strong>');
  });

  it('lists every page of the 3,000-page demo space, ten at a time', async () => {
    const first = textsOf(await channel.say('list pages in DOCS')).join('\n');
    expect(first).toMatch(/\*\*Documentation archive \(DOCS\)\*\* has 3,000 pages\. Pages 1–10:/);
    expect(first).toMatch(/Say \*\*more\*\* for the next 10 \(2,990 left\)/);
    const links = [...first.matchAll(/\]\((http:\/\/[^)]+)\)/g)].map((m) => m[1]!);
    expect(links).toHaveLength(10);
    expect((await fetch(links[0]!)).status).toBe(200);
    expect(textsOf(await channel.say('more')).join('\n')).toMatch(/Pages 11–20 of 3,000:/);
    expect(textsOf(await channel.say('pages in DOCS about release')).join('\n')).toMatch(/has 3,000 pages; 500 titles match "release"/);
  });

  it('answers help and unrecognized messages instead of staying silent', async () => {
    const other = new EmulatorChannel(app.url);
    await other.start();
    try {
      expect(textsOf(await other.say('help')).join('\n')).toMatch(/create page/);
      expect(textsOf(await other.say('what is the weather')).join('\n')).toMatch(/did not catch that/);
      expect(textsOf(await other.say('cancel')).join('\n')).toMatch(/nothing to cancel/);
    } finally {
      await other.stop();
    }
  });

  it('refuses forged, missing and unknown sign-in values with a 400 page and stores nothing', async () => {
    for (const url of ['/oauth/callback', '/oauth/callback?code=abc&state=forged', '/oauth/start?id=unknown', '/oauth/start']) {
      const response = await fetch(`${app.url}${url}`, { redirect: 'manual' });
      expect({ url, status: response.status }).toEqual({ url, status: 400 });
      expect(await response.text()).not.toContain('forged');
    }
  });
});
