/**
 * Web Chat in a real browser, with no Azure: the real app on a free port, Debian's Chromium driven by
 * playwright-core, the page at `/`, and the whole Create Content flow in user mode as a person does it (the
 * sign-in button opens a tab, Accept on the sandbox's consent page, the chat resumes by itself), then a listing.
 * Every wait is on visible text. Screenshots go to test-output/screenshots/ (git-ignored).
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

  it(
    'creates a page through sign-in, consent and the resumed dialog, then lists a space',
    async () => {
      await chat.goto(`${app.config.publicUrl}/`);
      await chat.getByRole('heading', { name: 'Confluence assistant' }).waitFor();
      await chat.getByText('Using the built-in Confluence sandbox (demo data)').waitFor();
      await expectInChat('Hi! I create Confluence pages and blog posts for you');
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
      await shoot(consent, '04-connected.png');
      await consent.close();

      await chat.bringToFront();
      await expectInChat('Thanks, you are signed in to Confluence.');
      await expectInChat(/Which space\?/);
      await shoot(chat, '05-resumed.png');

      await say('DEMO');
      await expectInChat('What is the title of the page?');
      await say('Made in Web Chat');
      await expectInChat(/Markdown/);
      await say('Hello from **Web Chat**');
      await expectInChat('Ready to create this page:');
      await chat.locator('.webchat__suggested-actions').getByRole('button', { name: 'Create', exact: true }).click({ timeout: STEP_MS });
      await expectInChat('Open in Confluence');
      await shoot(chat, '06-created.png');

      const created = await app.sandbox!.findContent((content) => content.title === 'Made in Web Chat');
      expect(created).toHaveLength(1);
      expect(created[0]!.body).toContain('<strong>Web Chat</strong>');

      await say('list pages in DOCS');
      await expectInChat(/has 3,000 pages/);
      await expectInChat(/for the next 10 \(2,990 left\)/);
      await shoot(chat, '07-list.png');

      // Nothing Web Chat sent timed out waiting for its echo, and the page threw nothing.
      expect(await chat.getByText(/Send failed|could not send/i).count()).toBe(0);
      expect(pageErrors).toEqual([]);
    },
    120_000,
  );
});
