/**
 * A sign-in or retry that a Confluence conversation starts always gets its answer acted on, even when the step that
 * started it was the last one of the waterfall (the listing). Real services: the sandbox plays Atlassian, and an
 * outage is a real refused connection on loopback.
 */
import axios from 'axios';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { ListPagesDialog } from '../../dialogs/listPagesDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { NO_RETRIES } from '../../services/confluence/retryPolicy.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DEFAULT_SEED } from '../../sandbox/index.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { freePort } from '../helpers/ports.js';
import { createWorld, World } from '../helpers/world.js';

const TWELVE_PAGES = {
  key: 'TWELVE',
  name: 'Twelve pages',
  description: 'More than one window.',
  homepage: false,
  pages: Array.from({ length: 12 }, (_, i) => ({ title: `Note ${String(i + 1).padStart(2, '0')}`, body: '<p>x</p>' })),
};

/**
 * The real Confluence client, whose page-listing requests go to a loopback port nobody listens on while `down` is
 * set: Confluence "is not responding" for the listing only, after the spaces were read.
 */
async function accessWithListingOutage(world: World): Promise<{ access: ConfluenceAccess; outage: { down: boolean } }> {
  const deadPort = await freePort();
  const outage = { down: false };
  const http = axios.create({ proxy: false });
  http.interceptors.request.use((config) => {
    if (outage.down && config.url?.includes('/pages')) config.url = config.url.replace(/^http:\/\/127\.0\.0\.1:\d+/, `http://127.0.0.1:${deadPort}`);
    return config;
  });
  return { access: new ConfluenceAccess(world.auth, new ConfluenceClient({ http, retry: NO_RETRIES })), outage };
}

describe('A retry after a failed listing', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized', seed: [...DEFAULT_SEED, TWELVE_PAGES] });
    await world.preauthorize();
  });

  afterAll(async () => {
    await world.close();
  });

  it('lists the pages when the first scan failed and the user says Retry', async () => {
    const { access, outage } = await accessWithListingOutage(world);
    const list = new DialogDriver((prefs) => new ListPagesDialog(access, silentLogger, prefs), { proposedSpace: 'DEMO' });
    outage.down = true;
    const failed = await list.say('list pages in DEMO');
    expect(failed.text).toMatch(/Confluence is not responding right now/);
    expect(failed.buttons).toEqual(['Retry', 'Cancel']);
    outage.down = false;
    const retried = await list.say('Retry');
    expect(retried.text).toMatch(/\*\*Demo space \(DEMO\)\*\* has 4 pages\. Pages 1–4:/);
    expect(list.status).toBe('complete');
  });

  it('says Cancelled when the user cancels after a failed scan', async () => {
    const { access, outage } = await accessWithListingOutage(world);
    const list = new DialogDriver((prefs) => new ListPagesDialog(access, silentLogger, prefs), { proposedSpace: 'DEMO' });
    outage.down = true;
    await list.say('list pages in DEMO');
    expect((await list.say('Cancel')).text).toMatch(/Cancelled\. Nothing was changed in Confluence\./);
    expect(list.status).toBe('complete');
  });
});

describe('A sign-in in the middle of a listing', () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ mode: 'user', seed: [...DEFAULT_SEED, TWELVE_PAGES] });
  });

  afterEach(async () => {
    await world.close();
  });

  async function signIn(list: DialogDriver, link: string | undefined) {
    expect(link).toBeDefined();
    await world.completeSignIn(link!);
    return list.signInCompleted();
  }

  it('lists the pages after Confluence refused the token and the user signed in again', async () => {
    const list = new DialogDriver((prefs) => new ListPagesDialog(world.access, silentLogger, prefs), {});
    const first = await list.say('list pages');
    expect((await signIn(list, first.signInLink)).text).toMatch(/Which space\?/);
    await world.sandbox.revokeAllTokens();
    const refused = await list.say('DEMO');
    expect(refused.text).toMatch(/expired or was revoked/);
    const resumed = await signIn(list, refused.signInLink);
    expect(resumed.text).toMatch(/signed in to Confluence/);
    expect(resumed.text).toMatch(/\*\*Demo space \(DEMO\)\*\* has 4 pages\. Pages 1–4:/);
  });

  it('shows the next titles after the token was refused at "more" and the user signed in again', async () => {
    const list = new DialogDriver((prefs) => new ListPagesDialog(world.access, silentLogger, prefs), { proposedSpace: 'TWELVE' });
    const first = await list.say('list pages in TWELVE');
    expect((await signIn(list, first.signInLink)).text).toMatch(/has 12 pages\. Pages 1–10:/);
    await world.sandbox.revokeAllTokens();
    const refused = await list.say('more');
    expect(refused.text).toMatch(/expired or was revoked/);
    const resumed = await signIn(list, refused.signInLink);
    expect(resumed.text).toMatch(/Pages 11–12 of 12:/);
    expect(resumed.text).toMatch(/Note 12/);
    expect(list.status).toBe('complete');
  });
});
