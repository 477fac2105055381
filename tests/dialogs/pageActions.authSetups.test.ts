/**
 * Find, read, comment and add in each of the four authorization set-ups (System/Custom × user/pre-authorized),
 * against the real AuthService and Confluence client with the sandbox playing Atlassian; a connection without some of
 * the scopes they need (the missing permission is named, and what the connection allows keeps working); and
 * Confluence, or only its search, going away.
 */
import axios from 'axios';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { createMainDialog } from '../../dialogs/mainDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { NO_RETRIES } from '../../services/confluence/retryPolicy.js';
import { silentLogger } from '../../services/logging/logger.js';
import { chat } from '../helpers/chat.js';
import { DialogDriver, type Turn } from '../helpers/dialogDriver.js';
import type { AuthMode, AuthType } from '../../services/auth/types.js';
import { DEFAULT_SCOPES } from '../../services/config/config.js';
import { createWorld, World } from '../helpers/world.js';

const setups: Array<[AuthType, AuthMode]> = [
  ['system', 'user'],
  ['custom', 'user'],
  ['system', 'preauthorized'],
  ['custom', 'preauthorized'],
];

/** Says `text`; in user mode the first request is answered with a sign-in, which is completed and resumes it. */
async function sayAsSignedIn(world: World, bot: DialogDriver, mode: AuthMode, text: string): Promise<Turn> {
  const turn = await bot.say(text);
  if (mode !== 'user' || turn.signInLink === undefined) return turn;
  const outcome = await world.completeSignIn(turn.signInLink);
  expect(outcome.kind).toBe('user-signed-in');
  return bot.signInCompleted();
}

describe.each(setups)('find, read, comment and add with type %s in mode %s', (type, mode) => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ type, mode });
    if (mode === 'preauthorized') await world.preauthorize();
  });

  afterAll(() => world.close());

  it('finds a page, reads it, comments on it and adds to it', async () => {
    const bot = chat(world);
    let turn = await sayAsSignedIn(world, bot, mode, 'what do we have on onboarding?');
    expect(JSON.stringify(turn.adaptiveCards)).toMatch(/"text":"Onboarding"/);
    turn = await bot.say('open 1');
    expect(JSON.stringify(turn.adaptiveCards)).toMatch(/Welcome aboard\./);

    turn = await bot.say(`comment: Read in ${type} ${mode}.`);
    expect(turn.text).toMatch(/Ready to comment on \*\*Onboarding\*\*/);
    expect((await bot.say('Post')).text).toMatch(/Done! Your comment is on \*\*Onboarding\*\*/);

    turn = await bot.say(`add to Onboarding in TEAM: Checked in ${type} ${mode}.`);
    expect(turn.text).toMatch(/Ready to add this at the end of \*\*Onboarding\*\* \(TEAM\)/);
    expect((await bot.say('Add')).text).toMatch(/Done! Added to \*\*Onboarding\*\*, now at version \d+/);
    const [onboarding] = await world.sandbox.findContent((content) => content.title === 'Onboarding');
    expect(onboarding!.body).toContain(`<p>Checked in ${type} ${mode}.</p>`);
  });
});

describe('a connection without the new scopes (a custom profile from before them)', () => {
  let world: World;
  const older = DEFAULT_SCOPES.filter((scope) => !['search:confluence', 'write:comment:confluence', 'read:user:confluence'].includes(scope));

  beforeAll(async () => {
    world = await createWorld({ type: 'custom', mode: 'user', customScopes: older });
  });

  afterAll(() => world.close());

  it('names the missing permission for search and comments, and still reads and adds', async () => {
    const bot = chat(world);
    let turn = await sayAsSignedIn(world, bot, 'user', 'find onboarding');
    expect(turn.text).toMatch(/Confluence did not let me search Confluence: this connection was not given the permission to \*\*search Confluence\*\* \(`search:confluence`\)/);
    expect(turn.text).toMatch(/An administrator must add it to the Atlassian app of this bot; then say \*\*sign out\*\* and \*\*retry\*\*/);
    expect(turn.buttons).toEqual(expect.arrayContaining(['Retry', 'Cancel']));
    await bot.say('cancel');

    // Read works (no author name without read:user:confluence), and so does adding to the page.
    turn = await bot.say('show Onboarding in TEAM');
    const card = JSON.stringify(turn.adaptiveCards);
    expect(card).toMatch(/Welcome aboard\./);
    expect(card).not.toMatch(/ · by /);
    turn = await bot.say('comment: Nice.');
    turn = await bot.say('Post');
    expect(turn.text).toMatch(/permission to \*\*add comments\*\* \(`write:comment:confluence`\)/);
    await bot.say('cancel');

    turn = await bot.say('add to Onboarding in TEAM: one more line');
    expect((await bot.say('Add')).text).toMatch(/Done! Added to \*\*Onboarding\*\*/);
  });
});

describe('a gateway that has removed the v1 search, as it removed v1 content', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
    await world.sandbox.retireSearch();
  });

  afterAll(() => world.close());

  it('says search is gone and what still works; a title in a named space is still read', async () => {
    let turn = await chat(world).say('find onboarding');
    expect(turn.text).toMatch(/Confluence's search is not available to this bot any more .* \*\*show Release notes in ENG\*\*/);
    expect(turn.buttons).not.toContain('Retry');
    turn = await chat(world).say('show Onboarding');
    expect(turn.text).toMatch(/I can only find "Onboarding" in a space you name: .*\*\*show Onboarding in ENG\*\*/);
    turn = await chat(world).say('show Onboarding in TEAM');
    expect(JSON.stringify(turn.adaptiveCards)).toMatch(/Welcome aboard\./);
    turn = await chat(world).say('show Onboard in TEAM');
    expect(turn.text).toMatch(/I can't find a page "Onboard" in TEAM/);
  });
});

describe('Confluence going down in the middle', () => {
  it('keeps the comment when Confluence stops answering at Post, and offers Retry, Change and Cancel', async () => {
    const world = await createWorld({ mode: 'preauthorized' });
    try {
      await world.preauthorize();
      const access = new ConfluenceAccess(world.auth, new ConfluenceClient({ http: axios.create({ proxy: false }), retry: NO_RETRIES }));
      const bot = new DialogDriver((prefs) => createMainDialog(access, silentLogger, prefs));
      expect((await bot.say('comment on Runbook in ENG: Kept through an outage')).text).toMatch(/Ready to comment on \*\*Runbook\*\*/);
      await world.close();
      let turn = await bot.say('Post');
      expect(turn.text).toMatch(/Confluence is not responding right now\. Your answers so far are kept/);
      expect(turn.buttons).toEqual(['Retry', 'Change', 'Cancel']);
      turn = await bot.say('Change');
      expect(turn.text).toMatch(/What is your comment on \*\*Runbook\*\*\?/);
    } finally {
      await world.close().catch(() => undefined);
    }
  });
});
