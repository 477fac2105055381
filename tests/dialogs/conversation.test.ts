/**
 * The whole conversation through MainDialog: utterances that carry slots, the commands that work at any step
 * (help, cancel, status, sign out, switch site), and the Adaptive Card form.
 */
import { FORM_ACTION } from '../../dialogs/cards.js';
import { chat } from '../helpers/chat.js';
import type { DialogDriver } from '../helpers/dialogDriver.js';
import { SEED_WITH_DOCS } from '../../sandbox/index.js';
import { createWorld, World, WorldOptions } from '../helpers/world.js';


describe('slots from the utterance', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized', seed: SEED_WITH_DOCS });
    await world.preauthorize();
  });
  afterAll(() => world.close());

  it('takes type, title and space from "create a page called … in …" and goes straight to the body', async () => {
    const bot = chat(world);
    const turn = await bot.say('create a page called Release plan in ENG');
    expect(turn.text).toMatch(/Markdown/);
    expect((await bot.say('skip')).text).toMatch(/Space:\*\* Engineering \(ENG\)[\s\S]*Title:\*\* Release plan/);
    expect((await bot.say('Create')).text).toMatch(/Done! The page \*\*Release plan\*\* is in Engineering \(ENG\)/);
  });

  it('takes "new blog post in DEMO titled Sprint 12"', async () => {
    const bot = chat(world);
    expect((await bot.say('new blog post in DEMO titled Sprint 12')).text).toMatch(/Markdown/);
    await bot.say('skip');
    expect((await bot.say('Create')).text).toMatch(/Done! The blog post \*\*Sprint 12\*\* is in Demo space \(DEMO\)/);
  });

  it('asks again for a space named in the utterance that does not exist, keeping the title', async () => {
    const bot = chat(world);
    const turn = await bot.say('create a page called Plans in ENGG');
    expect(turn.text).toMatch(/can't find a space "ENGG".*\*\*ENG\*\*/s);
    expect(turn.text).toMatch(/Which space\?/);
    expect((await bot.say('ENG')).text).toMatch(/Markdown/);
  });

  it('asks again for a title from the utterance that is already used', async () => {
    const bot = chat(world);
    const turn = await bot.say('create a page called Runbook in ENG');
    expect(turn.text).toMatch(/A page called "Runbook" already exists in ENG/);
    expect(turn.text).toMatch(/title of the page/);
  });

  it('answers something it does not understand with examples', async () => {
    const bot = chat(world);
    const turn = await bot.say('make me a sandwich');
    expect(turn.text).toMatch(/did not catch that.*create a page called Release notes in ENG/s);
  });

  it('answers hi, thanks and ok kindly, not with "I did not catch that"', async () => {
    const bot = chat(world);
    expect((await bot.say('hi')).text).toMatch(/^Hello! I find, read, create and add to Confluence pages/);
    expect((await bot.say('Thanks!')).text).toBe("You're welcome! Say **create page** or **list pages** whenever you need me again.");
    expect((await bot.say('thank you so much')).text).toMatch(/^You're welcome!/);
    expect((await bot.say('ok')).text).toMatch(/^All right\./);
    for (const said of ['hi', 'thanks', 'ok', 'okay', 'got it']) expect((await bot.say(said)).text).not.toMatch(/did not catch/);
  });

  it('keeps "ok" and "yes" as answers inside a dialog: only with nothing running are they small talk', async () => {
    const bot = chat(world);
    await bot.say('create a page called Small talk in ENG');
    // The body prompt takes any text, "ok" included, as the body.
    expect((await bot.say('ok')).text).toMatch(/Ready to create this page/);
    expect((await bot.say('yes')).text).toMatch(/Done! The page \*\*Small talk\*\*/);
    const [created] = await world.sandbox.findContent((content) => content.title === 'Small talk');
    expect(created!.body).toContain('ok');
  });

  it('lists pages of a space named in the utterance, with a filter', async () => {
    const bot = chat(world);
    expect((await bot.say('pages in ENG about runbook')).text).toMatch(/\*\*Engineering \(ENG\)\*\* has \d+ pages; 1 title match "runbook"/);
  });

  it('treats anything but "more" after a list as a new request', async () => {
    const bot = chat(world);
    const turn = await bot.say('list pages in DOCS');
    expect(turn.text).toMatch(/Say \*\*more\*\*/);
    expect((await bot.say('create a page called After the list in DEMO')).text).toMatch(/Markdown/);
  });
});

describe.each(['create page', 'list pages'])('commands at every step of "%s"', (start) => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'user', seed: SEED_WITH_DOCS });
  });
  afterAll(() => world.close());

  /** Walks to each step in turn and checks every command there. */
  const stepsOf = start === 'create page' ? ['sign-in', 'space', 'title', 'body', 'confirm'] : ['sign-in', 'space', 'more'];

  async function reach(bot: DialogDriver, step: string): Promise<void> {
    const first = await bot.say(start === 'create page' ? 'create page' : 'list pages');
    if (step === 'sign-in') return;
    await world.completeSignIn(first.signInLink!);
    await bot.signInCompleted();
    if (step === 'space') return;
    if (start === 'list pages') {
      await bot.say('DOCS');
      return;
    }
    await bot.say('DEMO');
    if (step === 'title') return;
    await bot.say(`Title ${Math.random().toString(36).slice(2)}`);
    if (step === 'body') return;
    await bot.say('skip');
  }

  it.each(stepsOf)('at the %s step: help, status, sign out and cancel', async (step) => {
    const userId = `u-${start.replace(' ', '')}-${step}`;
    const bot = chat(world, userId);
    await reach(bot, step);

    const help = await bot.say('help');
    expect(help.text).toMatch(/Right now/);

    const status = await bot.say('status');
    expect(status.text).toMatch(/built-in \*\*Confluence sandbox\*\*/);
    expect(status.text).toMatch(step === 'sign-in' ? /You are not signed in/ : /You are signed in; Confluence site: \*\*Sandbox\*\*/);

    const signOut = await bot.say('sign out');
    expect(signOut.text).toMatch(step === 'sign-in' ? /You were not signed in/ : /Signed out: I forgot your Confluence sign-in/);
    expect((await world.auth.getConnection({ channelId: 'emulator', userId })).status).toBe('sign-in-required');

    const cancel = await bot.say('cancel');
    expect(cancel.text).toMatch(/Cancelled\./);
    expect((await bot.say('cancel')).text).toMatch(/nothing to cancel/);
  });

  it('switch site with one site says there is no other', async () => {
    const bot = chat(world, `switch-${start}`);
    await reach(bot, 'space');
    expect((await bot.say('switch site')).text).toMatch(/only one Confluence site, \*\*Sandbox\*\*/);
  });
});

describe('"sign in" as a request of its own', () => {
  it('signs in before anything is asked, says what to do next, and knows when there is nothing to do', async () => {
    const world = await createWorld({ mode: 'user' });
    try {
      const bot = chat(world);
      const first = await bot.say('sign in');
      expect(first.signInLink).toBeDefined();
      await world.completeSignIn(first.signInLink!);
      expect((await bot.signInCompleted()).text).toMatch(/you are signed in[\s\S]*Now try/);
      expect((await bot.say('sign in')).text).toMatch(/already signed in to Confluence \(Sandbox\)/);
    } finally {
      await world.close();
    }
  });
});

describe('preauthorized mode commands', () => {
  it('sign out says the shared connection is managed by an administrator', async () => {
    const world = await createWorld({ mode: 'preauthorized' });
    try {
      await world.preauthorize();
      const bot = chat(world);
      expect((await bot.say('sign out')).text).toMatch(/shared Confluence connection managed by an administrator/);
      expect((await bot.say('status')).text).toMatch(/shared connection is authorized/);
    } finally {
      await world.close();
    }
  });
});

describe('preauthorized mode before the administrator has connected the bot', () => {
  it('tells chat users plainly, and never shows them the operator command', async () => {
    const world = await createWorld({ mode: 'preauthorized' });
    try {
      const bot = chat(world);
      for (const said of ['create a page called Plans in ENG', 'list pages in ENG', 'sign in', 'status']) {
        const turn = await bot.say(said);
        expect(turn.text).toMatch(/administrator (of this bot )?has not connected (it|this bot) to Confluence/);
        expect(turn.text).not.toMatch(/npm|admin --|`/);
      }
    } finally {
      await world.close();
    }
  });
});

describe('several sites', () => {
  const sites: WorldOptions['sites'] = [
    { cloudId: '11111111-1111-4111-8111-111111111111', name: 'Alpha' },
    { cloudId: '22222222-2222-4222-8222-222222222222', name: 'Beta' },
  ];

  it('remembers the chosen site, and "switch site" changes it at any step', async () => {
    const world = await createWorld({ mode: 'preauthorized', sites });
    try {
      await world.preauthorize();
      const bot = chat(world);
      expect((await bot.say('list pages in DEMO')).buttons).toEqual(['Alpha', 'Beta']);
      expect((await bot.say('Alpha')).text).toMatch(/Demo space \(DEMO\)\*\* has/);

      expect((await bot.say('create page')).text).toMatch(/Which space\?/);
      const switched = await bot.say('switch site');
      expect(switched.buttons).toEqual(['Alpha', 'Beta']);
      await bot.say('Beta');
      await bot.say('DEMO');
      await bot.say('On Beta after switching');
      await bot.say('skip');
      await bot.say('Create');
      const [created] = await world.sandbox.findContent((c) => c.title === 'On Beta after switching');
      expect(created!.cloudId).toBe('22222222-2222-4222-8222-222222222222');

      expect((await bot.say('switch site')).text).toMatch(/Which Confluence site should I use\?/);
      expect((await bot.say('Alpha')).text).toMatch(/From now on I will use \*\*Alpha\*\*/);
    } finally {
      await world.close();
    }
  });
});

describe('the Adaptive Card form', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });
  afterAll(() => world.close());

  it('is offered with the space question and creates the content from one submission', async () => {
    const bot = chat(world);
    const turn = await bot.say('create page');
    expect(turn.adaptiveCards).toHaveLength(1);
    expect(JSON.stringify(turn.adaptiveCards[0])).toContain('"version":"1.5"');
    const result = await bot.submit({ action: FORM_ACTION, spaceKey: 'ENG', type: 'blogpost', title: 'From the form', body: '**Bold** start' });
    expect(result.text).toMatch(/Done! The blog post \*\*From the form\*\* is in Engineering \(ENG\)/);
    expect(result.buttons).toContain('Open in Confluence');
    const [created] = await world.sandbox.findContent((c) => c.title === 'From the form');
    expect(created).toMatchObject({ type: 'blogpost', spaceKey: 'ENG' });
    expect(created!.body).toContain('<strong>Bold</strong>');
  });

  it('sends invalid submissions back on a new card with the values kept and the problems marked', async () => {
    const bot = chat(world);
    await bot.say('create page');
    const first = await bot.submit({ action: FORM_ACTION, spaceKey: 'NOPE', type: 'page', title: '   ', body: 'kept body' });
    expect(first.adaptiveCards).toHaveLength(1);
    expect(first.text).toMatch(/no space "NOPE"/);
    expect(first.text).toMatch(/cannot be blank/);
    expect(first.text).not.toMatch(/Which space\?/);
    expect(JSON.stringify(first.adaptiveCards[0])).toContain('kept body');

    const second = await bot.submit({ action: FORM_ACTION, spaceKey: 'ENG', type: 'page', title: 'Runbook', body: 'kept body' });
    expect(second.text).toMatch(/"Runbook" already exists in ENG/);

    const third = await bot.submit({ action: FORM_ACTION, spaceKey: 'ENG', type: 'page', title: 'x'.repeat(256) });
    expect(third.text).toMatch(/256 characters long/);

    const done = await bot.submit({ action: FORM_ACTION, spaceKey: 'ENG', type: 'page', title: 'Fixed on the card', body: 'kept body' });
    expect(done.text).toMatch(/Done! The page \*\*Fixed on the card\*\*/);
  });

  it('ignores a forged or unrelated card payload and keeps asking', async () => {
    const bot = chat(world);
    await bot.say('create page');
    const turn = await bot.submit({ action: 'somethingElse', spaceKey: 'ENG' });
    expect(turn.text).toMatch(/Which space\?/);
  });

  it('still takes a typed answer on a card channel (step by step)', async () => {
    const bot = chat(world);
    await bot.say('create page');
    expect((await bot.say('DEMO')).text).toMatch(/title of the page/);
  });
});
