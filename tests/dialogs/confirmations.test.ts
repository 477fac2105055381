/**
 * Every choice acts only on an unambiguous answer: its button, its name, or a close synonym. Ordinals, numbers and
 * sentences that merely contain a choice's word repeat the question and say what it expects.
 */
import axios from 'axios';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { NO_RETRIES } from '../../services/confluence/retryPolicy.js';
import { silentLogger } from '../../services/logging/logger.js';
import { chat } from '../helpers/chat.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { freePort } from '../helpers/ports.js';
import { createWorld, World, WorldOptions } from '../helpers/world.js';

/** Answers that botbuilder's choice recognizer would take for a choice, none of which says which one. */
const STRAY_ANSWERS = ['- first item', 'first', '1', 'the last one', 'I do not want to create it yet'];

describe('The confirmation before creating', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });

  afterAll(async () => {
    await world.close();
  });

  async function atConfirmation(title: string, access = world.access): Promise<DialogDriver> {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(access, silentLogger, prefs), { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await driver.say(title);
    expect((await driver.say('skip')).text).toMatch(/Ready to create this page/);
    return driver;
  }

  it.each(STRAY_ANSWERS)('does not create on "%s": it asks again and says what it expects', async (stray) => {
    const title = `Stray answer ${stray}`;
    const driver = await atConfirmation(title);
    const turn = await driver.say(stray);
    expect(turn.text).toMatch(/\*\*Create\*\*, \*\*Change\*\* or \*\*Cancel\*\*/);
    expect(turn.text).toMatch(/Ready to create this page/);
    expect(turn.buttons).toEqual(['Create', 'Change', 'Cancel']);
    expect(driver.status).toBe('waiting');
    expect(await world.sandbox.findContent((c) => c.title === title)).toEqual([]);
  });

  it.each(['Create', 'yes', 'create.'])('creates on "%s"', async (answer) => {
    const title = `Confirmed with ${answer}`;
    const driver = await atConfirmation(title);
    expect((await driver.say(answer)).text).toMatch(/Done! The page/);
    expect(await world.sandbox.findContent((c) => c.title === title)).toHaveLength(1);
  });

  it('takes "change" and then only a field name, not "the second"', async () => {
    const driver = await atConfirmation('Change menu');
    expect((await driver.say('change')).text).toMatch(/What would you like to change\?/);
    const stray = await driver.say('the second');
    expect(stray.text).toMatch(/\*\*Space\*\*, \*\*Type\*\*, \*\*Title\*\* or \*\*Body\*\*/);
    expect(stray.buttons).toEqual(['Space', 'Type', 'Title', 'Body']);
    expect((await driver.say('title')).text).toMatch(/title of the page/);
  });

  it('does not take an ordinal as the page-or-blog answer', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), {});
    await driver.say('create');
    expect((await driver.say('DEMO')).text).toMatch(/page or a blog post/);
    const stray = await driver.say('the second one');
    expect(stray.text).toMatch(/\*\*Page\*\* or \*\*Blog post\*\*/);
    expect((await driver.say('blog')).text).toMatch(/title of the blog post/);
  });

  it('does not take a stray answer at the retry choice as Retry', async () => {
    const deadPort = await freePort();
    const down = { now: false };
    const http = axios.create({ proxy: false });
    http.interceptors.request.use((config) => {
      if (down.now && config.method === 'post') config.url = config.url?.replace(/^http:\/\/127\.0\.0\.1:\d+/, `http://127.0.0.1:${deadPort}`);
      return config;
    });
    const access = new ConfluenceAccess(world.auth, new ConfluenceClient({ http, retry: NO_RETRIES }));
    const driver = await atConfirmation('Retry only on Retry', access);
    down.now = true;
    expect((await driver.say('Create')).buttons).toEqual(['Retry', 'Change', 'Cancel']);
    down.now = false;
    const stray = await driver.say('first');
    expect(stray.text).toMatch(/\*\*Retry\*\*, \*\*Change\*\* or \*\*Cancel\*\*/);
    expect(await world.sandbox.findContent((c) => c.title === 'Retry only on Retry')).toEqual([]);
    expect((await driver.say('try again')).text).toMatch(/Done! The page \*\*Retry only on Retry\*\*/);
  });
});

describe('The site choice', () => {
  const sites: WorldOptions['sites'] = [
    { cloudId: '11111111-1111-4111-8111-111111111111', name: 'Alpha' },
    { cloudId: '22222222-2222-4222-8222-222222222222', name: 'Beta' },
  ];
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized', sites });
    await world.preauthorize();
  });

  afterAll(async () => {
    await world.close();
  });

  it('takes only a site name, in a conversation and in "switch site"', async () => {
    const bot = chat(world);
    expect((await bot.say('list pages in DEMO')).buttons).toEqual(['Alpha', 'Beta']);
    const stray = await bot.say('2');
    expect(stray.text).toMatch(/\*\*Alpha\*\* or \*\*Beta\*\*/);
    expect(stray.buttons).toEqual(['Alpha', 'Beta']);
    expect((await bot.say('beta')).text).toMatch(/Demo space \(DEMO\)\*\* has/);

    expect((await bot.say('switch site')).text).toMatch(/Which Confluence site should I use\?/);
    expect((await bot.say('the first')).text).toMatch(/\*\*Alpha\*\* or \*\*Beta\*\*/);
    expect((await bot.say('Alpha')).text).toMatch(/From now on I will use \*\*Alpha\*\*/);
  });
});
