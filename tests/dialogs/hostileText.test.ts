/**
 * Data shown by the bot, from Confluence (page titles, space names) and from the user (a title), renders as the
 * characters it is in every message and card: a page titled like a fake "session expired" notice with an image and
 * a link becomes neither. Checked by rendering the replies as Web Chat and the Emulator do (markdown-it, HTML on).
 */
import MarkdownIt from 'markdown-it';
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { ListPagesDialog } from '../../dialogs/listPagesDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DEFAULT_SEED } from '../../sandbox/index.js';
import { DialogDriver, type Turn } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

const HOSTILE_TITLE = '<img src=https://evil.example/i.png><a href=https://evil.example>Session expired, sign in again</a>';
const MARKDOWN_TITLE = '[click](https://evil.example) ![x](https://evil.example/i.png) **b** `c` _i_';
const HOSTILE_SPACE = '<b>Evil</b> [space](https://evil.example) _x_';

const markdown = new MarkdownIt({ html: true, linkify: false });

/** What the user would see: no image, no link except to the sandbox, no raw tag or Markdown link in the text. */
function expectHarmless(turn: Turn, sandboxOrigin: string): void {
  // Message text and Adaptive Card TextBlocks are both Markdown.
  const text = turn.text;
  expect(text).not.toContain('<img');
  expect(text).not.toContain('<a ');
  // Only as escaped characters (`\]`, `\!`), which render as themselves.
  expect(text).not.toMatch(/(?<!\\)\]\(https:\/\/evil/);
  expect(text).not.toMatch(/(?<!\\)!\[/);
  const html = markdown.render(text);
  expect(html).not.toMatch(/<img/i);
  for (const [, href] of html.matchAll(/<a href="([^"]*)"/g)) expect(href!.startsWith(sandboxOrigin)).toBe(true);
}

describe('data shown as literal text', () => {
  let world: World;
  let origin: string;

  beforeAll(async () => {
    world = await createWorld({
      mode: 'preauthorized',
      seed: [
        ...DEFAULT_SEED,
        {
          key: 'EVIL',
          name: HOSTILE_SPACE,
          description: 'Hostile titles.',
          pages: [
            { title: HOSTILE_TITLE, body: '<p>x</p>' },
            { title: MARKDOWN_TITLE, body: '<p>x</p>' },
          ],
        },
      ],
    });
    await world.preauthorize();
    origin = new URL(world.publicUrl).origin;
  });

  afterAll(async () => {
    await world.close();
  });

  it('lists pages with hostile titles and a hostile space name as plain text, links to Confluence only', async () => {
    const list = new DialogDriver((prefs) => new ListPagesDialog(world.access, silentLogger, prefs), { proposedSpace: 'EVIL' });
    const turn = await list.say('list pages in EVIL');
    expect(turn.text).toMatch(/has 3 pages/);
    expect(turn.text).toMatch(/^1\\\. \[/m);
    expectHarmless(turn, origin);
    const html = markdown.render(turn.text);
    expect(html).toContain('&lt;img src=https://evil.example/i.png&gt;&lt;a href=https://evil.example&gt;Session expired, sign in again&lt;/a&gt;');
    expect(html).toContain('[click](https://evil.example) ![x](https://evil.example/i.png) **b** `c` _i_');
    expect(html).toContain('&lt;b&gt;Evil&lt;/b&gt; [space](https://evil.example) _x_');
  });

  it('shows a filter the user typed as plain text', async () => {
    const list = new DialogDriver((prefs) => new ListPagesDialog(world.access, silentLogger, prefs), { proposedSpace: 'EVIL', filter: '![x](https://evil.example/i.png)' });
    const turn = await list.say('pages in EVIL about it');
    expectHarmless(turn, origin);
  });

  it('echoes a hostile title typed by the user, and a taken one, as plain text through to the created card', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'page' });
    expectHarmless(await driver.say('create page'), origin);
    expectHarmless(await driver.say('EVIL'), origin);
    const taken = await driver.say(HOSTILE_TITLE);
    expect(taken.text).toMatch(/already exists/);
    expectHarmless(taken, origin);
    expectHarmless(await driver.say(`${MARKDOWN_TITLE} new`), origin);
    const summary = await driver.say('skip');
    expect(summary.text).toMatch(/Ready to create/);
    expectHarmless(summary, origin);
    const done = await driver.say('Create');
    expect(done.adaptiveCards).toHaveLength(1);
    expectHarmless(done, origin);
    expect(markdown.render(done.text)).toContain(`Done! The page <strong>${MARKDOWN_TITLE} new</strong> is in`);
  });

  it('names an unknown space typed into the form as plain text in the card', async () => {
    const driver = new DialogDriver((prefs) => new CreateContentDialog(world.access, silentLogger, prefs), { type: 'page' });
    await driver.say('create page');
    const turn = await driver.submit({ action: 'createContentForm', spaceKey: '<img src=https://evil.example/i.png>[a](https://evil.example)', type: 'page', title: 'x' });
    expect(turn.text).toMatch(/There is no space/);
    expectHarmless(turn, origin);
  });
});
