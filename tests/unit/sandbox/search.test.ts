import { parseCql, CqlError } from '../../../sandbox/cql.js';
import { generatedPages, type SeedSpace } from '../../../sandbox/seed.js';
import { ALL_SCOPES, api, CLOUD_ID, signIn, startSandbox, type Harness } from './sandboxHarness.js';

interface SearchResult {
  content: { id: string; type: string; status: string; title: string; _links: { webui: string } };
  title: string;
  excerpt: string;
  url: string;
  resultGlobalContainer: { title: string; displayUrl: string };
  entityType: string;
  iconCssClass: string;
  lastModified: string;
  friendlyLastModified: string;
}

interface SearchBody {
  results: SearchResult[];
  start: number;
  limit: number;
  size: number;
  totalSize: number;
  cqlQuery: string;
  _links: { base: string; context: string; next?: string };
}

const SEARCH_SCOPES = [...ALL_SCOPES, 'search:confluence'];

const SEED: SeedSpace[] = [
  {
    key: 'ENG',
    name: 'Engineering',
    description: 'Designs and runbooks.',
    pages: [
      { title: 'Onboarding guide', body: '<p>How new engineers get started.</p>' },
      { title: 'Tools', body: '<p>Our <strong>onboarding</strong> checklist &amp; the tools we use.</p>' },
      { title: 'Quote " and OR', body: '<p>x" OR space = "ARCHIVE</p>' },
    ],
    blogposts: [{ title: 'Onboarding week', body: '<p>Welcome to the team.</p>' }],
  },
  {
    key: 'ARCHIVE',
    name: 'Archive (read-only)',
    description: 'Old material.',
    canCreate: false,
    pages: [{ title: 'Old onboarding', body: '<p>Kept for reference.</p>' }],
  },
  {
    key: 'HR',
    name: 'Human resources',
    description: 'Private.',
    canReadPages: false,
    pages: [{ title: 'Onboarding salaries', body: '<p>Secret onboarding numbers.</p>' }],
  },
  { key: 'BIG', name: 'Big space', description: 'Many pages.', pages: generatedPages(60) },
];

describe('the CQL subset parser', () => {
  it('reads clauses joined by AND, keywords in any case, with in-lists', () => {
    expect(parseCql('type IN (page, blogpost) and TEXT ~ "Hello, World" AND space in ("A", "B")   AND title~"x"')).toEqual({
      types: [new Set(['page', 'blogpost'])],
      spaces: [new Set(['A', 'B'])],
      text: [['hello', 'world']],
      title: [['x']],
    });
    expect(parseCql('type = page AND space = ENG').spaces).toEqual([new Set(['ENG'])]);
  });

  it('keeps escaped quotes and backslashes inside the literal', () => {
    expect(parseCql(String.raw`text ~ "x\" OR space = \"ARCHIVE" AND title ~ "a\\b"`)).toEqual({
      types: [],
      spaces: [],
      text: [['x', 'or', 'space', 'archive']],
      title: [['a', 'b']],
    });
  });

  it.each([
    'text ~ "a" OR text ~ "b"',
    '(text ~ "a")',
    'label = "x"',
    'text ~ "unterminated',
    'text ~ "a" AND',
    'text ~ "a" text ~ "b"',
    'text ~ "a\\n"',
    'type = attachment',
    'text ~ ""',
    'text ~ "!!"',
    'space in ("A",)',
    '',
  ])('refuses %j', (cql) => {
    expect(() => parseCql(cql)).toThrow(CqlError);
  });
});

describe('sandbox v1 CQL search through the gateway', () => {
  let harness: Harness;
  let token: string;
  let searchBase: string;

  async function search(params: Record<string, string>, accessToken = token): Promise<{ status: number; body: SearchBody }> {
    const response = await api(`${searchBase}?${new URLSearchParams(params).toString()}`, accessToken);
    return { status: response.status, body: (await response.json()) as SearchBody };
  }

  beforeAll(async () => {
    harness = await startSandbox({ seed: SEED });
    token = (await signIn(harness, SEARCH_SCOPES)).access_token;
    searchBase = `${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki/rest/api/search`;
  });

  afterAll(async () => {
    await harness.close();
  });

  it('finds readable pages and blog posts, title matches first, in the v1 shape', async () => {
    const { status, body } = await search({ cql: 'type in (page, blogpost) AND text ~ "onboarding"' });
    expect(status).toBe(200);
    expect(body.results.map((result) => result.content.title)).toEqual(['Onboarding guide', 'Onboarding week', 'Old onboarding', 'Tools']);
    expect(body).toMatchObject({ start: 0, limit: 25, size: 4, totalSize: 4, cqlQuery: 'type in (page, blogpost) AND text ~ "onboarding"' });
    expect(body._links).toEqual({ base: `${harness.url}/sandbox/wiki`, context: '/wiki' });
    const tools = body.results[3];
    expect(tools.title).toBe('Tools');
    expect(tools.excerpt).toBe('Our @@@hl@@@onboarding@@@endhl@@@ checklist &amp; the tools we use.');
    expect(tools.url).toBe(tools.content._links.webui);
    expect(tools.url).toMatch(new RegExp(`^/spaces/ENG/pages/${tools.content.id}/Tools$`));
    expect(tools).toMatchObject({
      content: { type: 'page', status: 'current' },
      resultGlobalContainer: { title: 'Engineering', displayUrl: '/spaces/ENG' },
      entityType: 'content',
      iconCssClass: 'aui-icon content-type-page',
      lastModified: '2026-11-30T10:00:00.000Z',
      friendlyLastModified: 'Nov 30, 2026',
    });
    expect(body.results[0].title).toBe('@@@hl@@@Onboarding@@@endhl@@@ guide');
    expect(body.results[1].iconCssClass).toBe('aui-icon content-type-blogpost');
  });

  it('leaves out spaces whose pages the user may not read, but keeps read-only ones', async () => {
    const { body } = await search({ cql: 'text ~ "onboarding"' });
    const spaces = body.results.map((result) => result.resultGlobalContainer.displayUrl);
    expect(spaces).toContain('/spaces/ARCHIVE');
    expect(spaces).not.toContain('/spaces/HR');
    expect((await search({ cql: 'space = "HR"' })).body.totalSize).toBe(0);
  });

  it('filters by space, type and title', async () => {
    const inArchive = await search({ cql: 'text ~ "onboarding" AND space = "ARCHIVE"' });
    expect(inArchive.body.results.map((result) => result.content.title)).toEqual(['Old onboarding']);
    const both = await search({ cql: 'text ~ "onboarding" AND space in ("ARCHIVE", "ENG") AND type = blogpost' });
    expect(both.body.results.map((result) => result.content.title)).toEqual(['Onboarding week']);
    const title = await search({ cql: 'title ~ "tools"' });
    expect(title.body.results.map((result) => result.content.title)).toEqual(['Tools']);
    expect((await search({ cql: 'space = "eng"' })).body.totalSize).toBe(0);
  });

  it('plain titles and excerpts with excerpt=indexed_unescaped, none empties the excerpt', async () => {
    const plain = await search({ cql: 'text ~ "onboarding" AND title ~ "tools"', excerpt: 'indexed_unescaped' });
    expect(plain.body.results[0]).toMatchObject({ title: 'Tools', excerpt: 'Our onboarding checklist & the tools we use.' });
    const none = await search({ cql: 'title ~ "tools"', excerpt: 'none' });
    expect(none.body.results[0]).toMatchObject({ title: 'Tools', excerpt: '' });
  });

  it('searches an injection-looking literal as text: it never widens the query', async () => {
    const cql = String.raw`text ~ "x\" OR space = \"ARCHIVE" AND space = "ENG"`;
    const { status, body } = await search({ cql });
    expect(status).toBe(200);
    expect(body.results.map((result) => result.content.title)).toEqual(['Quote " and OR']);
    expect(body.cqlQuery).toBe(cql);
  });

  it('ranks the most recently modified first among equal matches', async () => {
    harness.clock.now += 60_000;
    const eng = (await harness.sandbox.listSpaces()).find((space) => space.key === 'ENG')!;
    const created = await api(`${harness.v2}/pages`, token, {
      method: 'POST',
      body: JSON.stringify({ spaceId: eng.id, status: 'current', title: 'Newer', body: { representation: 'storage', value: '<p>More onboarding.</p>' } }),
    });
    expect(created.status).toBe(200);
    const { body } = await search({ cql: 'text ~ "onboarding" AND space = "ENG" AND type = page' });
    expect(body.results.map((result) => result.content.title)).toEqual(['Onboarding guide', 'Newer', 'Tools']);
  });

  it('pages through _links.next to every result exactly once', async () => {
    const cql = 'type = page AND space = "BIG"';
    const seen: string[] = [];
    let next: string | undefined = `/rest/api/search?${new URLSearchParams({ cql, limit: '7' }).toString()}`;
    let requests = 0;
    while (next !== undefined) {
      const response = await api(`${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki${next}`, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as SearchBody;
      expect(body).toMatchObject({ start: seen.length, limit: 7, totalSize: 61, size: body.results.length });
      seen.push(...body.results.map((result) => result.content.id));
      next = body._links.next;
      requests += 1;
    }
    expect(requests).toBe(9);
    expect(seen).toHaveLength(61);
    expect(new Set(seen).size).toBe(61);
  });

  it.each([
    'text ~ "a" OR space = "ARCHIVE"',
    'text ~ "unterminated',
    'label = "x"',
    '(text ~ "a")',
    'text ~ "a" AND',
  ])('answers malformed CQL %j with v1 BadRequestException', async (cql) => {
    const { status, body } = await search({ cql });
    expect(status).toBe(400);
    expect(body).toEqual({
      statusCode: 400,
      data: { authorized: true, valid: false, errors: [], successful: false },
      message: `com.atlassian.confluence.api.service.exceptions.BadRequestException: Could not parse cql : ${cql}`,
    });
  });

  it.each([
    [{ cql: 'type = page', limit: '0' }],
    [{ cql: 'type = page', limit: '101' }],
    [{ cql: 'type = page', limit: 'ten' }],
    [{ cql: 'type = page', cursor: 'not-a-cursor' }],
    [{ cql: 'type = page', excerpt: 'loud' }],
    [{}],
  ])('answers bad parameters %j with a v1 400', async (params) => {
    const { status, body } = await search(params);
    expect(status).toBe(400);
    expect(body).toMatchObject({ statusCode: 400, message: expect.stringMatching(/^com\.atlassian\.confluence\.api\.service\.exceptions\.BadRequestException: /) });
  });

  it('refuses a cursor from another query', async () => {
    const first = await search({ cql: 'type = page AND space = "BIG"', limit: '5' });
    const cursor = new URL(first.body._links.next!, 'http://x.invalid').searchParams.get('cursor')!;
    expect((await search({ cql: 'type = page', limit: '5', cursor })).status).toBe(400);
    expect((await search({ cql: 'type = page AND space = "BIG"', limit: '5', cursor })).status).toBe(200);
  });

  it('answers 401 without a token, 401 scope mismatch without search:confluence, 404 for an unknown site', async () => {
    const anonymous = await api(`${searchBase}?cql=type%20%3D%20page`, undefined);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ code: 401, message: 'Unauthorized' });

    const narrow = (await signIn(harness, ALL_SCOPES)).access_token;
    const mismatch = await api(`${searchBase}?cql=type%20%3D%20page`, narrow);
    expect(mismatch.status).toBe(401);
    expect(mismatch.headers.get('x-failure-category')).toBe('FAILURE_CLIENT_SCOPE_CHECK');
    expect(await mismatch.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });

    const unknown = await api(`${harness.url}/sandbox/api/ex/confluence/no-such-site/wiki/rest/api/search?cql=type%20%3D%20page`, token);
    expect(unknown.status).toBe(404);
  });

  it('wins over the v1 410 catch-all only for GET search', async () => {
    expect((await api(`${searchBase}?cql=type%20%3D%20page`, token)).status).toBe(200);
    expect((await api(`${searchBase}/user?cql=x`, token)).status).toBe(410);
    expect((await api(`${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki/rest/api/content`, token)).status).toBe(410);
    expect((await api(searchBase, token, { method: 'POST', body: '{}' })).status).toBe(410);
  });
});
