/**
 * Finding 5: many people behind one address (a dev tunnel, a reverse proxy, a corporate NAT) all sign in. Only
 * failed look-ups count against an address, so a wave of real sign-ins is never throttled, while a guesser is.
 */
import { createServer, type Server } from 'node:http';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../app.js';
import { signInThroughBrowser, followRedirect, decideOnConsentPage } from '../../tools/replay/browserSignIn.js';
import { freePort } from '../helpers/ports.js';

const WAVE = 200;

interface ReplySink {
  url: string;
  close(): Promise<void>;
}

/** Answers every proxied reply with 200, so resuming each signed-in conversation finishes quietly. */
async function replySink(): Promise<ReplySink> {
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"id":"1"}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function start(extra: Record<string, string> = {}): Promise<RunningApp> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'wave-'));
  return startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...extra });
}

function person(index: number, serviceUrl: string) {
  const userId = `wave-user-${index}`;
  return {
    requester: { channelId: 'emulator', userId },
    conversation: {
      channelId: 'emulator',
      serviceUrl,
      conversation: { id: `wave-conversation-${index}` },
      user: { id: userId, name: `Person ${index}` },
      bot: { id: 'bot', name: 'Bot' },
    },
  };
}

/** Runs `work` for 0..count-1 with at most `width` at a time, as a crowd clicking within seconds of each other. */
async function crowd<T>(count: number, width: number, work: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}

/** The bot and a reply sink, started before the calling describe block's tests and stopped after them. */
function botAndReplySink(): { app: RunningApp; sink: ReplySink } {
  const running = {} as { app: RunningApp; sink: ReplySink };
  beforeAll(async () => {
    running.sink = await replySink();
    running.app = await start();
  });
  afterAll(async () => {
    await running.app.close();
    await running.sink.close();
  });
  return running;
}

describe('a wave of sign-ins from one address', () => {
  const running = botAndReplySink();

  it(`lets all ${WAVE} people complete with the default settings`, async () => {
    const { app, sink } = running;
    expect(app.config.oauthRateLimitPerMinute).toBe(30);
    const outcomes = await crowd(WAVE, 8, async (index) => {
      const link = await app.auth.startSignIn(person(index, sink.url));
      try {
        return (await signInThroughBrowser(link.url)).callbackStatus;
      } catch (error) {
        return (error as Error).message;
      }
    });
    const completed = outcomes.filter((status) => status === 200).length;
    // Printed for the closing note's before/after figures.
    console.log(`sign-in wave: ${completed} of ${WAVE} completed`);
    expect(completed).toBe(WAVE);
    const connected = await crowd(WAVE, 8, async (index) => (await app.auth.getConnection(person(index, sink.url).requester)).status);
    expect(connected.filter((status) => status === 'connected')).toHaveLength(WAVE);
  }, 120_000);
});

describe('failed look-ups from one address', () => {
  const running = botAndReplySink();

  it('get 429 once over the budget, while a valid link and callback from the same address still work', async () => {
    const { app, sink } = running;
    // Two valid links prepared before the guessing starts; the second one is opened while the address is limited.
    const first = await app.auth.startSignIn(person(1, sink.url));
    const second = await app.auth.startSignIn(person(2, sink.url));
    const authorizeUrl = await followRedirect(first.url);

    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await fetch(`${app.url}/oauth/start?id=unknown-link-${i}`)).status);
    for (let i = 0; i < 15; i++) statuses.push((await fetch(`${app.url}/oauth/callback?code=c&state=guessed-state-${i}`)).status);
    expect(statuses.slice(0, 30).every((status) => status === 400)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
    const limited = await fetch(`${app.url}/oauth/callback`);
    expect(limited.status).toBe(429);
    expect(await limited.text()).toMatch(/wait a minute/i);

    // The valid callback (state issued before the guessing) and a fresh valid link both go through.
    const callbackUrl = await decideOnConsentPage(authorizeUrl, 'accept');
    expect((await fetch(callbackUrl)).status).toBe(200);
    expect((await signInThroughBrowser(second.url)).callbackStatus).toBe(200);
    expect((await app.auth.getConnection(person(1, sink.url).requester)).status).toBe('connected');
    expect((await app.auth.getConnection(person(2, sink.url).requester)).status).toBe('connected');

    // And the guesser is still refused.
    expect((await fetch(`${app.url}/oauth/start?id=unknown-link-again`)).status).toBe(429);
  }, 60_000);
});
