/**
 * Answers are typed values checked once, by the step that asked, so what the user typed survives whatever that
 * check runs into: a title typed when Confluence refuses the token is checked again after the sign-in, not lost.
 */
import axios from 'axios';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

describe('Typed answers', () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ mode: 'user' });
  });

  afterEach(async () => {
    await world.close();
  });

  async function signIn(driver: DialogDriver, link: string | undefined) {
    expect(link).toBeDefined();
    await world.completeSignIn(link!);
    return driver.signInCompleted();
  }

  it('keeps a title typed when Confluence refused the token, and checks it after the sign-in', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'page' });
    await signIn(driver, (await driver.say('create page')).signInLink);
    expect((await driver.say('DEMO')).text).toMatch(/title of the page/);
    await world.sandbox.revokeAllTokens();
    const refused = await driver.say('Typed before the refusal');
    expect(refused.text).toMatch(/expired or was revoked/);
    const resumed = await signIn(driver, refused.signInLink);
    expect(resumed.text).toMatch(/Markdown/);
    expect(resumed.text).not.toMatch(/title of the page/);
    expect((await driver.say('skip')).text).toMatch(/Title:\*\* Typed before the refusal/);
    expect((await driver.say('Create')).text).toMatch(/Done! The page \*\*Typed before the refusal\*\*/);
  });

  it('checks a typed title once: one request to Confluence per answer', async () => {
    const titleChecks: string[] = [];
    const http = axios.create({ proxy: false });
    http.interceptors.request.use((config) => {
      if (config.method === 'get' && /\/(pages|blogposts)\b/.test(config.url ?? '') && /title=/.test(config.url ?? '')) titleChecks.push(config.url!);
      return config;
    });
    const access = new ConfluenceAccess(world.auth, new ConfluenceClient({ http }));
    const driver = new DialogDriver((prefs) => new CreateContentDialog(access, silentLogger, prefs), { type: 'page' });
    await signIn(driver, (await driver.say('create page')).signInLink);
    await driver.say('DEMO');
    expect((await driver.say('Checked once')).text).toMatch(/Markdown/);
    expect(titleChecks).toHaveLength(1);
  });
});
