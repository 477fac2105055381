/**
 * The Create Content conversation's paths: validation, interruptions, change, Confluence failures, token expiry
 * and revocation, several sites, and a restart in the middle. Real services; the sandbox plays Atlassian.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import { FileStateStorage } from '../../services/storage/fileStateStorage.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { freePort } from '../helpers/ports.js';
import { createWorld, World } from '../helpers/world.js';

function newDriver(world: World, options?: unknown, storage?: FileStateStorage): DialogDriver {
  return new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), options, 'user1', storage);
}

describe('Create Content, pre-authorized (no sign-in in the way)', () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });

  afterEach(async () => {
    await world.close();
  });

  it('shows "typing" first, once per turn, on every step that waits for Confluence, and not on others', async () => {
    const driver = newDriver(world);
    const spaces = await driver.say('create page');
    expect(spaces.activities[0]?.type).toBe('typing');
    expect(spaces.activities.filter((activity) => activity.type === 'typing')).toHaveLength(1);
    await driver.say('DEMO');
    await driver.say('Page');
    const titleChecked = await driver.say('Typing shown first');
    expect(titleChecked.activities[0]?.type).toBe('typing');
    const noConfluence = await driver.say('help');
    expect(noConfluence.activities.some((activity) => activity.type === 'typing')).toBe(false);
  });

  it('answers help at a step with where the user is, and asks the same question again', async () => {
    const driver = newDriver(world);
    await driver.say('create page');
    const turn = await driver.say('help');
    expect(turn.text).toMatch(/choosing the space/);
    expect(turn.text).toMatch(/Which space\?/);
  });

  it('cancels at any step, says what was dropped, and creates nothing', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    const turn = await driver.say('cancel');
    expect(turn.text).toMatch(/Cancelled\. Your draft was dropped; nothing was created/);
    expect(driver.status).toBe('complete');
    expect(await world.sandbox.findContent((c) => c.createdAt > new Date(Date.now() - 60_000).toISOString() && c.spaceKey === 'DEMO' && c.title === 'anything')).toEqual([]);
  });

  it('answers an unknown space with close matches, then takes a valid key', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    let turn = await driver.say('DEMOO');
    expect(turn.text).toMatch(/can't find a space "DEMOO".*Did you mean \*\*DEMO\*\*/s);
    turn = await driver.say('eng');
    expect(turn.text).toMatch(/title of the page/);
  });

  it('accepts a space by the button text and by its name', async () => {
    const byName = newDriver(world, { type: 'page' });
    await byName.say('create page');
    expect((await byName.say('Engineering')).text).toMatch(/title of the page/);
  });

  it('refuses blank, too long and already used titles, then takes a good one', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('ENG');
    expect((await driver.say('   ')).text).toMatch(/cannot be blank/);
    expect((await driver.say('x'.repeat(256))).text).toMatch(/256 characters long; Confluence accepts at most 255/);
    expect((await driver.say('Runbook')).text).toMatch(/A page called "Runbook" already exists in ENG/);
    expect((await driver.say('x'.repeat(255))).text).toMatch(/Markdown/);
  });

  it('changes a field from the confirmation and creates with the new value', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await driver.say('First title');
    expect((await driver.say('skip')).text).toMatch(/Title:\*\* First title/);
    expect((await driver.say('Change')).text).toMatch(/What would you like to change\?/);
    expect((await driver.say('Title')).text).toMatch(/title of the page/);
    const confirm = await driver.say('Second title');
    expect(confirm.text).toMatch(/Markdown|Ready to create/);
    const summary = confirm.text.includes('Ready to create') ? confirm : await driver.say('skip');
    expect(summary.text).toMatch(/Title:\*\* Second title/);
    expect((await driver.say('Create')).text).toMatch(/Done! The page \*\*Second title\*\*/);
    expect(await world.sandbox.findContent((c) => c.title === 'First title')).toEqual([]);
  });

  it('asks for another space, keeping the title, when Confluence refuses to create in the chosen one', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('TEAM');
    await driver.say('Not allowed here');
    await driver.say('skip');
    // Taken away after the space was chosen: the space operations said yes, the create says no (readOnlySpaces.test.ts).
    await world.sandbox.setCanCreate('TEAM', false);
    const turn = await driver.say('Create');
    expect(turn.text).toMatch(/did not let you create content in TEAM/);
    expect(turn.text).toMatch(/Which space\?/);
    expect((await driver.say('DEMO')).text).toMatch(/Ready to create/);
    expect((await driver.say('Create')).text).toMatch(/Done! The page \*\*Not allowed here\*\* is in Demo space/);
  });

  it('refreshes an expired access token without the user noticing', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await world.sandbox.expireAccessTokens();
    await driver.say('After expiry');
    await driver.say('skip');
    expect((await driver.say('Create')).text).toMatch(/Done! The page \*\*After expiry\*\*/);
  });

  it('keeps the draft when the shared connection is revoked, and creates it after an administrator re-authorizes', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await driver.say('Kept through revocation');
    await driver.say('skip');
    await world.sandbox.revokeAllTokens();
    const turn = await driver.say('Create');
    expect(turn.text).toMatch(/the administrator needs to connect it again/);
    expect(turn.text).not.toMatch(/npm|admin --/);
    expect(turn.buttons).toEqual(['Retry', 'Change', 'Cancel']);
    await world.preauthorize();
    expect((await driver.say('Retry')).text).toMatch(/Done! The page \*\*Kept through revocation\*\*/);
  });

  it('says Confluence is unavailable, keeps the draft, and offers a retry', async () => {
    const driver = newDriver(world, { type: 'page' });
    await driver.say('create page');
    await driver.say('DEMO');
    await driver.say('While it was down');
    await driver.say('skip');
    await world.close();
    const turn = await driver.say('Create');
    expect(turn.text).toMatch(/Confluence is not responding right now\. Your draft is kept/);
    expect(turn.buttons).toEqual(['Retry', 'Change', 'Cancel']);
    expect((await driver.say('Cancel')).text).toMatch(/draft was dropped/);
  });

  it('continues at the same step with everything typed so far after a restart', async () => {
    const storage = new FileStateStorage(await mkdtemp(path.join(os.tmpdir(), 'restart-')));
    const before = newDriver(world, { type: 'page' }, storage);
    await before.say('create page');
    await before.say('DEMO');
    expect((await before.say('Survives restarts')).text).toMatch(/Markdown/);

    const after = newDriver(world, { type: 'page' }, new FileStateStorage((storage as unknown as { directory: string }).directory));
    expect((await after.say('Body after restart')).text).toMatch(/Title:\*\* Survives restarts/);
    expect((await after.say('Create')).text).toMatch(/Done! The page \*\*Survives restarts\*\*/);
  });
});

describe('Create Content, user mode', () => {
  let world: World;

  beforeEach(async () => {
    world = await createWorld({ mode: 'user' });
  });

  afterEach(async () => {
    await world.close();
  });

  async function signedIn(driver: DialogDriver): Promise<void> {
    const turn = await driver.say('create page');
    await world.completeSignIn(turn.signInLink!);
    await driver.signInCompleted();
  }

  it('ends cleanly when the user cancels while the sign-in is pending', async () => {
    const driver = newDriver(world);
    await driver.say('create page');
    const turn = await driver.say('cancel');
    expect(turn.text).toMatch(/Cancelled/);
    expect(driver.status).toBe('complete');
  });

  it('sends a fresh link when the user types while the sign-in is pending', async () => {
    const driver = newDriver(world);
    const first = await driver.say('create page');
    const again = await driver.say('hello?');
    expect(again.text).toMatch(/still waiting for you to sign in/);
    expect(again.signInLink).toBeDefined();
    expect(again.signInLink).not.toBe(first.signInLink);
  });

  it('tells the user when sign-in was declined on the consent page', async () => {
    const driver = newDriver(world);
    const turn = await driver.say('create page');
    const outcome = await world.completeSignIn(turn.signInLink!, 'decline');
    expect(outcome).toMatchObject({ kind: 'user-sign-in-failed', reason: 'denied' });
    expect((await driver.signInCompleted('denied')).text).toMatch(/Sign-in was declined/);
    expect(driver.status).toBe('complete');
  });

  it('asks to sign in again when the refresh token is refused, then finishes the same draft', async () => {
    const driver = newDriver(world, { type: 'page' });
    await signedIn(driver);
    await driver.say('DEMO');
    await driver.say('Draft kept across sign-in');
    await driver.say('Body typed once');
    await world.sandbox.revokeAllTokens();
    const turn = await driver.say('Create');
    expect(turn.text).toMatch(/expired or was revoked.*Your draft is kept/s);
    expect(turn.signInLink).toBeDefined();
    await world.completeSignIn(turn.signInLink!);
    expect((await driver.signInCompleted()).text).toMatch(/Done! The page \*\*Draft kept across sign-in\*\*/);
    const [created] = await world.sandbox.findContent((c) => c.title === 'Draft kept across sign-in');
    expect(created!.body).toContain('Body typed once');
  });

  it('keeps one user out of another user’s token', async () => {
    const alice = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), undefined, 'alice');
    await signedIn(alice);
    const bob = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), undefined, 'bob');
    expect((await bob.say('create page')).signInLink).toBeDefined();
  });
});

describe('Create Content when Atlassian cannot be reached for a refresh', () => {
  it('says so, keeps the draft and offers a retry', async () => {
    const deadPort = await freePort();
    const world = await createWorld({ type: 'custom', mode: 'preauthorized', customRefreshTokenUrl: `http://127.0.0.1:${deadPort}/oauth/token` });
    try {
      await world.preauthorize();
      const driver = newDriver(world, { type: 'page' });
      await driver.say('create page');
      await driver.say('DEMO');
      await driver.say('Waiting for Atlassian');
      await driver.say('skip');
      await world.sandbox.expireAccessTokens();
      const turn = await driver.say('Create');
      expect(turn.text).toMatch(/sign-in service is not responding right now\. Your draft is kept/);
      expect(turn.buttons).toEqual(['Retry', 'Change', 'Cancel']);
    } finally {
      await world.close();
    }
  });
});

describe('Create Content with several sites', () => {
  it('asks which site, and lists that site’s spaces', async () => {
    const world = await createWorld({
      mode: 'preauthorized',
      sites: [
        { cloudId: '11111111-1111-4111-8111-111111111111', name: 'Alpha' },
        { cloudId: '22222222-2222-4222-8222-222222222222', name: 'Beta' },
      ],
    });
    try {
      await world.preauthorize();
      const driver = newDriver(world, { type: 'page' });
      const turn = await driver.say('create page');
      expect(turn.text).toMatch(/Which Confluence site\?/);
      expect(turn.buttons).toEqual(['Alpha', 'Beta']);
      expect((await driver.say('Beta')).text).toMatch(/Which space\?/);
      await driver.say('DEMO');
      await driver.say('On Beta');
      await driver.say('skip');
      expect((await driver.say('Create')).text).toMatch(/Beta|Done!/);
      const [created] = await world.sandbox.findContent((c) => c.title === 'On Beta');
      expect(created!.cloudId).toBe('22222222-2222-4222-8222-222222222222');
    } finally {
      await world.close();
    }
  });
});
