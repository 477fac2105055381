/**
 * List pages: every page of a space through the v2 cursor pagination, ten at a time with "more", a title filter,
 * progress on long listings, and a clear answer for empty, unknown and unreadable spaces.
 */
import axios from 'axios';
import MarkdownIt from 'markdown-it';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { ListPagesDialog } from '../../dialogs/listPagesDialog.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { NO_RETRIES } from '../../services/confluence/retryPolicy.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DEFAULT_SEED } from '../../sandbox/index.js';
import { DialogDriver } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

const BIG_SPACE = {
  key: 'BIG',
  name: 'Big space',
  description: 'Many pages.',
  pages: Array.from({ length: 2_499 }, (_, i) => ({
    title: `${i % 10 === 0 ? 'Release notes' : 'Page'} ${String(i + 1).padStart(4, '0')}`,
    body: '<p>x</p>',
  })),
};

/** Ten pages "Part 1" … "Part 12" but two, created out of order: Confluence's code-point order puts "Part 10" after "Part 1". */
const PARTS_SPACE = {
  key: 'PARTS',
  name: 'Parts',
  description: 'Numbered parts.',
  homepage: false,
  pages: [12, 3, 1, 10, 2, 11, 4, 5, 6, 7, 8, 9].map((n) => ({ title: `Part ${n}`, body: '<p>x</p>' })),
};

/** Renders a reply as Web Chat does (markdown-it with HTML and linkify on, single line breaks not kept). */
const webChatMarkdown = new MarkdownIt({ html: true, linkify: true, breaks: false });

/** The Confluence client with every HTTP request it sends counted, at the network edge. */
function countingAccess(world: World): { access: ConfluenceAccess; requests: string[] } {
  const requests: string[] = [];
  const http = axios.create({ proxy: false });
  http.interceptors.request.use((config) => {
    requests.push(`${config.method?.toUpperCase()} ${config.url}`);
    return config;
  });
  return { access: new ConfluenceAccess(world.auth, new ConfluenceClient({ http })), requests };
}

describe('List pages', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({
      mode: 'preauthorized',
      seed: [
        ...DEFAULT_SEED,
        BIG_SPACE,
        PARTS_SPACE,
        { key: 'EMPTY', name: 'Empty space', description: 'Nothing here.', homepage: false },
        { key: 'HIDDEN', name: 'Hidden pages', description: 'Visible space, unreadable pages.', canReadPages: false, pages: [{ title: 'Secret', body: '<p>s</p>' }] },
      ],
    });
    await world.preauthorize();
  });

  afterAll(async () => {
    await world.close();
  });

  function driver(options: unknown, access = world.access, progressIntervalMs = 60_000): DialogDriver {
    return new DialogDriver((prefs) => new ListPagesDialog(access, silentLogger, prefs, { progressIntervalMs }), options);
  }

  it('lists all 2,500 pages of a space with 10 requests of 250, ten titles at a time', async () => {
    const { access, requests } = countingAccess(world);
    const list = driver({ proposedSpace: 'BIG' }, access);
    const first = await list.say('list pages in BIG');
    expect(first.text).toMatch(/\*\*Big space \(BIG\)\*\* has 2,500 pages\. Pages 1–10:/);
    expect(first.text).toMatch(/^1\\\. \[Big space\]\(http/m);
    expect(first.text).toMatch(/Say \*\*more\*\* for the next 10 \(2,490 left\)/);
    expect(first.buttons).toEqual(['More']);
    const pageRequests = requests.filter((r) => r.includes('/pages'));
    expect(pageRequests).toHaveLength(10);
    expect(pageRequests.every((r) => r.includes('limit=250'))).toBe(true);
    expect(requests.some((r) => r.includes('/rest/api/content'))).toBe(false);

    const before = requests.length;
    const second = await list.say('more');
    expect(second.text).toMatch(/Pages 11–20 of 2,500:/);
    // Titles come sorted: the homepage "Big space" first, then "Page 0002"…; every tenth page is a release note.
    expect(second.text).toMatch(/^11\\\. \[Page 0012\]/m);
    expect(requests.length - before).toBe(1);
    expect(second.buttons).toEqual(['More']);
  });

  it('numbers the second ten 11–20 where Web Chat shows them: in the text, one per line, not as a list', async () => {
    const list = driver({ proposedSpace: 'BIG' });
    await list.say('list pages in BIG');
    const second = await list.say('more');
    const listing = second.activities.find((activity) => activity.text?.startsWith('Pages 11–20'))!.text!;

    const html = webChatMarkdown.render(listing);
    expect(html).not.toMatch(/<ol|<li/);
    const lines = html.split(/<br\s*\/?>/).map((line) => line.replace(/<[^>]+>/g, '').trim());
    expect(lines).toHaveLength(10);
    expect(lines[0]).toMatch(/^Pages 11–20 of 2,500:\s+11\. Page 0012$/);
    expect(lines[9]).toBe('20. Page 0022');
  });

  it('sorts titles naturally: Part 2 before Part 10', async () => {
    const list = driver({ proposedSpace: 'PARTS' });
    const first = await list.say('list pages in PARTS');
    const titles = (turn: { text: string }) => [...turn.text.matchAll(/^\d+\\\. \[(Part \d+)\]/gm)].map((match) => match[1]);
    expect(titles(first)).toEqual(['Part 1', 'Part 2', 'Part 3', 'Part 4', 'Part 5', 'Part 6', 'Part 7', 'Part 8', 'Part 9', 'Part 10']);
    expect(titles(await list.say('More'))).toEqual(['Part 11', 'Part 12']);
  });

  it('sends a typing indicator and progress messages during a long listing', async () => {
    const list = driver({ proposedSpace: 'BIG' }, world.access, 0);
    const turn = await list.say('list pages in BIG');
    expect(list.typingCount).toBeGreaterThan(0);
    expect(turn.text).toMatch(/Fetched 250 pages so far…/);
    expect(turn.text).toMatch(/Fetched 2,500 pages so far…/);
  });

  it('filters by title words and pages through the matches to the end', async () => {
    const list = driver({ proposedSpace: 'BIG', filter: 'release' });
    let turn = await list.say('pages in BIG about release');
    expect(turn.text).toMatch(/has 2,500 pages; 250 titles match "release"\. Matches 1–10:/);
    expect(turn.text).not.toMatch(/\[Page \d/);
    let shown = 10;
    while (!turn.text.includes('That was the last one.')) {
      turn = await list.say('more');
      expect(turn.text).toMatch(new RegExp(`^Matches ${shown + 1}–${Math.min(shown + 10, 250)} of 250:`, 'm'));
      shown += (turn.text.match(/^\d+\\\. \[Release notes/gm) ?? []).length;
      expect(shown).toBeLessThanOrEqual(250);
    }
    expect(shown).toBe(250);
  });

  it('stops listing when the user says something else, and hands that message back', async () => {
    const list = driver({ proposedSpace: 'DEMO' });
    const turn = await list.say('list pages in DEMO');
    expect(turn.text).toMatch(/\*\*Demo space \(DEMO\)\*\* has 4 pages\. Pages 1–4:/);
    expect(list.status).toBe('complete');
  });

  it('asks for the space when none was given, and answers an unknown one with close matches', async () => {
    const list = driver({});
    expect((await list.say('list pages')).text).toMatch(/Which space\?/);
    const typed = await list.say('ENGG');
    expect(typed.text).toMatch(/can't find a space "ENGG".*\*\*ENG\*\*/s);
    expect(typed.activities.filter((activity) => activity.type === 'message')).toHaveLength(1);
    expect((await list.say('ENG')).text).toMatch(/\*\*Engineering \(ENG\)\*\* has \d+ pages/);
  });

  it('checks a space named in the utterance before using it', async () => {
    const list = driver({ proposedSpace: 'NOPE' });
    const turn = await list.say('list pages in NOPE');
    expect(turn.text).toMatch(/can't find a space "NOPE"/);
    expect(turn.text).toMatch(/Which space\?/);
    // One message: the problem and the question together, not two bubbles that say nearly the same thing.
    const messages = turn.activities.filter((activity) => activity.type === 'message');
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toMatch(/^I can't find a space "NOPE" that you can see\.\n\nWhich space\? Type a space key/);
    expect(turn.buttons.length).toBeGreaterThan(0);
  });

  it('says a space has no pages yet', async () => {
    const list = driver({ proposedSpace: 'EMPTY' });
    expect((await list.say('list pages in EMPTY')).text).toMatch(/\*\*Empty space \(EMPTY\)\*\* has no pages yet/);
    expect(list.status).toBe('complete');
  });

  it('says when the user cannot read the pages of a space', async () => {
    const list = driver({ proposedSpace: 'HIDDEN' });
    expect((await list.say('list pages in HIDDEN')).text).toMatch(/cannot read the pages of \*\*Hidden pages \(HIDDEN\)\*\*: the space is gone or you lack permission/);
    expect(list.status).toBe('complete');
  });

  it('says when no title matches the filter', async () => {
    const list = driver({ proposedSpace: 'ENG', filter: 'zebra' });
    expect((await list.say('pages in ENG about zebra')).text).toMatch(/none has "zebra" in its title/);
  });

  it('answers help and cancel while showing a list', async () => {
    const list = driver({ proposedSpace: 'BIG' });
    await list.say('list pages in BIG');
    expect((await list.say('help')).text).toMatch(/reading a list of pages/);
    expect((await list.say('cancel')).text).toMatch(/Cancelled\. Nothing was changed in Confluence\./);
  });
});

describe('List pages when Confluence stops answering between "more"s', () => {
  it('says so, keeps the listing, and continues once Confluence is back', async () => {
    const world = await createWorld({ mode: 'preauthorized', seed: [...DEFAULT_SEED, BIG_SPACE] });
    try {
      await world.preauthorize();
      const access = new ConfluenceAccess(world.auth, new ConfluenceClient({ http: axios.create({ proxy: false }), retry: NO_RETRIES }));
      const list = new DialogDriver((prefs) => new ListPagesDialog(access, silentLogger, prefs), { proposedSpace: 'BIG' });
      await list.say('list pages in BIG');
      await world.close();
      const failed = await list.say('more');
      expect(failed.text).toMatch(/Confluence is not responding right now/);
      expect(failed.text).toMatch(/Say \*\*more\*\* for the next 10 \(2,490 left\)/);
      expect(list.status).toBe('waiting');
    } finally {
      await world.close().catch(() => undefined);
    }
  });
});
