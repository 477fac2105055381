/**
 * Find, read, comment and add through the whole conversation (MainDialog), against the sandbox: results five at a
 * time with "more", "open 2", the page card, a footer comment and an addition, and the bad input around them (CQL
 * injection, nothing to search for, ambiguous titles, a page changed or deleted in between).
 */
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { createMainDialog } from '../../dialogs/mainDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import type { ConfluenceApi } from '../../services/confluence/types.js';
import { silentLogger } from '../../services/logging/logger.js';
import { chat } from '../helpers/chat.js';
import { DialogDriver, type Turn } from '../helpers/dialogDriver.js';
import { SEED_WITH_DOCS, type SeedSpace } from '../../sandbox/index.js';
import { createWorld, World } from '../helpers/world.js';

const TWINS: SeedSpace = {
  key: 'TWIN',
  name: 'Twins',
  description: 'Same titles.',
  homepage: false,
  pages: [{ title: 'Status', body: '<p>The page called Status.</p>' }],
  blogposts: [{ title: 'Status', body: '<p>The blog post called Status.</p>' }],
};

function cardTexts(turn: Turn): string {
  return JSON.stringify(turn.adaptiveCards);
}

describe('find, read, comment and add', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized', seed: [...SEED_WITH_DOCS, TWINS] });
    await world.preauthorize();
  });

  afterAll(() => world.close());

  async function contentTitled(title: string, spaceKey: string) {
    const [found] = await world.sandbox.findContent((content) => content.title === title && content.spaceKey === spaceKey);
    if (found === undefined) throw new Error(`no ${title} in ${spaceKey}`);
    return found;
  }

  it('finds pages, five at a time on a card with Open buttons and the matched words marked, and "more" goes on', async () => {
    const bot = chat(world);
    let turn = await bot.say('search "kept for the record" in DOCS');
    expect(turn.adaptiveCards).toHaveLength(1);
    const card = cardTexts(turn);
    expect(card).toMatch(/Results 1–5 of [\d,]+ for \\"kept for the record\\" in DOCS/);
    expect(card).toMatch(/"text":"1\. "/);
    expect(card).toMatch(/"highlight":true/);
    expect(turn.buttons.filter((title) => title === 'Open')).toHaveLength(5);
    expect(turn.buttons).toEqual(expect.arrayContaining(['More', 'Open 1']));
    expect(turn.text).toMatch(/Say \*\*open 1\*\* \(or another number up to 5\) to read it here, \*\*more\*\* for the next 5/);
    turn = await bot.say('more');
    expect(cardTexts(turn)).toMatch(/Results 6–10 of [\d,]+ for/);
    expect(cardTexts(turn)).toMatch(/"text":"6\. "/);
  });

  it('opens a result by its number, then comments on it and adds to it from the page card', async () => {
    const bot = chat(world);
    let turn = await bot.say('find onboarding in TEAM');
    expect(cardTexts(turn)).toMatch(/Onboarding/);
    turn = await bot.say('open 1');
    const card = cardTexts(turn);
    expect(card).toMatch(/"text":"Onboarding"/);
    expect(card).toMatch(/Team space \(TEAM\) · by [^·]+ · updated \d{1,2} \w{3} \d{4} \(version 1\)/);
    expect(card).toMatch(/Welcome aboard\./);
    expect(turn.buttons).toEqual(expect.arrayContaining(['Open in Confluence', 'Comment', 'Add to this page']));

    turn = await bot.say('comment');
    expect(turn.text).toMatch(/What is your comment on \*\*Onboarding\*\*/);
    turn = await bot.say('Welcome, *everyone*!');
    expect(turn.text).toMatch(/Ready to comment on \*\*Onboarding\*\* \(TEAM\)/);
    expect(turn.buttons).toEqual(['Post', 'Change', 'Cancel']);
    turn = await bot.say('Post');
    expect(turn.text).toMatch(/Done! Your comment is on \*\*Onboarding\*\*: http/);
    const onboarding = await contentTitled('Onboarding', 'TEAM');
    expect(onboarding.comments?.map((comment) => comment.body)).toContainEqual(expect.stringContaining('<em>everyone</em>'));

    // Read again, the card ends with the newest comments, their authors and days.
    await world.sandbox.addComment(onboarding.id, { body: '<p>Glad you are here.</p>' });
    const again = await chat(world).say('show Onboarding in TEAM');
    const texts = JSON.stringify(again.adaptiveCards);
    expect(texts).toMatch(/"text":"Latest comments"/);
    expect(texts).toMatch(/"text":"Casey Colleague · \d{1,2} \w{3} \d{4}: "\S*,\{"type":"TextRun","text":"Glad you are here\."/);
    expect(texts).toMatch(/"text":"Sandbox User · \d{1,2} \w{3} \d{4}: "\S*,\{"type":"TextRun","text":"Welcome, everyone!"/);
    expect(texts.indexOf('Glad you are here.')).toBeLessThan(texts.indexOf('Welcome, everyone!'));
  });

  it('adds lines to the end of a page from one sentence, after showing them and the version', async () => {
    const bot = chat(world);
    const before = await contentTitled('Meeting notes', 'DEMO');
    let turn = await bot.say('add to Meeting notes in DEMO: - decided to ship Friday');
    expect(turn.text).toMatch(new RegExp(`Ready to add this at the end of \\*\\*Meeting notes\\*\\* \\(DEMO\\), now at version ${before.version}`));
    expect(turn.text).toContain('- decided to ship Friday');
    expect(turn.buttons).toEqual(['Add', 'Change', 'Cancel']);
    turn = await bot.say('Add');
    expect(turn.text).toMatch(new RegExp(`Done! Added to \\*\\*Meeting notes\\*\\*, now at version ${before.version + 1}: http`));
    const after = await contentTitled('Meeting notes', 'DEMO');
    expect(after.body.startsWith(before.body)).toBe(true);
    expect(after.body.slice(before.body.length)).toBe('<ul>\n<li>decided to ship Friday</li>\n</ul>');
  });

  it('never overwrites a change someone else saved: shows the new version and asks again', async () => {
    const bot = chat(world);
    const runbook = await contentTitled('Runbook', 'ENG');
    let turn = await bot.say('add to Runbook in ENG: 3. Tell the team.');
    expect(turn.text).toMatch(new RegExp(`now at version ${runbook.version}\\.`));
    const theirs = await world.sandbox.editContent(runbook.id, { body: `${runbook.body}<p>Their line.</p>` });
    turn = await bot.say('Add');
    expect(turn.text).toMatch(new RegExp(`Casey Colleague saved \\*\\*Runbook\\*\\* in the meantime \\(it is now at version ${theirs}\\)`));
    expect(turn.text).toMatch(new RegExp(`now at version ${theirs}\\.`));
    turn = await bot.say('Add');
    expect(turn.text).toMatch(new RegExp(`now at version ${theirs + 1}`));
    const after = await contentTitled('Runbook', 'ENG');
    expect(after.body).toContain('<p>Their line.</p>');
    expect(after.body).toMatch(/<ol start="3">\n<li>Tell the team\.<\/li>\n<\/ol>$/);
  });

  it('asks again on Confluence\'s 409, when the page changed between the last read and the update', async () => {
    // The real client over HTTP; the colleague's save is made at the moment the update is about to be sent.
    const client = new ConfluenceClient();
    let interleave: (() => Promise<unknown>) | undefined;
    const racing: ConfluenceApi = Object.assign(Object.create(client) as ConfluenceClient, {
      appendToContent: async (...args: Parameters<ConfluenceApi['appendToContent']>) => {
        await interleave?.();
        interleave = undefined;
        return client.appendToContent(...args);
      },
    });
    const bot = new DialogDriver((prefs) => createMainDialog(new ConfluenceAccess(world.auth, racing), silentLogger, prefs));
    const decisions = await contentTitled('Decision log', 'ENG');
    let turn = await bot.say('add to Decision log in ENG: Use the sandbox in tests.');
    interleave = () => world.sandbox.editContent(decisions.id, { body: `${decisions.body}<p>Also theirs.</p>` });
    turn = await bot.say('Add');
    expect(turn.text).toMatch(new RegExp(`Casey Colleague saved \\*\\*Decision log\\*\\* in the meantime \\(it is now at version ${decisions.version + 1}\\)`));
    turn = await bot.say('Add');
    expect(turn.text).toMatch(new RegExp(`Done! Added to \\*\\*Decision log\\*\\*, now at version ${decisions.version + 2}`));
    const after = await contentTitled('Decision log', 'ENG');
    expect(after.body).toBe(`${decisions.body}<p>Also theirs.</p><p>Use the sandbox in tests.</p>`);
  });

  it('says a page deleted between reading it and adding to it is gone, and sends nothing', async () => {
    const bot = chat(world);
    let turn = await bot.say('show How-to articles in DEMO');
    expect(cardTexts(turn)).toMatch(/Short guides/);
    turn = await bot.say('add to this page: - one more guide');
    expect(turn.text).toMatch(/Ready to add this at the end of \*\*How-to articles\*\*/);
    const page = await contentTitled('How-to articles', 'DEMO');
    await world.sandbox.deleteContent(page.id);
    turn = await bot.say('Add');
    expect(turn.text).toMatch(/\*\*How-to articles\*\* is gone, or you can no longer see it\. Nothing was changed\./);
    expect(await world.sandbox.findContent((content) => content.id === page.id)).toEqual([]);
    // And reading it again says the same, without a card.
    turn = await chat(world).say('show How-to articles in DEMO');
    expect(turn.text).toMatch(/I can't find a page "How-to articles" in DEMO/);
  });

  it('tells a page that is read-only (Confluence answers 404 to the write) from one that is gone', async () => {
    let bot = chat(world);
    await bot.say('comment on Old project in ARCHIVE: Still relevant?');
    let turn = await bot.say('Post');
    expect(turn.text).toMatch(/Confluence did not let you comment on \*\*Old project\*\*: you can read it but lack permission to add comments there\. Nothing was posted/);
    bot = chat(world);
    await bot.say('add to Old project in ARCHIVE: - one more');
    turn = await bot.say('Add');
    expect(turn.text).toMatch(/Confluence did not let you edit \*\*Old project\*\*: you can read it but lack permission to change it\. Nothing was changed/);
    expect((await contentTitled('Old project', 'ARCHIVE')).version).toBe(1);
  });

  it('refreshes an expired token in the middle of an addition and goes on, without asking again', async () => {
    const bot = chat(world);
    await bot.say('add to Team members in TEAM: | Casey | Reviews |');
    await world.sandbox.expireAccessTokens();
    const turn = await bot.say('Add');
    expect(turn.text).toMatch(/Done! Added to \*\*Team members\*\*, now at version 2/);
  });

  it('reads a page named by title and space, and a blog post', async () => {
    let turn = await chat(world).say('show Runbook in ENG');
    expect(cardTexts(turn)).toMatch(/"text":"Runbook"/);
    expect(cardTexts(turn)).toMatch(/On call/);
    turn = await chat(world).say('show Release notes in ENG');
    expect(cardTexts(turn)).toMatch(/Engineering \(ENG\) · blog post/);
  });

  it('asks which page when the sentence names none, and reads "title in KEY" typed as the answer', async () => {
    const bot = chat(world);
    let turn = await bot.say('comment on');
    expect(turn.text).toMatch(/Which page\? Type its title/);
    turn = await bot.say('Team members in TEAM');
    expect(turn.text).toMatch(/What is your comment on \*\*Team members\*\*/);
    turn = await bot.say('help');
    expect(turn.text).toMatch(/Right now you are typing your comment, in Markdown\./);
    turn = await bot.say('cancel');
    expect(turn.text).toMatch(/Cancelled\. Nothing was posted to Confluence\./);
  });

  it('asks which one when a page and a blog post share the title', async () => {
    const bot = chat(world);
    let turn = await bot.say('show Status in TWIN');
    expect(turn.text).toMatch(/More than one page is called "Status"/);
    expect(turn.buttons).toEqual(['1. Status (TWIN)', '2. Status (TWIN), blog post']);
    turn = await bot.say('2');
    expect(cardTexts(turn)).toMatch(/The blog post called Status\./);
  });

  it('offers close titles when none is exact, and says so when nothing is close', async () => {
    const bot = chat(world);
    let turn = await bot.say('show Architecture in ENG');
    expect(turn.text).toMatch(/No page is called exactly "Architecture" in ENG\. Did you mean/);
    expect(turn.buttons).toContain('1. Architecture overview (ENG)');
    turn = await bot.say('architecture overview');
    expect(cardTexts(turn)).toMatch(/Channel → bot → dialogs/);
    turn = await chat(world).say('show Quantum flux capacitor');
    expect(turn.text).toMatch(/I can't find a page "Quantum flux capacitor" that you can see/);
  });

  it('keeps typed text out of the CQL: an injection attempt is only searched as words', async () => {
    const turn = await chat(world).say('find x" OR space = "ARCHIVE');
    expect(turn.text).toMatch(/Nothing that you can see matches/);
    expect(turn.adaptiveCards).toHaveLength(0);
  });

  it('asks again when there is nothing to search for, and suggests all spaces when one space has nothing', async () => {
    const bot = chat(world);
    let turn = await bot.say('find');
    expect(turn.text).toMatch(/What should I look for\?/);
    turn = await bot.say('?!*');
    expect(turn.text).toMatch(/nothing I can search for in "\?\\!\\\*"/);
    turn = await bot.say('onboarding in TEAM');
    expect(cardTexts(turn)).toMatch(/Result 1 of 1 for \\"onboarding\\" in TEAM/);

    turn = await chat(world).say('search onboarding in ENG');
    expect(turn.text).toMatch(/Nothing in ENG that you can see matches "onboarding"\. Try other words, or search all spaces\./);
    expect(turn.buttons).toEqual(['Search all spaces']);
  });

  it('says a result number it never showed is not one, and "open 2" without a search is explained', async () => {
    const bot = chat(world);
    await bot.say('find onboarding in TEAM');
    const turn = await bot.say('open 9');
    expect(turn.text).toMatch(/There is no result with that number: I showed 1 result/);
    expect((await chat(world).say('open 2')).text).toMatch(/There are no search results here to open/);
  });

  it('a new request after the results is answered as one', async () => {
    const bot = chat(world);
    await bot.say('find onboarding in TEAM');
    expect((await bot.say('list pages in TEAM')).text).toMatch(/\*\*Team space \(TEAM\)\*\* has \d+ pages/);
  });
});
