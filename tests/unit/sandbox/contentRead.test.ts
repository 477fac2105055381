import { SANDBOX_COLLEAGUE, SANDBOX_USER } from '../../../sandbox/index.js';
import { api, ALL_SCOPES, signIn } from './sandboxHarness.js';
import { errorTitle, setUp, type Setup } from './contentActionsSetup.js';

describe('sandbox GET /pages/{id}, /blogposts/{id} and their versions', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp();
  });

  afterAll(async () => {
    await setup.harness.close();
  });

  it('answers a page with its storage body, version 1 and every link, PageSingle + _links.base', async () => {
    const page = await setup.content('Getting started');
    const { status, body } = await setup.call('GET', `/pages/${page.id}?body-format=storage`, '/pages/{id}');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: page.id,
      status: 'current',
      title: 'Getting started',
      spaceId: page.spaceId,
      parentId: page.parentId,
      authorId: SANDBOX_USER.accountId,
      createdAt: page.createdAt,
      version: { number: 1, message: '', minorEdit: false, authorId: SANDBOX_USER.accountId, createdAt: page.createdAt },
      body: { storage: { representation: 'storage', value: page.body } },
    });
    const links = body._links as Record<string, string>;
    expect(links.base).toBe(`${setup.harness.url}/sandbox/wiki`);
    expect(`${links.base}${links.webui}`).toBe(page.webUrl);
    for (const link of [links.tinyui, links.editui]) {
      const followed = await fetch(`${links.base}${link}`, { redirect: 'manual' });
      expect(followed.status).toBe(302);
      expect(followed.headers.get('location')).toBe(page.webUrl);
    }
  });

  it('leaves the body out without body-format, renders view, and refuses the formats it does not make with 400', async () => {
    const page = await setup.content('Meeting notes');
    expect((await setup.call('GET', `/pages/${page.id}`, '/pages/{id}')).body.body).toEqual({});
    const view = await setup.call('GET', `/pages/${page.id}?body-format=view`, '/pages/{id}');
    expect(view.body.body).toEqual({ view: { representation: 'view', value: page.body } });
    const adf = await setup.call('GET', `/pages/${page.id}?body-format=atlas_doc_format`, '/pages/{id}');
    expect(adf.status).toBe(400);
    expect(errorTitle(adf)).toMatch(/storage or view/);
    expect((await setup.call('GET', `/pages/${page.id}?body-format=html`, '/pages/{id}')).status).toBe(400);
    const noVersion = await setup.call('GET', `/pages/${page.id}?include-version=false`, '/pages/{id}');
    expect(noVersion.body).not.toHaveProperty('version');
  });

  it('answers a blog post at /blogposts/{id}, and 404 for it at /pages/{id}', async () => {
    const post = await setup.content('Release notes');
    const { status, body } = await setup.call('GET', `/blogposts/${post.id}?body-format=storage`, '/blogposts/{id}');
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: post.id, title: 'Release notes', body: { storage: { value: post.body } }, version: { number: 1 } });
    expect(body).not.toHaveProperty('parentId');
    expect((await setup.call('GET', `/pages/${post.id}`, '/pages/{id}')).status).toBe(404);
    const page = await setup.content('Runbook');
    expect((await setup.call('GET', `/blogposts/${page.id}`, '/blogposts/{id}')).status).toBe(404);
  });

  it('answers 404 for unknown content and for a page in a space whose pages the user may not view, 400 for a bad id', async () => {
    expect((await setup.call('GET', '/pages/999999', '/pages/{id}')).body).toEqual({
      errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }],
    });
    const secret = await setup.content('Secret plan');
    expect((await setup.call('GET', `/pages/${secret.id}`, '/pages/{id}')).status).toBe(404);
    expect((await setup.call('GET', '/pages/abc', '/pages/{id}')).status).toBe(400);
    const archived = await setup.content('Old project');
    expect((await setup.call('GET', `/pages/${archived.id}`, '/pages/{id}')).status).toBe(200);
  });

  it('needs read:page:confluence', async () => {
    const page = await setup.content('Getting started');
    const spacesOnly = (await signIn(setup.harness, ['read:space:confluence'])).access_token;
    const response = await api(`${setup.harness.v2}/pages/${page.id}`, spacesOnly);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    const withoutComments = (await signIn(setup.harness, ALL_SCOPES)).access_token;
    expect((await api(`${setup.harness.v2}/pages/${page.id}`, withoutComments)).status).toBe(200);
  });

  it('answers an earlier version with ?version=N, 404 for one that never existed, and lists versions newest first', async () => {
    const page = await setup.content('How-to articles');
    setup.harness.clock.now += 60_000;
    await setup.harness.sandbox.editContent(page.id, { body: '<p>Second</p>', message: 'Second pass' });
    setup.harness.clock.now += 60_000;
    await setup.harness.sandbox.editContent(page.id, { body: '<p>Third</p>', title: 'How-to articles (new)', authorId: SANDBOX_USER.accountId });

    const current = await setup.call('GET', `/pages/${page.id}?body-format=storage&include-versions=true`, '/pages/{id}');
    expect(current.body).toMatchObject({ title: 'How-to articles (new)', version: { number: 3, authorId: SANDBOX_USER.accountId }, body: { storage: { value: '<p>Third</p>' } } });
    expect((current.body.versions as { results: Array<{ number: number }> }).results.map((version) => version.number)).toEqual([3, 2, 1]);
    const first = await setup.call('GET', `/pages/${page.id}?body-format=storage&version=1`, '/pages/{id}');
    expect(first.body).toMatchObject({ title: 'How-to articles', version: { number: 1 }, body: { storage: { value: page.body } } });
    const second = await setup.call('GET', `/pages/${page.id}?version=2`, '/pages/{id}');
    expect(second.body.version).toMatchObject({ number: 2, message: 'Second pass', authorId: SANDBOX_COLLEAGUE.accountId });
    expect((await setup.call('GET', `/pages/${page.id}?version=4`, '/pages/{id}')).status).toBe(404);
    expect((await setup.call('GET', `/pages/${page.id}?version=two`, '/pages/{id}')).status).toBe(400);

    const firstPage = await setup.call('GET', `/pages/${page.id}/versions?limit=2`, '/pages/{id}/versions');
    const results = firstPage.body.results as Array<{ number: number; page: { id: string; title: string } }>;
    expect(results.map((version) => version.number)).toEqual([3, 2]);
    expect(results[0]?.page).toEqual({ id: page.id, title: 'How-to articles (new)' });
    const next = (firstPage.body._links as { next: string }).next;
    expect(next).toMatch(new RegExp(`^/wiki/api/v2/pages/${page.id}/versions\\?limit=2&cursor=`));
    expect(firstPage.headers.get('link')).toContain('rel="next"');
    const rest = await setup.call('GET', next.replace('/wiki/api/v2', ''), '/pages/{id}/versions');
    expect((rest.body.results as Array<{ number: number }>).map((version) => version.number)).toEqual([1]);
    expect((rest.body._links as { next?: string }).next).toBeUndefined();

    const oldestFirst = await setup.call('GET', `/pages/${page.id}/versions?sort=modified-date&body-format=storage`, '/pages/{id}/versions');
    const withBodies = oldestFirst.body.results as Array<{ number: number; page: { body: { storage: { value: string } } } }>;
    expect(withBodies.map((version) => [version.number, version.page.body.storage.value])).toEqual([[1, page.body], [2, '<p>Second</p>'], [3, '<p>Third</p>']]);
  });

  it('lists a blog post’s versions, and answers 404 for versions of unknown or hidden content', async () => {
    const post = await setup.content('Welcome to the demo space');
    const { status, body } = await setup.call('GET', `/blogposts/${post.id}/versions`, '/blogposts/{id}/versions');
    expect(status).toBe(200);
    expect(body.results).toEqual([expect.objectContaining({ number: 1, blogpost: { id: post.id, title: post.title } })]);
    const secret = await setup.content('Secret plan');
    expect((await setup.call('GET', `/pages/${secret.id}/versions`, '/pages/{id}/versions')).status).toBe(404);
    expect((await setup.call('GET', '/pages/999999/versions', '/pages/{id}/versions')).status).toBe(404);
  });
});
