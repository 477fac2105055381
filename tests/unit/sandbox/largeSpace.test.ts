import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { DEFAULT_SEED, DOCS_SPACE, generatedPages, generatedTitle, SEED_WITH_DOCS } from '../../../sandbox/seed.js';
import { api, CLOUD_ID, signIn, startSandbox, type Harness } from './sandboxHarness.js';

describe('the DOCS seed space', () => {
  it('holds 2,999 pages under its homepage: 3,000 pages in all', () => {
    expect(DOCS_SPACE).toMatchObject({ key: 'DOCS', name: 'Documentation archive' });
    expect(DOCS_SPACE.pages).toHaveLength(2999);
    expect(DOCS_SPACE.blogposts ?? []).toHaveLength(0);
  });

  it('has readable, unique, deterministic titles from a few kinds', () => {
    expect(Array.from({ length: 6 }, (_, index) => generatedTitle(index))).toEqual([
      'Release notes 1.0',
      'API guide: Accounts (part 1)',
      'Runbook 0001',
      'Meeting notes 2018-01-01',
      'Design decision 001: Caching',
      'How-to 001: Rotate credentials',
    ]);
    expect(generatedTitle(2522)).toBe('Runbook 0421');
    const titles = DOCS_SPACE.pages!.map((page) => page.title);
    expect(new Set([...titles, DOCS_SPACE.name]).size).toBe(3000);
    expect(generatedPages(2999)).toEqual(DOCS_SPACE.pages);
    expect(titles.filter((title) => /release/i.test(title))).toHaveLength(500);
    expect(DOCS_SPACE.pages!.every((page) => page.body.length < 40)).toBe(true);
  });

  it('is not in DEFAULT_SEED, whose spaces stay as other tests list them; SEED_WITH_DOCS adds it last', () => {
    expect(DEFAULT_SEED.map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);
    expect(SEED_WITH_DOCS.map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE', 'DOCS']);
  });
});

describe('a sandbox seeded with DOCS', () => {
  let harness: Harness;
  let token: string;

  beforeAll(async () => {
    harness = await startSandbox({ seed: SEED_WITH_DOCS });
    token = (await signIn(harness)).access_token;
  });

  afterAll(async () => {
    await harness.close();
  });

  it('serves the 3,000 pages of DOCS, 250 at a time, to the end of the cursor', async () => {
    const docs = (await harness.sandbox.listSpaces()).find((space) => space.key === 'DOCS')!;
    const gateway = `${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}`;
    let next: string | undefined = `/wiki/api/v2/spaces/${docs.id}/pages?limit=250&sort=title`;
    const titles: string[] = [];
    let requests = 0;
    while (next !== undefined) {
      const response = await api(`${gateway}${next}`, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { results: Array<{ title: string }>; _links: { next?: string } };
      titles.push(...body.results.map((page) => page.title));
      next = body._links.next;
      requests += 1;
    }
    expect(requests).toBe(12);
    expect(titles).toHaveLength(3000);
    expect(titles).toEqual([...titles].sort());
    expect(titles).toContain('Documentation archive');
  });

  it('keeps DEMO and ENG among the first ten spaces sorted by name, as the bot lists them', async () => {
    const client = new ConfluenceClient({ http: axios.create({ proxy: false }) });
    const spaces = await client.listSpaces({ apiUrl: `${harness.url}/sandbox/api`, cloudId: CLOUD_ID, accessToken: token });

    expect(spaces.map((space) => space.name)).toEqual(['Archive (read-only)', 'Demo space', 'Documentation archive', 'Engineering', 'Team space']);
    const firstTen = spaces.slice(0, 10).map((space) => space.key);
    expect(firstTen).toEqual(expect.arrayContaining(['DEMO', 'ENG']));
  });
});
