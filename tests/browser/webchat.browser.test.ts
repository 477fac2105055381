/**
 * Web Chat in a real browser, with no Azure: the real app on a free port, Debian's Chromium driven by
 * playwright-core, the page at `/`, and the whole Create Content flow in user mode as a person does it (the
 * sign-in button opens a tab, Accept on the sandbox's consent page, the chat resumes by itself), then a listing.
 * On the way (issue 10): the time from the Connected page to the resumed chat (printed), a reload mid-flow that
 * keeps the conversation, a multi-line body typed with Shift+Enter, two forms that keep their own Page/Blog choice,
 * and another browser that cannot resume this one's conversation. Every wait is on visible text. Screenshots go to test-output/screenshots/ (git-ignored).
 *
 * Needs /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it). Without it the test fails on CI
 * (CI is set) and is skipped with a warning elsewhere.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, Browser, BrowserContext, Page } from 'playwright-core';
import { startApp, RunningApp } from '../../app.js';
import { freePort } from '../helpers/ports.js';

const CHROMIUM = '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
const mustRun = Boolean(process.env.CI);
const SCREENSHOTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-output/screenshots');
/** How long one step may take: a bot turn plus a poll, with plenty of room for a slow CI machine. */
const STEP_MS = 20_000;

if (!hasChromium && !mustRun) {
  console.warn(`Skipping the Web Chat browser test: ${CHROMIUM} is missing (install Debian's chromium: apt-get install -y chromium).`);
}

(hasChromium || mustRun ? describe : describe.skip)('Web Chat in Chromium, local Direct Line, sandbox, user mode', () => {
  let app: RunningApp;
  let dataDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let chat: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!hasChromium) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`);
    }
    await mkdir(SCREENSHOTS, { recursive: true });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'webchat-browser-'));
    app = await startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    });
    context = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'en-US' });
    chat = await context.newPage();
    chat.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(SCREENSHOTS, name) });
  const sendBox = () => chat.locator('[data-id="webchat-sendbox-input"]');
  const say = async (text: string) => {
    await sendBox().fill(text);
    await sendBox().press('Enter');
  };
  /**
   * Waits for text in the chat's transcript (the most recent match, since questions can repeat) and scrolls it
   * into view, so a screenshot taken next shows it even while Web Chat is still animating its scroll.
   */
  const expectInChat = async (text: string | RegExp) => {
    const match = chat.getByText(text).last();
    await match.waitFor({ state: 'visible', timeout: STEP_MS });
    await match.scrollIntoViewIfNeeded();
  };

  /** Retries `check` until it passes or STEP_MS is over (then its last failure is the test's). */
  const eventually = async (check: () => Promise<void>) => {
    const deadline = Date.now() + STEP_MS;
    for (;;) {
      try {
        return await check();
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  it(
    'creates a page through sign-in, consent and the resumed dialog, then lists a space',
    async () => {
      await chat.goto(`${app.config.publicUrl}/`);
      await chat.getByRole('heading', { name: 'Confluence assistant' }).waitFor();
      await chat.getByText('Using the built-in Confluence sandbox (demo data)').waitFor();
      await expectInChat('Hi! I find, read and create Confluence pages and blog posts for you');
      await expectInChat(/connected to the built-in/);
      await shoot(chat, '01-welcome.png');

      await say('create page');
      await expectInChat('First, sign in to Confluence');
      const signIn = chat.getByRole('button', { name: 'Sign in to Confluence' }).last();
      await signIn.waitFor({ timeout: STEP_MS });
      await shoot(chat, '02-sign-in-card.png');

      const [consent] = await Promise.all([context.waitForEvent('page', { timeout: STEP_MS }), signIn.click()]);
      await consent.locator('#accept').waitFor({ timeout: STEP_MS });
      expect(consent.url()).toContain('/sandbox/authorize');
      await shoot(consent, '03-consent.png');
      await consent.locator('#accept').click();
      await consent.getByText('Connected to Confluence. You can close this window').waitFor({ timeout: STEP_MS });
      // Item 4 of issue 10: from the Connected page to the first resumed message rendered in the chat, measured in
      // the chat's tab while the consent tab is still open (as a person sees it).
      const connectedAt = Date.now();
      await chat.getByText('Thanks, you are signed in to Confluence.').last().waitFor({ state: 'visible', timeout: STEP_MS });
      const resumedMs = Date.now() - connectedAt;
      console.log(`Connected page -> first resumed message rendered in Web Chat: ${resumedMs} ms`);
      // Target 1 s; the margin is for a slow CI machine. Web Chat holding a reply back for its unknown replyToId took 5.5 s.
      expect(resumedMs).toBeLessThan(2500);
      await shoot(consent, '04-connected.png');
      await consent.close();

      await chat.bringToFront();
      await expectInChat('Thanks, you are signed in to Confluence.');
      await expectInChat(/Which space\?/);
      await shoot(chat, '05-resumed.png');

      await say('DEMO');
      await expectInChat('What is the title of the page?');

      // A reload mid-flow keeps the conversation: its history comes back and the next answer continues the draft.
      await chat.reload();
      await expectInChat('Thanks, you are signed in to Confluence.');
      await expectInChat('What is the title of the page?');
      expect(await chat.locator('#chat-note').isHidden()).toBe(true);
      await shoot(chat, '05b-reloaded.png');
      await say('Made in Web Chat');
      await expectInChat(/Markdown/);
      // Typed as a person does: Shift+Enter starts a new line in the send box, Enter sends the whole body.
      await sendBox().fill('Hello from **Web Chat**');
      for (const line of ['', '- first item', '- second item']) {
        await sendBox().press('Shift+Enter');
        await sendBox().pressSequentially(line);
      }
      expect(await sendBox().inputValue()).toBe('Hello from **Web Chat**\n\n- first item\n- second item');
      await sendBox().press('Enter');
      await expectInChat('Ready to create this page:');
      await chat.locator('.webchat__suggested-actions').getByRole('button', { name: 'Create', exact: true }).click({ timeout: STEP_MS });
      await expectInChat('Open in Confluence');
      await shoot(chat, '06-created.png');

      const created = await app.sandbox!.findContent((content) => content.title === 'Made in Web Chat');
      expect(created).toHaveLength(1);
      expect(created[0]!.body).toContain('<strong>Web Chat</strong>');
      // Paragraph and list, not one collapsed line.
      expect(created[0]!.body).toMatch(/<p>Hello from <strong>Web Chat<\/strong><\/p>\s*<ul>\s*<li>first item<\/li>\s*<li>second item<\/li>\s*<\/ul>/);

      // A pasted multi-line body keeps its newlines in the send box (an <input> would drop them).
      await sendBox().fill('line one\nline two');
      expect(await sendBox().inputValue()).toBe('line one\nline two');
      await sendBox().fill('');

      // Two forms on screen: choosing Blog post on the newer one leaves the older one's Page selected (each card
      // has its own input ids), the body box shows six lines, and the newer form creates a blog post.
      await say('create page');
      await expectInChat(/Or fill in the form below/);
      const forms = chat.locator('.ac-adaptiveCard').filter({ has: chat.getByRole('radio', { name: 'Blog post' }) });
      await eventually(async () => expect(await forms.count()).toBe(2));
      const [older, newer] = [forms.first(), forms.last()];
      await newer.getByRole('radio', { name: 'Blog post' }).check();
      expect(await newer.getByRole('radio', { name: 'Blog post' }).isChecked()).toBe(true);
      expect(await older.getByRole('radio', { name: 'Page' }).isChecked()).toBe(true);
      const body = newer.locator('textarea');
      const lines = await body.evaluate((box) => {
        // `globalThis` is the page's window here; this project's types have no DOM library.
        const style = (globalThis as unknown as { getComputedStyle(e: unknown): { lineHeight: string; fontSize: string } }).getComputedStyle(box);
        // A line-height of `normal` is about 1.2 times the font size.
        return box.clientHeight / (parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.2);
      });
      expect(lines).toBeGreaterThanOrEqual(6);
      await newer.locator('select').selectOption('DEMO');
      await newer.locator('input[type="text"]').fill('Blog from the form');
      await body.fill('First paragraph\n\nSecond paragraph');
      await shoot(chat, '06b-two-forms.png');
      await newer.getByRole('button', { name: 'Create' }).click();
      await eventually(async () => expect(await app.sandbox!.findContent((content) => content.title === 'Blog from the form')).toHaveLength(1));
      const [blog] = await app.sandbox!.findContent((content) => content.title === 'Blog from the form');
      expect(blog).toMatchObject({ type: 'blogpost', spaceKey: 'DEMO' });
      expect(blog!.body).toMatch(/<p>First paragraph<\/p>\s*<p>Second paragraph<\/p>/);

      // Find and read: the results card renders with the matched word highlighted and an Open button; "Open 1"
      // shows the page card, whose Comment button leads to a comment.
      await say('search welcome aboard in TEAM');
      const results = chat.locator('.ac-adaptiveCard').filter({ hasText: 'Result 1 of 1 for "welcome aboard" in TEAM' });
      await results.waitFor({ timeout: STEP_MS });
      expect(await results.getByRole('button', { name: 'Open' }).count()).toBe(1);
      // Adaptive Cards render a highlighted TextRun with a background colour.
      expect(await results.locator('.ac-textRun[style*="background-color"]', { hasText: 'aboard' }).count()).toBe(1);
      await shoot(chat, '06c-search-results.png');
      const suggested = chat.locator('.webchat__suggested-actions');
      await suggested.getByRole('button', { name: 'Open 1', exact: true }).click({ timeout: STEP_MS });
      const pageCard = chat.locator('.ac-adaptiveCard').filter({ hasText: 'by Sandbox User' });
      await pageCard.waitFor({ timeout: STEP_MS });
      expect(await pageCard.getByRole('button', { name: 'Open in Confluence' }).count()).toBe(1);
      await shoot(chat, '06d-page-card.png');
      await suggested.getByRole('button', { name: 'Comment', exact: true }).click({ timeout: STEP_MS });
      await expectInChat('What is your comment on');
      await say('Seen in **Web Chat**');
      await suggested.getByRole('button', { name: 'Post', exact: true }).click({ timeout: STEP_MS });
      await expectInChat(/Done! Your comment is on/);
      const [onboarding] = await app.sandbox!.findContent((content) => content.title === 'Onboarding');
      expect(onboarding!.comments?.map((comment) => comment.body)).toContainEqual(expect.stringContaining('<strong>Web Chat</strong>'));

      await say('list pages in DOCS');
      await expectInChat(/has 3,000 pages/);
      await expectInChat(/for the next 10 \(2,990 left\)/);
      await shoot(chat, '07-list.png');

      // Another browser handed this tab's conversation id cannot resume it: it gets a new conversation and is told.
      type Storage = { sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void } };
      const KEPT = 'confluence-assistant.conversation-id';
      const conversationId = await chat.evaluate((key) => (globalThis as unknown as Storage).sessionStorage.getItem(key), KEPT);
      expect(conversationId).toEqual(expect.any(String));
      const stranger = await browser.newContext({ viewport: { width: 1000, height: 900 }, locale: 'en-US' });
      try {
        const theirs = await stranger.newPage();
        await theirs.addInitScript(([key, id]) => (globalThis as unknown as Storage).sessionStorage.setItem(key!, id!), [KEPT, conversationId]);
        await theirs.goto(`${app.config.publicUrl}/`);
        await theirs.locator('#chat-note').getByText(/earlier conversation is no longer available/).waitFor({ timeout: STEP_MS });
        await theirs.getByText('Hi! I find, read and create Confluence pages and blog posts for you').last().waitFor({ timeout: STEP_MS });
        expect(await theirs.getByText('Made in Web Chat').count()).toBe(0);
        expect(await theirs.evaluate((key) => (globalThis as unknown as Storage).sessionStorage.getItem(key), KEPT)).not.toBe(conversationId);
      } finally {
        await stranger.close();
      }

      // Nothing Web Chat sent timed out waiting for its echo, and the page threw nothing.
      expect(await chat.getByText(/Send failed|could not send/i).count()).toBe(0);
      expect(pageErrors).toEqual([]);
    },
    120_000,
  );
});
