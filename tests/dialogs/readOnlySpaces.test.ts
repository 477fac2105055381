/**
 * Spaces the user can read but not add to (issue 10, item 7): a create conversation offers only spaces where
 * Confluence's space operations allow creating, answers a typed read-only space at once, and when a create is still
 * refused keeps the title and body and asks only for another space. Real services; the sandbox plays Atlassian and
 * its ARCHIVE space is read-only for the sandbox user.
 */
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { FORM_ACTION } from '../../dialogs/cards.js';
import { ListPagesDialog } from '../../dialogs/listPagesDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import { chat } from '../helpers/chat.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

describe('Read-only spaces when creating content', () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });

  afterEach(async () => {
    await world.close();
  });

  it('offers only spaces the user can create in, as buttons and on the form; a listing still offers them all', async () => {
    const create = chat(world);
    const turn = await create.say('create page');
    expect(turn.buttons).toEqual(expect.arrayContaining(['Demo space (DEMO)', 'Engineering (ENG)', 'Team space (TEAM)']));
    expect(turn.buttons.join()).not.toMatch(/ARCHIVE/);
    expect(JSON.stringify(turn.adaptiveCards)).toContain('"value":"DEMO"');
    expect(JSON.stringify(turn.adaptiveCards)).not.toContain('"value":"ARCHIVE"');

    const list = new DialogDriver((prefs) => new ListPagesDialog(world.access, silentLogger, prefs));
    expect((await list.say('list pages')).buttons).toContain('Archive (read-only) (ARCHIVE)');
  });

  it('answers a read-only space named in the first sentence at once, and keeps the title for the space picked next', async () => {
    const bot = chat(world);
    const turn = await bot.say('create a page called Quarterly plan in ARCHIVE');
    expect(turn.text).toMatch(/You can read \*\*ARCHIVE\*\* but not create pages there; pick another space\./);
    expect(turn.text).toMatch(/Which space\?/);
    expect(turn.buttons.join()).not.toMatch(/ARCHIVE/);
    expect((await bot.say('DEMO')).text).toMatch(/Markdown/);
    await bot.say('Kept through the refusal');
    expect((await bot.say('Create')).text).toMatch(/Done! The page \*\*Quarterly plan\*\* is in Demo space \(DEMO\)/);
  });

  it('answers a typed read-only space with what the user can and cannot do there', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'blogpost' });
    await driver.say('create blog post');
    const turn = await driver.say('archive');
    expect(turn.text).toMatch(/You can read \*\*ARCHIVE\*\* but not create blog posts there/);
    expect((await driver.say('ENG')).text).toMatch(/title of the blog post/);
  });

  it('sends the form back with the space marked and every value kept when a read-only space is typed into it', async () => {
    const bot = chat(world);
    await bot.say('create page');
    const turn = await bot.submit({ action: FORM_ACTION, spaceKey: 'ARCHIVE', type: 'page', title: 'Form title', body: 'form body kept' });
    expect(turn.text).toMatch(/You can read ARCHIVE but not create pages there; choose another space/);
    const card = JSON.stringify(turn.adaptiveCards[0]);
    expect(card).toContain('Form title');
    expect(card).toContain('form body kept');
    expect(await world.sandbox.findContent((c) => c.title === 'Form title')).toEqual([]);
  });

  it('keeps the title and body when Confluence still refuses the create, and asks only for another space', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await driver.say('Refused then kept');
    expect((await driver.say('Some **kept** body')).text).toMatch(/Ready to create/);
    // A space administrator takes the permission away while the user reads the summary.
    await world.sandbox.setCanCreate('DEMO', false);
    const refused = await driver.say('Create');
    expect(refused.text).toMatch(/did not let you create content in DEMO/);
    expect(refused.text).toMatch(/Which space\?/);
    expect(refused.buttons.join()).not.toMatch(/DEMO/);
    const summary = await driver.say('ENG');
    expect(summary.text).toMatch(/Ready to create/);
    expect(summary.text).toMatch(/Refused then kept/);
    expect((await driver.say('Create')).text).toMatch(/Done! The page \*\*Refused then kept\*\* is in Engineering \(ENG\)/);
    const [created] = await world.sandbox.findContent((c) => c.title === 'Refused then kept');
    expect(created?.body).toContain('<strong>kept</strong>');
  });
});

describe('A site where the user can create nowhere', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({
      mode: 'preauthorized',
      seed: [
        { key: 'RO', name: 'Read only', description: 'Look, do not touch.', canCreate: false },
        { key: 'OLD', name: 'Old stuff', description: 'Also read-only.', canCreate: false },
      ],
    });
    await world.preauthorize();
  });

  afterAll(() => world.close());

  it('says so plainly instead of offering spaces that would refuse', async () => {
    const turn = await chat(world).say('create page');
    expect(turn.text).toMatch(/cannot create pages or blog posts in any of them/);
    expect(turn.buttons).toEqual([]);
  });
});
