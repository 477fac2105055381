/**
 * Finding 4: no log line carries a query string of /oauth/*: not the link id, not the code, not the state. The bot
 * runs as `npm start` runs it, at LOG_LEVEL=debug, and everything it writes to stdout and stderr is searched after
 * real sign-ins, failed look-ups until the rate limiter answers 429, a replay and a declined consent.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decideOnConsentPage, followRedirect } from '../../tools/replay/browserSignIn.js';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.js';
import { EmulatorChannel, signInLinkOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

describe('sign-in values in the logs', () => {
  let bot: BotProcess;
  const channels: EmulatorChannel[] = [];

  beforeAll(async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sign-in-logs-'));
    bot = await startBotProcess({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
  });

  afterAll(async () => {
    for (const channel of channels) await channel.stop();
    bot.kill('SIGKILL');
    await bot.exited;
  });

  async function signInLink(): Promise<string> {
    const channel = new EmulatorChannel(bot.url);
    channels.push(channel);
    await channel.start();
    return signInLinkOf(await channel.say('create page'));
  }

  it('are never written, while the limiter triggers for real', async () => {
    const sent: string[] = [];
    const remember = (url: string) => {
      for (const [name, value] of new URL(url).searchParams) if (['id', 'code', 'state'].includes(name)) sent.push(value);
      return url;
    };

    // Two real sign-ins: the link, the provider's authorize page (it carries the state), the callback with the code.
    for (let i = 0; i < 2; i++) {
      const authorizeUrl = remember(await followRedirect(remember(await signInLink())));
      const callbackUrl = remember(await decideOnConsentPage(authorizeUrl, 'accept'));
      expect((await fetch(callbackUrl)).status).toBeLessThan(300);
      // A replay of the used callback: a failed look-up with a real-looking code and state.
      expect((await fetch(callbackUrl)).status).toBe(400);
    }
    const declined = remember(await decideOnConsentPage(remember(await followRedirect(remember(await signInLink()))), 'decline'));
    await (await fetch(declined)).arrayBuffer();

    // A link prepared now and opened once the address is limited: valid links are never refused.
    const late = remember(await signInLink());

    // Guessing well past the point where the limiter answers 429 (any limiter, per route or for both routes
    // together): link ids and states shaped like real ones.
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) {
      const guess = `${'G'.repeat(30)}${String(i).padStart(13, '0')}`;
      const url = i % 2 === 0 ? `${bot.url}/oauth/start?id=${guess}` : `${bot.url}/oauth/callback?code=code-${guess}&state=${'a'.repeat(64)}.${guess}`;
      const response = await fetch(remember(url));
      await response.arrayBuffer();
      statuses.push(response.status);
    }
    expect(statuses).toContain(429);
    expect(statuses.at(-1)).toBe(429);
    const lateOpening = await fetch(late, { redirect: 'manual' });
    remember(lateOpening.headers.get('location') ?? late);

    await new Promise((resolve) => setTimeout(resolve, 500)); // let the last lines reach the pipe
    const output = bot.output();
    expect(output).toContain('"level":"debug"'); // debug logging was on, so silence proves nothing else
    expect(output).toContain('oauth callback');
    expect(sent.length).toBeGreaterThan(40);
    const lines = output.split('\n');
    const leaking = lines.filter(
      (line) => line.includes('/oauth/start?') || line.includes('/oauth/callback?') || sent.some((value) => line.includes(value)),
    );
    expect(leaking).toEqual([]);
    expect(lateOpening.status).toBe(302);
  }, 60_000);
});
