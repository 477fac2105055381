/**
 * Two real bot processes (node dist/index.js) on one Azure Blob Storage (Azurite, in memory), behind a round-robin
 * load balancer that is their shared PUBLIC_URL, talking to one Confluence sandbox server, as an organisation runs
 * the bot: turns of one conversation land on either instance, a sign-in started on one completes on the other,
 * an instance dies mid-dialog, and tokens that expire in seconds are refreshed exactly once across both.
 */
import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AuthService } from '../../services/auth/authService.js';
import { loadConfig } from '../../services/config/config.js';
import { startSandboxServer, type SandboxServer } from '../../sandbox/server.js';
import { decideOnConsentPage, followRedirect, signInThroughBrowser } from '../../tools/replay/browserSignIn.js';
import { Azurite, startAzurite } from '../helpers/azurite.js';
import { BotProcess, startBotProcess } from '../helpers/botProcess.js';
import { EmulatorChannel, signInLinkOf, textsOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';
import { RoundRobinProxy, startRoundRobinProxy } from '../helpers/roundRobinProxy.js';

jest.setTimeout(120_000);

/** Access tokens live this long, so the refresh test sees several expiries in a few seconds. */
const TOKEN_TTL_SECONDS = 4;

describe('two instances on one Azure Blob Storage behind a load balancer', () => {
  let azurite: Azurite;
  let sandbox: SandboxServer;
  let tokenEndpoint: RoundRobinProxy;
  let balancer: RoundRobinProxy;
  let env: Array<Record<string, string>>;
  const bots: Array<BotProcess | undefined> = [];
  const channels: EmulatorChannel[] = [];

  beforeAll(async () => {
    azurite = await startAzurite();
    const sandboxPort = await freePort();
    const clientSecret = randomBytes(24).toString('hex');
    // The balancer first: its address is the bots' PUBLIC_URL, whose callback the sandbox must know.
    const ports = [await freePort(), await freePort()];
    balancer = await startRoundRobinProxy(ports.map((port) => `http://127.0.0.1:${port}`));
    sandbox = await startSandboxServer(
      {
        SANDBOX_PORT: String(sandboxPort),
        SANDBOX_PUBLIC_URL: `http://127.0.0.1:${sandboxPort}`,
        SANDBOX_DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'multi-sandbox-')),
        SANDBOX_CLIENT_SECRET: clientSecret,
        SANDBOX_REDIRECT_URIS: `${balancer.url}/oauth/callback`,
        SANDBOX_ACCESS_TOKEN_TTL_SECONDS: String(TOKEN_TTL_SECONDS),
      },
      { log: () => undefined },
    );
    // Between the bots and the token endpoint, so the test sees every token request and its answer.
    tokenEndpoint = await startRoundRobinProxy([sandbox.url], { keepBodiesOf: /\/oauth\/token$/ });
    const shared = {
      PUBLIC_URL: balancer.url,
      AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString,
      AZURE_STORAGE_CONTAINER: `multi-${randomBytes(4).toString('hex')}`,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      ATLASSIAN_CLIENT_ID: 'sandbox-system-app',
      ATLASSIAN_CLIENT_SECRET: clientSecret,
      ATLASSIAN_AUTHORIZATION_URL: `${sandbox.publicUrl}/sandbox/authorize`,
      ATLASSIAN_TOKEN_URL: `${tokenEndpoint.url}/sandbox/oauth/token`,
      ATLASSIAN_API_URL: `${sandbox.url}/sandbox/api`,
    };
    env = await Promise.all(
      ports.map(async (port) => ({ ...shared, PORT: String(port), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), `multi-bot-${port}-`)) })),
    );
    bots.push(...(await Promise.all(env.map((instance) => startBotProcess(instance)))));
  });

  afterAll(async () => {
    await Promise.all(channels.map((channel) => channel.stop()));
    for (const bot of bots) bot?.kill('SIGKILL');
    await Promise.all(bots.map((bot) => bot?.exited));
    await balancer?.close();
    await tokenEndpoint?.close();
    await sandbox?.close();
    await azurite?.stop();
  });

  async function newChannel(): Promise<EmulatorChannel> {
    const channel = new EmulatorChannel(balancer.url);
    await channel.start();
    channels.push(channel);
    return channel;
  }

  const said = async (channel: EmulatorChannel, text: string): Promise<string> => textsOf(await channel.say(text)).join('\n');

  /** Which instance handled each of the conversation's messages since `from` in the balancer's log. */
  const messageTargets = (from: number): number[] =>
    balancer.log.slice(from).filter((entry) => entry.path === '/api/messages').map((entry) => entry.target);

  it('carries one conversation across both instances turn by turn: sign-in, create, listing', async () => {
    const channel = await newChannel();
    const from = balancer.log.length;
    const link = signInLinkOf(await channel.say('create a page called Made on two instances in DEMO'));
    const before = channel.received.length;
    expect((await signInThroughBrowser(link)).callbackStatus).toBe(200);
    expect(textsOf(await channel.waitForActivities(before, 2, 10_000)).join('\n')).toMatch(/Markdown/);
    expect(await said(channel, 'Typed while the load balancer alternates.')).toMatch(/Ready to create/);
    expect(await said(channel, 'Create')).toMatch(/Done! The page \*\*Made on two instances\*\*/);
    expect(await said(channel, 'list pages in DOCS')).toMatch(/Pages 1–10/);
    expect(await said(channel, 'more')).toMatch(/Pages 11–20 of 3,000/);

    expect(new Set(messageTargets(from))).toEqual(new Set([0, 1]));
    expect(await sandbox.sandbox.findContent((content) => content.title === 'Made on two instances')).toHaveLength(1);
  });

  it('completes a sign-in started on one instance when the callback lands on the other, and resumes the conversation', async () => {
    const channel = await newChannel();
    balancer.sendNextTo(0);
    const link = signInLinkOf(await channel.say('list pages in DEMO'));
    expect(balancer.log.at(-1)).toMatchObject({ path: '/api/messages', target: 0 });
    const callback = await decideOnConsentPage(await followRedirect(link), 'accept');
    const before = channel.received.length;
    balancer.sendNextTo(1);
    expect((await fetch(callback)).status).toBe(200);
    expect(balancer.log.at(-1)).toMatchObject({ target: 1, status: 200 });
    expect(balancer.log.at(-1)!.path).toMatch(/^\/oauth\/callback\?/);
    expect(textsOf(await channel.waitForActivities(before, 2, 10_000)).join('\n')).toMatch(/Demo space \(DEMO\)\*\* has \d+ pages/);
  });

  it('refreshes a shared token that expires every few seconds exactly once per expiry, with many conversations on both instances', async () => {
    const admin = await AuthService.open({ config: loadConfig(env[0]) });
    await admin.settings.use('system', 'preauthorized');
    try {
      await storm(admin);
    } finally {
      await admin.settings.use('system', 'user');
      await new Promise((resolve) => setTimeout(resolve, 1100));
    }
  });

  async function storm(admin: AuthService): Promise<void> {
    const authorized = await signInThroughBrowser((await admin.createPreauthorizationLink()).url);
    expect(authorized.callbackStatus).toBe(200);
    expect(await admin.confirmPreauthorization(authorized.confirmationCode ?? '')).toMatchObject({ kind: 'signed-in' });

    const from = tokenEndpoint.log.length;
    const conversations = await Promise.all(Array.from({ length: 8 }, () => newChannel()));
    const started = Date.now();
    const answers: string[] = [];
    // Settings reach the other instance within a second (the shared store is asked at most once a second).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    while (Date.now() - started < (TOKEN_TTL_SECONDS * 2.5 + 1) * 1000) {
      answers.push(...(await Promise.all(conversations.map((channel) => said(channel, 'list pages in DEMO')))));
    }
    const elapsedSeconds = (Date.now() - started) / 1000;

    for (const answer of answers) expect(answer).toMatch(/Demo space \(DEMO\)\*\* has \d+ pages/);
    const refreshes = tokenEndpoint.log
      .slice(from)
      .map((entry) => ({ status: entry.status, fields: JSON.parse(entry.body ?? '{}') as Record<string, string> }))
      .filter((entry) => entry.fields.grant_type === 'refresh_token');
    expect(refreshes.length).toBeGreaterThanOrEqual(2);
    // One per lifetime of a token at most (plus the one in flight at the end), and never one refused.
    expect(refreshes.length).toBeLessThanOrEqual(Math.ceil(elapsedSeconds / (TOKEN_TTL_SECONDS * 0.75)) + 1);
    expect(refreshes.map((entry) => entry.status)).toEqual(refreshes.map(() => 200));
    const presented = refreshes.map((entry) => entry.fields.refresh_token);
    expect(new Set(presented).size).toBe(presented.length);
  }

  it('finishes a conversation on the other instance after one is killed (SIGKILL) mid-dialog', async () => {
    const channel = await newChannel();
    const link = signInLinkOf(await channel.say('create a blog post called Outlives its instance in ENG'));
    const before = channel.received.length;
    await signInThroughBrowser(link);
    expect(textsOf(await channel.waitForActivities(before, 2, 10_000)).join('\n')).toMatch(/Markdown/);
    expect(await said(channel, 'Written before the crash.')).toMatch(/Ready to create/);

    bots[0]!.kill('SIGKILL');
    await bots[0]!.exited;
    bots[0] = undefined;
    const from = balancer.log.length;
    expect(await said(channel, 'Create')).toMatch(/Done! The blog post \*\*Outlives its instance\*\*/);
    expect(messageTargets(from)).toEqual([1]);
    const created = await sandbox.sandbox.findContent((content) => content.title === 'Outlives its instance');
    expect(created).toHaveLength(1);
    expect(created[0]!.body).toContain('Written before the crash.');
  });
});
