import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { ConfluenceError } from '../../../services/confluence/errors.js';
import { PageListing, titleMatches, titleOrder, type ListingBookmark, type PageListingSummary } from '../../../services/confluence/pageListing.js';
import type { ConfluenceApi, ConfluenceTarget, PageChunk, PageSummary } from '../../../services/confluence/types.js';
import { SEED_WITH_DOCS } from '../../../sandbox/seed.js';
import { startFakeConfluenceServer, type FakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';
import { createWorld, type World } from '../../helpers/world.js';
import { CLOUD_ID, signIn, startSandbox, type Harness } from '../sandbox/sandboxHarness.js';

/** The order a reader expects, written out independently of the code under test: natural, case- and accent-blind. */
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
const byTitle = (a: PageSummary, b: PageSummary): number =>
  collator.compare(a.title, b.title) || (a.title < b.title ? -1 : a.title > b.title ? 1 : 0) || Number(a.id) - Number(b.id);

/** The real client, with every HTTP request it makes written down (the chunk's cursor, or 'first'). */
function recordingApi(events: string[] = []): { api: Pick<ConfluenceApi, 'listPagesChunk'>; events: string[]; requests: () => number } {
  const client = new ConfluenceClient({ http: axios.create({ proxy: false }) });
  let requests = 0;
  return {
    events,
    requests: () => requests,
    api: {
      listPagesChunk: (target: ConfluenceTarget, spaceId: string, cursor?: string): Promise<PageChunk> => {
        requests += 1;
        events.push(cursor === undefined ? 'fetch first' : 'fetch next');
        return client.listPagesChunk(target, spaceId, cursor);
      },
    },
  };
}

describe('titleMatches', () => {
  it.each([
    ['Release notes 4.12', undefined, true],
    ['Release notes 4.12', '', true],
    ['Release notes 4.12', '   ', true],
    ['Release notes 4.12', 'release', true],
    ['Release notes 4.12', 'NOTES release', true],
    ['Release notes 4.12', '  notes\t4.1 ', true],
    ['Release notes 4.12', 'release plan', false],
    ['Runbook 0421', 'release', false],
    ['Preleased', 'release', true],
  ])('%s with filter %p → %p', (title, filter, expected) => {
    expect(titleMatches(title, filter)).toBe(expected);
  });
});

describe('titleOrder', () => {
  const sorted = (titles: string[], locale?: string): string[] =>
    titles.map((title, index) => ({ id: String(index + 1), title })).sort(titleOrder(locale)).map((page) => page.title);

  it('puts numbers in numeric order and ignores case and accents', () => {
    expect(sorted(['part 10', 'Part 2', 'part 1', 'part 100'])).toEqual(['part 1', 'Part 2', 'part 10', 'part 100']);
    expect(sorted(['eclair', 'Éclair', 'ecole', 'Eclair'])).toEqual(['Eclair', 'eclair', 'Éclair', 'ecole']);
  });

  it("follows the reader's locale, and falls back to English for one it does not know", () => {
    expect(sorted(['Översikt', 'Zebra', 'Ost'], 'sv-SE')).toEqual(['Ost', 'Zebra', 'Översikt']);
    expect(sorted(['Översikt', 'Zebra', 'Ost'], 'en-US')).toEqual(['Ost', 'Översikt', 'Zebra']);
    expect(sorted(['b', 'a'], 'not a locale!')).toEqual(['a', 'b']);
  });

  it('is a total order: titles equal but for case by code point, identical titles by id as a number', () => {
    const order = titleOrder();
    expect(order({ id: '1', title: 'same' }, { id: '2', title: 'Same' })).toBeGreaterThan(0);
    expect(order({ id: '10', title: 'Same' }, { id: '9', title: 'Same' })).toBeGreaterThan(0);
    expect(order({ id: '9', title: 'Same' }, { id: '9', title: 'Same' })).toBe(0);
  });
});

describe('PageListing against the sandbox over HTTP (3,000-page DOCS space)', () => {
  let harness: Harness;
  let target: ConfluenceTarget;
  let docsId: string;
  /** Every page of DOCS as the sandbox holds it, in the order a reader expects (not Confluence's code-point order). */
  let expected: PageSummary[];
  const scans = new Map<string, Promise<PageListingSummary>>();

  /** The window tests need a scan's bookmarks, not a scan of their own: one scan per filter serves them all. */
  function bookmarksFor(filter: string | undefined): Promise<ListingBookmark[]> {
    const key = filter ?? '';
    if (!scans.has(key)) scans.set(key, new PageListing(recordingApi().api).scan(target, docsId, { filter, windowSize: 10 }));
    return scans.get(key)!.then((summary) => summary.bookmarks);
  }

  beforeAll(async () => {
    harness = await startSandbox({ seed: SEED_WITH_DOCS });
    const tokens = await signIn(harness);
    target = { apiUrl: `${harness.url}/sandbox/api`, cloudId: CLOUD_ID, accessToken: tokens.access_token };
    docsId = (await harness.sandbox.listSpaces()).find((space) => space.key === 'DOCS')!.id;
    const contents = await harness.sandbox.findContent((content) => content.spaceKey === 'DOCS' && content.type === 'page');
    expected = contents.map(({ id, title, webUrl }) => ({ id, title, webUrl })).sort(byTitle);
  });

  afterAll(async () => {
    await harness.close();
  });

  it('counts all 3,000 pages in 12 requests of 250 and keeps only the first window', async () => {
    const { api, requests } = recordingApi();

    const summary = await new PageListing(api).scan(target, docsId, { windowSize: 10 });

    expect(expected).toHaveLength(3000);
    expect(summary.total).toBe(3000);
    expect(summary.matched).toBe(3000);
    expect(summary.requests).toBe(12);
    expect(requests()).toBe(12);
    expect(summary.firstPages).toEqual(expected.slice(0, 10));
    expect(summary.firstPages[0]!.webUrl).toMatch(new RegExp(`^${harness.url}/sandbox/wiki/spaces/DOCS/pages/\\d+/API\\+guide`));
    expect(summary.bookmarks).toHaveLength(12);
    expect(summary.bookmarks[0]).not.toHaveProperty('cursor');
    expect(summary.bookmarks.slice(1).every((mark) => typeof mark.cursor === 'string')).toBe(true);
    // Each chunk holds a span of ranks; together they reach every rank, the first 0 and the last 2,999.
    expect(summary.bookmarks.every((mark) => mark.firstRank <= mark.lastRank)).toBe(true);
    expect(Math.min(...summary.bookmarks.map((mark) => mark.firstRank))).toBe(0);
    expect(Math.max(...summary.bookmarks.map((mark) => mark.lastRank))).toBe(2999);
    // What the dialog keeps between turns stays small: a few kilobytes for 3,000 pages.
    expect(JSON.stringify(summary.bookmarks).length).toBeLessThan(4096);
  });

  it('reports progress after every chunk and waits for it before the next request', async () => {
    const events: string[] = [];
    const { api } = recordingApi(events);
    const onProgress = async (fetched: number): Promise<void> => {
      events.push(`progress ${fetched}`);
      await new Promise((resolve) => setTimeout(resolve, 1));
      events.push('progress done');
    };

    await new PageListing(api).scan(target, docsId, { windowSize: 10, onProgress });

    const expectedEvents = Array.from({ length: 12 }, (_, chunk) => [chunk === 0 ? 'fetch first' : 'fetch next', `progress ${(chunk + 1) * 250}`, 'progress done']).flat();
    expect(events).toEqual(expectedEvents);
  });

  it('filters by every word of the title, counting matches and keeping the first ones', async () => {
    const { api } = recordingApi();
    const releases = expected.filter((page) => /release/i.test(page.title));

    const summary = await new PageListing(api).scan(target, docsId, { filter: 'RELEASE', windowSize: 10 });

    expect(summary.total).toBe(3000);
    expect(summary.matched).toBe(500);
    expect(summary.matched).toBe(releases.length);
    expect(summary.firstPages).toEqual(releases.slice(0, 10));
    expect(summary.requests).toBe(12);
    // The 500 release notes sit in two chunks of Confluence's title order: one bookmark each.
    expect(summary.bookmarks).toHaveLength(2);

    const twoWords = await new PageListing(api).scan(target, docsId, { filter: 'notes 2.1', windowSize: 50 });
    const wanted = expected.filter((page) => titleMatches(page.title, 'notes 2.1'));
    expect(wanted.length).toBeGreaterThan(0);
    expect(twoWords.matched).toBe(wanted.length);
    expect(twoWords.firstPages).toEqual(wanted.slice(0, 50));
  });

  it('finds nothing without keeping anything when no title matches', async () => {
    const { api, requests } = recordingApi();
    const listing = new PageListing(api);

    const summary = await listing.scan(target, docsId, { filter: 'no such words', windowSize: 10 });

    expect(summary).toEqual({ total: 3000, matched: 0, firstPages: [], bookmarks: [], requests: 12 });
    expect(await listing.window(target, docsId, summary.bookmarks, { filter: 'no such words', offset: 0, size: 10 })).toEqual([]);
    expect(requests()).toBe(12);
  });

  it('fetches a later window from its bookmark in one request', async () => {
    const bookmarks = await bookmarksFor(undefined);
    const { api, requests } = recordingApi();

    const pages = await new PageListing(api).window(target, docsId, bookmarks, { offset: 1010, size: 10, after: expected[1009] });

    expect(pages).toEqual(expected.slice(1010, 1020));
    expect(requests()).toBe(1);
  });

  it('fetches a window across a chunk boundary in two requests, from bookmarks that went through JSON', async () => {
    const bookmarks = await bookmarksFor(undefined);
    const stored = JSON.parse(JSON.stringify(bookmarks)) as ListingBookmark[];
    expect(stored).toEqual(bookmarks);
    const { api, requests } = recordingApi();

    const pages = await new PageListing(api).window(target, docsId, stored, { offset: 245, size: 10, after: expected[244] });

    expect(pages).toEqual(expected.slice(245, 255));
    expect(requests()).toBe(2);
  });

  it('fetches a filtered window across a chunk boundary, and stops at the last match', async () => {
    const releases = expected.filter((page) => titleMatches(page.title, 'release'));
    const bookmarks = await bookmarksFor('release');
    const { api, requests } = recordingApi();
    const listing = new PageListing(api);

    const window = (offset: number) => listing.window(target, docsId, bookmarks, { filter: 'release', offset, size: 10, after: releases[offset - 1] });
    expect(await window(245)).toEqual(releases.slice(245, 255));
    expect(requests()).toBe(2);
    expect(await window(495)).toEqual(releases.slice(495));
    expect(requests()).toBe(3);
  });

  it('orders titles as a reader does, "1.2" before "1.10", where Confluence puts "1.10" first', async () => {
    const releases = expected.filter((page) => titleMatches(page.title, 'release notes 1.'));
    const bookmarks = await bookmarksFor('release notes 1.');
    const listing = new PageListing(recordingApi().api);

    const shown: PageSummary[] = [];
    for (let offset = 0; offset < releases.length; offset += 3) {
      shown.push(...(await listing.window(target, docsId, bookmarks, { filter: 'release notes 1.', offset, size: 3, after: shown.at(-1) })));
    }

    const titles = shown.map((page) => page.title);
    expect(titles.slice(0, 4)).toEqual(['Release notes 1.0', 'Release notes 1.1', 'Release notes 1.2', 'Release notes 1.3']);
    expect(titles.indexOf('Release notes 1.2')).toBeLessThan(titles.indexOf('Release notes 1.10'));
    expect(shown).toEqual(releases);
  });

  it('pages through every match once, in order, although the two orders disagree across chunks', async () => {
    // "API guide: … (part 2)" sorts after "(part 19)" in code-point order but before "(part 10)" in ours.
    const guides = expected.filter((page) => titleMatches(page.title, 'api guide'));
    const bookmarks = await bookmarksFor('api guide');
    const { api, requests } = recordingApi();
    const listing = new PageListing(api);

    const shown: PageSummary[] = [];
    for (let offset = 0; offset < guides.length; offset += 10) {
      shown.push(...(await listing.window(target, docsId, bookmarks, { filter: 'api guide', offset, size: 10, after: shown.at(-1) })));
    }

    expect(shown).toEqual(guides);
    expect(new Set(shown.map((page) => page.id)).size).toBe(guides.length);
    // Each window reads only the chunks whose rank span reaches it: a couple per window, not the whole space.
    expect(requests()).toBeLessThanOrEqual(2 * Math.ceil(guides.length / 10));
  });

  it('answers not-found for a space that does not exist', async () => {
    const { api } = recordingApi();
    const failure = await new PageListing(api).scan(target, '999999999', { windowSize: 10 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConfluenceError);
    expect((failure as ConfluenceError).kind).toBe('not-found');
  });
});

describe('PageListing through the connection the dialogs use', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });

  afterAll(async () => {
    await world.close();
  });

  it('lists the ENG space (its homepage and three pages) with the pre-authorized token', async () => {
    const connection = await world.auth.getConnection({ channelId: 'test', userId: 'anyone' });
    if (connection.status !== 'connected') throw new Error(`not connected: ${connection.status}`);
    const target = { apiUrl: connection.apiUrl, cloudId: connection.sites[0]!.cloudId, accessToken: connection.accessToken };
    const eng = (await world.sandbox.listSpaces()).find((space) => space.key === 'ENG')!;

    const summary = await new PageListing(new ConfluenceClient()).scan(target, eng.id, { windowSize: 10 });

    expect(summary.firstPages.map((page) => page.title)).toEqual(['Architecture overview', 'Decision log', 'Engineering', 'Runbook']);
    expect(summary).toMatchObject({ total: 4, matched: 4, requests: 1, bookmarks: [{ firstRank: 0, lastRank: 3 }] });
  });
});

describe('PageListing against a server that never stops', () => {
  let server: FakeConfluenceServer;

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
  });

  afterEach(async () => {
    await server.close();
  });

  const pageBulk = (n: number): Record<string, unknown> => ({ id: String(n), status: 'current', title: `Page ${n}`, _links: { webui: `/spaces/X/pages/${n}` } });

  it('gives up after maxRequests, and at once when the same next link comes back', async () => {
    const target = { apiUrl: server.apiUrl, cloudId: 'cloud-1', accessToken: 'at-endless' };
    const client = new ConfluenceClient({ http: axios.create({ proxy: false }) });
    server.handle(() => {
      const n = server.requests.length;
      return { status: 200, body: { results: [pageBulk(n)], _links: { next: `/wiki/api/v2/spaces/1/pages?cursor=${n}`, base: 'https://x.example/wiki' } } };
    });

    await expect(new PageListing(client, { maxRequests: 5 }).scan(target, '1', { windowSize: 10 })).rejects.toMatchObject({ kind: 'unavailable' });
    expect(server.requests).toHaveLength(5);

    server.requests.length = 0;
    server.handle(() => ({ status: 200, body: { results: [pageBulk(1)], _links: { next: '/wiki/api/v2/spaces/1/pages?cursor=same', base: 'https://x.example/wiki' } } }));
    await expect(new PageListing(client).scan(target, '1', { windowSize: 10 })).rejects.toMatchObject({ kind: 'unavailable' });
    expect(server.requests).toHaveLength(2);
  });
});
