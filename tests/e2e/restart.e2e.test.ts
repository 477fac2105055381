/**
 * Restarts: kill the bot (SIGKILL) in the middle of either dialog and start it again on the same data folder;
 * the conversation continues at the same step with everything typed so far, and a pending sign-in link still
 * works. SIGTERM finishes what is in flight and exits cleanly.
 */
import { jest } from '@jest/globals';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotProcess, startBotProcess } from '../helpers/botProcess.js';
import { signInThroughBrowser } from '../../tools/replay/browserSignIn.js';
import { EmulatorChannel, signInLinkOf, textsOf, urlsOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

jest.setTimeout(90_000);

describe('restarts', () => {
  let env: Record<string, string>;
  let bot: BotProcess | undefined;

  beforeEach(async () => {
    env = { PORT: String(await freePort()), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'restart-')) };
  });

  afterEach(async () => {
    bot?.kill('SIGKILL');
    await bot?.exited;
  });

  /** Asks for the DOCS listing and signs in through the consent page; returns the listing's first answer. */
  async function listDocsSignedIn(channel: EmulatorChannel): Promise<string> {
    const link = signInLinkOf(await channel.say('list pages in DOCS'));
    const before = channel.received.length;
    await signInThroughBrowser(link);
    return textsOf(await channel.waitForActivities(before, 3)).join('\n');
  }

  async function killAndRestart(): Promise<void> {
    bot!.kill('SIGKILL');
    await bot!.exited;
    bot = await startBotProcess(env);
  }

  it('continues Create Content at the same step after SIGKILL, and a pending sign-in link still works', async () => {
    bot = await startBotProcess(env);
    const channel = new EmulatorChannel(bot.url);
    await channel.start();
    try {
      const link = signInLinkOf(await channel.say('create a page called Survives SIGKILL in DEMO'));
      await killAndRestart();

      const before = channel.received.length;
      expect((await signInThroughBrowser(link)).callbackStatus).toBe(200);
      const resumed = await channel.waitForActivities(before, 2);
      expect(textsOf(resumed).join('\n')).toMatch(/Markdown/);

      await killAndRestart();
      expect(textsOf(await channel.say('Typed before the second kill')).join('\n')).toMatch(/Title:\*\* Survives SIGKILL/);
      await killAndRestart();
      const done = await channel.say('Create');
      expect(textsOf(done).join('\n')).toMatch(/Done! The page \*\*Survives SIGKILL\*\*/);
      const view = await fetch(urlsOf(done)[0]!);
      expect(await view.text()).toContain('Typed before the second kill');
    } finally {
      await channel.stop();
    }
  });

  it('continues a page listing ("more") after SIGKILL', async () => {
    bot = await startBotProcess(env);
    const channel = new EmulatorChannel(bot.url);
    await channel.start();
    try {
      expect(await listDocsSignedIn(channel)).toMatch(/Pages 1–10/);
      await killAndRestart();
      expect(textsOf(await channel.say('more')).join('\n')).toMatch(/Pages 11–20 of 3,000/);
    } finally {
      await channel.stop();
    }
  });

  it('finishes the turn in flight on SIGTERM, then exits with code 0', async () => {
    bot = await startBotProcess(env);
    const channel = new EmulatorChannel(bot.url);
    await channel.start();
    try {
      await listDocsSignedIn(channel);
      const inFlight = channel.say('pages in DOCS about release');
      await new Promise((resolve) => setTimeout(resolve, 30));
      bot.kill('SIGTERM');
      expect(textsOf(await inFlight).join('\n')).toMatch(/500 titles match "release"/);
      expect(await bot.exited).toBe(0);
      bot = await startBotProcess(env);
      expect(textsOf(await channel.say('more')).join('\n')).toMatch(/Matches 11–20 of 500:/);
    } finally {
      await channel.stop();
    }
  });
});
