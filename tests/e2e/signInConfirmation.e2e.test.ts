/**
 * Login CSRF in account linking (RFC 9700 §4.7), over HTTP against the real app: a sign-in link sent to someone else
 * must not bind their Atlassian account to the sender's chat. In Web Chat the browser that finishes the sign-in must
 * hold the chat's own signed cookie; any other browser gets a 6-digit code on the Connected page, which only the
 * person in the chat can bring back. Also: the Teams variant of that page and its scripts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { confirmationPage } from '../../web/signInConfirmationPage.js';
import { freePort } from '../helpers/ports.js';
import {
  finishSignInInBrowser as finishSignIn,
  isDocsListing,
  signInLinkIn,
  signInLinkOrListing as linkOrListing,
  WebChatActivity,
  WebChatBrowser,
} from '../helpers/webChatBrowser.js';

const textsOf = (replies: WebChatActivity[]) => replies.map((reply) => reply.text ?? '').join('\n');

const codeOn = (html: string): string | undefined => /data-code="(\d{6})"/.exec(html)?.[1];

describe('sign-in confirmation over HTTP (Web Chat)', () => {
  let app: RunningApp;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'sign-in-confirmation-'));
    app = await startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const connected = async (userId: string) => (await app.auth.getConnection({ channelId: 'webchat', userId })).status === 'connected';

  it("a victim who opens an attacker's link connects nothing to the attacker's chat: the code stays on the victim's screen", async () => {
    const mallory = new WebChatBrowser(app.url);
    await mallory.load();
    const link = signInLinkIn(await mallory.say('list pages in DOCS', linkOrListing))!;
    expect(link).toBeDefined();

    const victim = new WebChatBrowser(app.url);
    await victim.load();
    const page = await finishSignIn(link, victim.cookie);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Almost connected');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    const code = codeOn(page.html)!;
    expect(code).toMatch(/^\d{6}$/);

    // The attacker's chat is asked for the code, and is not connected.
    await mallory.settle(300);
    expect(textsOf(mallory.received.filter((a) => a.from.role === 'bot'))).toMatch(/type the 6-digit code/);
    expect(await connected(mallory.userId)).toBe(false);
    const guess = code === '000000' ? '111111' : '000000';
    expect(textsOf(await mallory.say(guess, (replies) => replies.length > 0))).toMatch(/does not match/);
    expect(await connected(mallory.userId)).toBe(false);
  });

  it('the same person who opened the link in another browser types the code into the chat, and the listing goes on', async () => {
    const alice = new WebChatBrowser(app.url);
    await alice.load();
    const link = signInLinkIn(await alice.say('list pages in DOCS', linkOrListing))!;
    const code = codeOn((await finishSignIn(link)).html)!;
    expect(await connected(alice.userId)).toBe(false);
    const replies = await alice.say(`${code.slice(0, 3)} ${code.slice(3)}`, isDocsListing);
    expect(textsOf(replies)).toMatch(/you are signed in to Confluence/);
    expect(await connected(alice.userId)).toBe(true);
  });

  it('the browser that holds the chat\'s own cookie is connected at once, with no code', async () => {
    const bob = new WebChatBrowser(app.url);
    await bob.load();
    const link = signInLinkIn(await bob.say('list pages in DOCS', linkOrListing))!;
    const page = await finishSignIn(link, bob.cookie);
    expect(page.html).toContain('Connected to Confluence');
    expect(codeOn(page.html)).toBeUndefined();
    expect(await connected(bob.userId)).toBe(true);
  });

  it('serves the Teams variant of the Connected page with Teams\' script from this server, and nothing inline', async () => {
    const teams = confirmationPage({ code: '123456', audience: 'teams' });
    const scripts = [...teams.html.matchAll(/<script src="([^"]+)"><\/script>/g)].map((match) => match[1]!);
    expect(scripts).toHaveLength(2);
    expect(teams.html).not.toMatch(/<script>/);
    for (const script of scripts) {
      const response = await fetch(`${app.url}${script}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/javascript/);
      expect(await response.text()).toMatch(/notifySuccess|microsoftTeams/);
    }
    expect(confirmationPage({ code: '123456', audience: 'chat' }).html).not.toContain('<script');
  });
});
