import { validateRequestBody, validateResponse } from '../../helpers/openapiValidator.js';
import { api, CLOUD_ID, signIn, startSandbox, type Harness } from './sandboxHarness.js';

interface Space {
  id: string;
  key: string;
  name: string;
  homepageId: string;
}

interface ListBody<T> {
  results: T[];
  _links: { next?: string; base: string };
}

interface Content {
  id: string;
  title: string;
  spaceId: string;
  status: string;
  parentId?: string;
  body?: { storage?: { value: string; representation: string } };
  _links: { webui: string; base?: string };
}

describe('sandbox Confluence v2 API through the gateway', () => {
  let harness: Harness;
  let token: string;
  let spaces: Record<string, Space>;

  /** GET through the gateway, checked against the official schema whenever it answers 200. */
  async function getJson<T>(v2Path: string, template: string, accessToken = token): Promise<{ status: number; body: T; headers: Headers }> {
    const response = await api(`${harness.v2}${v2Path}`, accessToken);
    const body = (await response.json()) as T;
    if (response.status === 200) expect(validateResponse('GET', template, 200, body)).toEqual([]);
    return { status: response.status, body, headers: response.headers };
  }

  async function create(kind: 'pages' | 'blogposts', request: Record<string, unknown>, accessToken = token): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
    expect(validateRequestBody('POST', `/${kind}`, request)).toEqual([]);
    const response = await api(`${harness.v2}/${kind}`, accessToken, { method: 'POST', body: JSON.stringify(request) });
    const body = (await response.json()) as Record<string, unknown>;
    if (response.status === 200) expect(validateResponse('POST', `/${kind}`, 200, body)).toEqual([]);
    return { status: response.status, body, headers: response.headers };
  }

  beforeAll(async () => {
    harness = await startSandbox();
    token = (await signIn(harness)).access_token;
    const { body } = await getJson<ListBody<Space>>('/spaces?limit=250', '/spaces');
    spaces = Object.fromEntries(body.results.map((space) => [space.key, space]));
  });

  afterAll(async () => {
    await harness.close();
  });

  it('seeds DEMO, ENG, TEAM and ARCHIVE, sorted by id, with the site base', async () => {
    const { body, headers } = await getJson<ListBody<Space>>('/spaces', '/spaces');
    expect(body.results.map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);
    expect(body.results.map((space) => space.name)).toEqual(['Demo space', 'Engineering', 'Team space', 'Archive (read-only)']);
    expect(body._links).toEqual({ base: `${harness.url}/sandbox/wiki` });
    expect(headers.get('link')).toBeNull();
  });

  it('filters spaces by keys, comma-separated or repeated, case-sensitively', async () => {
    const comma = await getJson<ListBody<Space>>('/spaces?keys=ENG,DEMO', '/spaces');
    expect(comma.body.results.map((space) => space.key)).toEqual(['DEMO', 'ENG']);
    const repeated = await getJson<ListBody<Space>>('/spaces?keys=ENG&keys=DEMO', '/spaces');
    expect(repeated.body.results.map((space) => space.key)).toEqual(['DEMO', 'ENG']);
    const lower = await getJson<ListBody<Space>>('/spaces?keys=demo', '/spaces');
    expect(lower.body.results).toEqual([]);
  });

  it('sorts spaces by name when asked', async () => {
    const { body } = await getJson<ListBody<Space>>('/spaces?sort=-name', '/spaces');
    expect(body.results.map((space) => space.name)).toEqual(['Team space', 'Engineering', 'Demo space', 'Archive (read-only)']);
  });

  it.each(['0', '251', 'ten', '2.5'])('refuses limit=%s with a v2 400', async (limit) => {
    const { status, body } = await getJson<unknown>(`/spaces?limit=${limit}`, '/spaces');
    expect(status).toBe(400);
    expect(body).toEqual({ errors: [{ status: 400, code: 'BAD_REQUEST', title: expect.any(String), detail: null }] });
  });

  it('pages through spaces to the end with _links.next and the Link header, both absent on the last page', async () => {
    const gateway = `${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}`;
    let next: string | undefined = '/wiki/api/v2/spaces?keys=DEMO,ENG,TEAM&keys=ARCHIVE&limit=1';
    const keys: string[] = [];
    let pages = 0;
    while (next !== undefined) {
      const response = await api(`${gateway}${next}`, token);
      expect(response.status).toBe(200);
      const body = (await response.json()) as ListBody<Space>;
      expect(validateResponse('GET', '/spaces', 200, body)).toEqual([]);
      keys.push(...body.results.map((space) => space.key));
      const link = response.headers.get('link');
      if (body._links.next === undefined) {
        expect(link).toBeNull();
      } else {
        expect(body._links.next).toMatch(/^\/wiki\/api\/v2\/spaces\?.*limit=1.*&cursor=/);
        expect(link).toBe(`<${body._links.next}>; rel="next", <${harness.url}/sandbox/wiki>; rel="base"`);
      }
      expect(body._links.base).toBe(`${harness.url}/sandbox/wiki`);
      next = body._links.next;
      pages += 1;
    }
    expect(keys).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);
    expect(pages).toBe(4);
  });

  it('refuses a cursor it did not make', async () => {
    expect((await getJson('/spaces?cursor=bm9wZQ', '/spaces')).status).toBe(400);
  });

  it('gets a space by id with _links.base, and 404 for an unknown one', async () => {
    const { status, body } = await getJson<Record<string, unknown>>(`/spaces/${spaces.DEMO.id}`, '/spaces/{id}');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: spaces.DEMO.id, key: 'DEMO', _links: { webui: '/spaces/DEMO', base: `${harness.url}/sandbox/wiki` } });
    const missing = await getJson('/spaces/999999999', '/spaces/{id}');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
  });

  it('answers the space operations: create on pages and blog posts where the user may add content, read only in ARCHIVE', async () => {
    type Operations = { operations: Array<{ operation: string; targetType: string }> };
    const demo = await getJson<Operations>(`/spaces/${spaces.DEMO.id}/operations`, '/spaces/{id}/operations');
    expect(demo.status).toBe(200);
    expect(demo.body.operations).toEqual(
      expect.arrayContaining([
        { operation: 'read', targetType: 'space' },
        { operation: 'create', targetType: 'page' },
        { operation: 'create', targetType: 'blogpost' },
      ]),
    );
    const archive = await getJson<Operations>(`/spaces/${spaces.ARCHIVE.id}/operations`, '/spaces/{id}/operations');
    expect(archive.body).toEqual({ operations: [{ operation: 'read', targetType: 'space' }] });
    const missing = await getJson('/spaces/999999999/operations', '/spaces/{id}/operations');
    expect(missing.status).toBe(404);
    // Its scope is read:space:confluence, which every token of the bot has: no new consent needed.
    const spaceOnly = (await signIn(harness, ['read:space:confluence'])).access_token;
    expect((await getJson(`/spaces/${spaces.DEMO.id}/operations`, '/spaces/{id}/operations', spaceOnly)).status).toBe(200);
    const writeOnly = (await signIn(harness, ['write:page:confluence'])).access_token;
    expect((await api(`${harness.v2}/spaces/${spaces.DEMO.id}/operations`, writeOnly)).status).toBe(401);
  });

  it('follows a change of permission: the operations and the create answer agree', async () => {
    await harness.sandbox.setCanCreate('TEAM', false);
    try {
      const { body } = await getJson<{ operations: unknown[] }>(`/spaces/${spaces.TEAM.id}/operations`, '/spaces/{id}/operations');
      expect(body.operations).toEqual([{ operation: 'read', targetType: 'space' }]);
      expect((await create('pages', { spaceId: spaces.TEAM.id, title: 'Taken away' })).status).toBe(404);
    } finally {
      await harness.sandbox.setCanCreate('TEAM', true);
    }
    expect((await create('pages', { spaceId: spaces.TEAM.id, title: 'Given back' })).status).toBe(200);
  });

  it('lists the pages of a space with an exact title filter and the storage body on request', async () => {
    const all = await getJson<ListBody<Content>>(`/spaces/${spaces.DEMO.id}/pages`, '/spaces/{id}/pages');
    expect(all.body.results.map((page) => page.title)).toEqual(['Demo space', 'Getting started', 'Meeting notes', 'How-to articles']);
    const one = await getJson<ListBody<Content>>(`/spaces/${spaces.DEMO.id}/pages?title=Meeting%20notes&body-format=storage`, '/spaces/{id}/pages');
    expect(one.body.results).toHaveLength(1);
    expect(one.body.results[0]).toMatchObject({ title: 'Meeting notes', parentId: spaces.DEMO.homepageId, body: { storage: { representation: 'storage' } } });
    expect((await getJson<ListBody<Content>>(`/spaces/${spaces.DEMO.id}/pages?title=meeting%20notes`, '/spaces/{id}/pages')).body.results).toEqual([]);
    expect((await getJson(`/spaces/999999999/pages`, '/spaces/{id}/pages')).status).toBe(404);
  });

  it('finds pages and blog posts by space-id and title', async () => {
    const pages = await getJson<ListBody<Content>>(`/pages?space-id=${spaces.ENG.id}&title=Runbook`, '/pages');
    expect(pages.body.results.map((page) => page.title)).toEqual(['Runbook']);
    const posts = await getJson<ListBody<Content>>(`/blogposts?space-id=${spaces.ENG.id}&title=Release%20notes`, '/blogposts');
    expect(posts.body.results.map((post) => post.title)).toEqual(['Release notes']);
    const none = await getJson<ListBody<Content>>(`/blogposts?space-id=${spaces.TEAM.id}`, '/blogposts');
    expect(none.body.results).toEqual([]);
  });

  it('creates a page (200, PageSingle, under the homepage) whose link the viewer serves', async () => {
    const request = { spaceId: spaces.DEMO.id, status: 'current', title: 'Created by a test', body: { representation: 'storage', value: '<p>Hello <strong>world</strong></p>' } };
    const { status, body } = await create('pages', request);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      title: 'Created by a test',
      spaceId: spaces.DEMO.id,
      status: 'current',
      parentId: spaces.DEMO.homepageId,
      version: { number: 1 },
      body: { storage: { representation: 'storage', value: '<p>Hello <strong>world</strong></p>' } },
      _links: { base: `${harness.url}/sandbox/wiki` },
    });
    const links = body._links as { base: string; webui: string };
    expect(links.webui).toBe(`/spaces/DEMO/pages/${String(body.id)}/Created+by+a+test`);
    const view = await fetch(`${links.base}${links.webui}`);
    expect(view.status).toBe(200);
    expect(await view.text()).toContain('<p>Hello <strong>world</strong></p>');

    const found = await harness.sandbox.findContent((content) => content.title === 'Created by a test');
    expect(found).toEqual([expect.objectContaining({ id: body.id, spaceKey: 'DEMO', type: 'page', webUrl: `${links.base}${links.webui}` })]);
    const byTitle = await getJson<ListBody<Content>>(`/spaces/${spaces.DEMO.id}/pages?title=Created%20by%20a%20test`, '/spaces/{id}/pages');
    expect(byTitle.body.results.map((page) => page.id)).toEqual([body.id]);
  });

  it('refuses a duplicate title in the space with Confluence’s 400, ignoring case', async () => {
    const duplicate = { errors: [{ status: 400, code: 'BAD_REQUEST', title: 'A page with this title already exists: A page already exists with the same TITLE in this space', detail: null }] };
    expect((await create('pages', { spaceId: spaces.ENG.id, title: 'Runbook' })).body).toEqual(duplicate);
    const again = await create('pages', { spaceId: spaces.ENG.id, title: 'RUNBOOK' });
    expect(again.status).toBe(400);
    expect(again.body).toEqual(duplicate);
    expect((await create('pages', { spaceId: spaces.TEAM.id, title: 'Runbook' })).status).toBe(200);
  });

  it('creates a blog post (200, BlogPostSingle) and refuses a duplicate one', async () => {
    const request = { spaceId: spaces.TEAM.id, title: 'Team news', body: { storage: { representation: 'storage', value: '<p>News</p>' } } };
    const { status, body } = await create('blogposts', request);
    expect(status).toBe(200);
    expect(body).toMatchObject({ title: 'Team news', spaceId: spaces.TEAM.id, status: 'current', _links: { base: `${harness.url}/sandbox/wiki` } });
    const webui = (body._links as { webui: string }).webui;
    expect(webui).toMatch(new RegExp(`^/spaces/TEAM/blog/2026/11/30/${String(body.id)}/Team\\+news$`));
    expect((await fetch(`${harness.url}/sandbox/wiki${webui}`)).status).toBe(200);
    const duplicate = await create('blogposts', request);
    expect(duplicate.status).toBe(400);
    expect((duplicate.body.errors as Array<{ title: string }>)[0].title).toMatch(/^A page with this title already exists/);
  });

  it('answers 404 for creating in the read-only ARCHIVE space or an unknown one', async () => {
    const archived = await create('pages', { spaceId: spaces.ARCHIVE.id, title: 'Not allowed' });
    expect(archived.status).toBe(404);
    expect(archived.body).toEqual({ errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
    expect((await create('blogposts', { spaceId: spaces.ARCHIVE.id, title: 'Not allowed' })).status).toBe(404);
    expect((await create('pages', { spaceId: '999999999', title: 'Nowhere' })).status).toBe(404);
    // Readable all the same.
    expect((await getJson(`/spaces/${spaces.ARCHIVE.id}/pages`, '/spaces/{id}/pages')).status).toBe(200);
  });

  it('answers 400 for a missing spaceId or title', async () => {
    const noSpace = await api(`${harness.v2}/pages`, token, { method: 'POST', body: JSON.stringify({ title: 'x' }) });
    expect(noSpace.status).toBe(400);
    expect(await noSpace.json()).toMatchObject({ errors: [{ status: 400, code: 'BAD_REQUEST' }] });
    expect((await create('pages', { spaceId: spaces.DEMO.id })).status).toBe(400);
    expect((await create('blogposts', { spaceId: spaces.DEMO.id, title: '   ' })).status).toBe(400);
  });

  it('answers 413 for a body over 5 MB', async () => {
    const value = `<p>${'x'.repeat(5 * 1024 * 1024)}</p>`;
    const response = await api(`${harness.v2}/pages`, token, { method: 'POST', body: JSON.stringify({ spaceId: spaces.DEMO.id, title: 'Huge', body: { representation: 'storage', value } }) });
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ errors: [{ status: 413 }] });
  });

  it('answers the gateway’s scope-mismatch 401 when the token lacks the granular scope', async () => {
    const readOnly = (await signIn(harness, ['read:space:confluence'])).access_token;
    const expectScopeFailure = async (response: Response): Promise<void> => {
      expect(response.status).toBe(401);
      expect(response.headers.get('x-failure-category')).toBe('FAILURE_CLIENT_SCOPE_CHECK');
      expect(await response.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    };
    await expectScopeFailure(await api(`${harness.v2}/pages`, readOnly, { method: 'POST', body: JSON.stringify({ spaceId: spaces.DEMO.id, title: 'No scope' }) }));
    await expectScopeFailure(await api(`${harness.v2}/spaces/${spaces.DEMO.id}/pages`, readOnly));
    await expectScopeFailure(await api(`${harness.v2}/blogposts`, readOnly));
    const writeOnly = (await signIn(harness, ['write:page:confluence'])).access_token;
    await expectScopeFailure(await api(`${harness.v2}/spaces`, writeOnly));
    expect(await harness.sandbox.findContent((content) => content.title === 'No scope')).toEqual([]);
  });

  it('answers 401 without a valid bearer token and 404 for an unknown cloudId', async () => {
    expect((await api(`${harness.v2}/spaces`, undefined)).status).toBe(401);
    expect((await api(`${harness.v2}/spaces`, 'forged')).status).toBe(401);
    const other = await api(`${harness.url}/sandbox/api/ex/confluence/00000000-0000-0000-0000-000000000000/wiki/api/v2/spaces`, token);
    expect(other.status).toBe(404);
  });

  it('answers v1 content calls with 410 Gone, as the OAuth gateway does', async () => {
    const v1 = `${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki/rest/api`;
    const get = await api(`${v1}/content?limit=1`, token);
    expect(get.status).toBe(410);
    expect(await get.json()).toMatchObject({ statusCode: 410, message: expect.stringContaining('GoneException') });
    expect((await api(`${v1}/content`, token, { method: 'POST', body: JSON.stringify({ type: 'page' }) })).status).toBe(410);
    expect((await api(`${v1}/space`, token)).status).toBe(410);
  });
});
