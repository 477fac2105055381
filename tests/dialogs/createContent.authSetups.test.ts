/**
 * Create Content in each of the four authorization set-ups (System/Custom × user/pre-authorized), against the
 * real AuthService and Confluence client, with the sandbox playing Atlassian.
 */
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import type { AuthMode, AuthType } from '../../services/auth/types.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

const setups: Array<[AuthType, AuthMode]> = [
  ['system', 'user'],
  ['custom', 'user'],
  ['system', 'preauthorized'],
  ['custom', 'preauthorized'],
];

describe.each(setups)('Create Content with type %s in mode %s', (type, mode) => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ type, mode });
  });

  afterEach(async () => {
    await world.close();
  });

  it('authorizes as the mode says, then creates a page the sandbox holds', async () => {
    if (mode === 'preauthorized') await world.preauthorize();
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs));

    let turn = await driver.say('create page');
    if (mode === 'user') {
      expect(turn.text).toMatch(/sign in to Confluence/i);
      expect(turn.signInLink).toMatch(new RegExp(`^${world.publicUrl}/oauth/start\\?id=`));
      const outcome = await world.completeSignIn(turn.signInLink!);
      expect(outcome.kind).toBe('user-signed-in');
      turn = await driver.signInCompleted();
      expect(turn.text).toMatch(/you are signed in/);
    }
    expect(turn.text).toMatch(/Which space\?/);
    expect(turn.buttons).toEqual(expect.arrayContaining(['Demo space (DEMO)', 'Engineering (ENG)']));

    turn = await driver.say('demo');
    expect(turn.text).toMatch(/page or a blog post/);
    turn = await driver.say('Page');
    expect(turn.text).toMatch(/title of the page/);
    turn = await driver.say(`Notes from ${type} ${mode}`);
    expect(turn.text).toMatch(/Markdown/);
    turn = await driver.say('# Heading\n\nSome *text*.');
    expect(turn.text).toMatch(/Ready to create this page/);
    expect(turn.buttons).toEqual(['Create', 'Change', 'Cancel']);
    turn = await driver.say('Create');
    expect(turn.text).toMatch(new RegExp(`Done! The page \\*\\*Notes from ${type} ${mode}\\*\\* is in Demo space \\(DEMO\\)\\.`));
    expect(turn.buttons).toContain('Open in Confluence');

    const [created] = await world.sandbox.findContent((c) => c.title === `Notes from ${type} ${mode}`);
    expect(created).toMatchObject({ type: 'page', spaceKey: 'DEMO' });
    expect(created!.body).toContain('<h1>Heading</h1>');
    expect(created!.body).toContain('<em>text</em>');
    expect(turn.urls).toContain(created!.webUrl);
  });

  it('creates a blog post', async () => {
    if (mode === 'preauthorized') await world.preauthorize();
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'blogpost' });
    let turn = await driver.say('create a blog post');
    if (mode === 'user') {
      await world.completeSignIn(turn.signInLink!);
      turn = await driver.signInCompleted();
    }
    await driver.say('ENG');
    await driver.say('Sprint 12');
    await driver.say('skip');
    turn = await driver.say('create');
    expect(turn.text).toMatch(/Done! The blog post \*\*Sprint 12\*\* is in Engineering \(ENG\)/);
    const [created] = await world.sandbox.findContent((c) => c.title === 'Sprint 12');
    expect(created).toMatchObject({ type: 'blogpost', spaceKey: 'ENG', body: '' });
  });

  if (mode === 'preauthorized') {
    it('tells the user plainly that the administrator has not connected the bot yet, without the operator command', async () => {
      const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs));
      const turn = await driver.say('create page');
      expect(turn.text).toMatch(/the administrator of this bot has not connected it to Confluence/);
      expect(turn.text).not.toMatch(/npm|admin --|authorize/);
      expect(turn.signInLink).toBeUndefined();
    });

    it('serves every user with the one shared token', async () => {
      await world.preauthorize();
      const first = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), undefined, 'alice');
      const second = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), undefined, 'bob');
      expect((await first.say('create page')).text).toMatch(/Which space\?/);
      expect((await second.say('create page')).text).toMatch(/Which space\?/);
    });
  }
});
