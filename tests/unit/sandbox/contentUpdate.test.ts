import { DEFAULT_SEED, SANDBOX_USER } from '../../../sandbox/index.js';
import { validateRequestBody } from '../../helpers/openapiValidator.js';
import { errorTitle, HIDDEN_SPACE, setUp, type Setup } from './contentActionsSetup.js';
import { api, CLOUD_ID, CONTENT_ACTION_SCOPES, signIn, startSandbox } from './sandboxHarness.js';

describe('sandbox PUT /pages/{id} and /blogposts/{id}', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp();
  });

  afterAll(async () => {
    await setup.harness.close();
  });

  function update(id: string, number: number, value: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return { id, status: 'current', title: extra.title ?? 'Meeting notes', body: { representation: 'storage', value }, version: { number, message: 'Added a line' }, ...extra };
  }

  it('saves the next version with its message and answers PageSingle at that version; GET and the version list agree', async () => {
    const page = await setup.content('Meeting notes');
    const request = update(page.id, 2, `${page.body}<p>Decided to ship Friday</p>`);
    expect(validateRequestBody('PUT', '/pages/{id}', request)).toEqual([]);
    setup.harness.clock.now += 5 * 60_000;
    const { status, body } = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', request);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      id: page.id,
      title: 'Meeting notes',
      createdAt: page.createdAt,
      version: { number: 2, message: 'Added a line', authorId: SANDBOX_USER.accountId, createdAt: new Date(setup.harness.clock.now).toISOString() },
      body: { storage: { representation: 'storage', value: `${page.body}<p>Decided to ship Friday</p>` } },
      _links: { base: `${setup.harness.url}/sandbox/wiki` },
    });
    const read = await setup.call('GET', `/pages/${page.id}?body-format=storage`, '/pages/{id}');
    expect(read.body).toMatchObject({ version: { number: 2 }, body: { storage: { value: `${page.body}<p>Decided to ship Friday</p>` } } });
    const versions = await setup.call('GET', `/pages/${page.id}/versions`, '/pages/{id}/versions');
    expect((versions.body.results as Array<{ number: number; message: string }>).map((v) => [v.number, v.message])).toEqual([[2, 'Added a line'], [1, '']]);
    expect((await setup.content('Meeting notes')).version).toBe(2);
  });

  it('takes a whole page of 20 KB, as Confluence does, and answers more than 5 MB with its own 413', async () => {
    const page = await setup.content('Getting started');
    const big = `${page.body}<p>${'x'.repeat(20_000)}</p>`;
    const taken = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, page.version + 1, big, { title: 'Getting started' }));
    expect(taken.status).toBe(200);
    const huge = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, page.version + 2, 'x'.repeat(5 * 1024 * 1024 + 1), { title: 'Getting started' }));
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ errors: [{ status: 413, code: 'REQUEST_ENTITY_TOO_LARGE' }] });
    const comment = await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: page.id, body: { representation: 'storage', value: `<p>${'y'.repeat(20_000)}</p>` } });
    expect(comment.status).toBe(201);
  });

  it('answers 409 CONFLICT for a stale or skipped version number, after someone else edited, and changes nothing', async () => {
    const page = await setup.content('Runbook');
    const colleagueVersion = await setup.harness.sandbox.editContent(page.id, { body: '<p>Their change</p>', message: 'Colleague' });
    expect(colleagueVersion).toBe(2);
    const stale = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, 2, '<p>Mine</p>', { title: 'Runbook' }));
    expect(stale.status).toBe(409);
    expect(stale.body).toEqual({
      errors: [{ status: 409, code: 'CONFLICT', title: 'Version must be incremented when updating a page. Current Version: [2]. Provided version: [2]', detail: null }],
    });
    const skipped = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, 5, '<p>Mine</p>', { title: 'Runbook' }));
    expect(skipped.status).toBe(409);
    expect(errorTitle(skipped)).toBe('Version must be incremented when updating a page. Current Version: [2]. Provided version: [5]');
    const read = await setup.call('GET', `/pages/${page.id}?body-format=storage`, '/pages/{id}');
    expect(read.body).toMatchObject({ version: { number: 2 }, body: { storage: { value: '<p>Their change</p>' } } });
    const retried = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, 3, '<p>Their change</p><p>Mine</p>', { title: 'Runbook' }));
    expect(retried.status).toBe(200);
  });

  it('updates a blog post, and names the blog post in its conflict message', async () => {
    const post = await setup.content('Release notes');
    const request = { id: post.id, status: 'current', title: 'Release notes', body: { storage: { representation: 'storage', value: '<p>New</p>' } }, version: { number: 2 } };
    expect(validateRequestBody('PUT', '/blogposts/{id}', request)).toEqual([]);
    const saved = await setup.call('PUT', `/blogposts/${post.id}`, '/blogposts/{id}', request);
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ version: { number: 2, message: '' }, body: { storage: { value: '<p>New</p>' } } });
    const again = await setup.call('PUT', `/blogposts/${post.id}`, '/blogposts/{id}', request);
    expect(again.status).toBe(409);
    expect(errorTitle(again)).toBe('Version must be incremented when updating a blogpost. Current Version: [2]. Provided version: [2]');
    expect((await setup.call('PUT', `/pages/${post.id}`, '/pages/{id}', { ...request, version: { number: 3 } })).status).toBe(404);
  });

  it('answers 404 where the user may not update (the read-only ARCHIVE), may not view, or nothing exists', async () => {
    const archived = await setup.content('Old project');
    const refused = await setup.call('PUT', `/pages/${archived.id}`, '/pages/{id}', update(archived.id, 2, '<p>x</p>', { title: 'Old project' }));
    expect(refused.status).toBe(404);
    expect(errorTitle(refused)).toBe('Not Found');
    const secret = await setup.content('Secret plan');
    expect((await setup.call('PUT', `/pages/${secret.id}`, '/pages/{id}', update(secret.id, 2, '<p>x</p>', { title: 'Secret plan' }))).status).toBe(404);
    expect((await setup.call('PUT', '/pages/999999', '/pages/{id}', update('999999', 2, '<p>x</p>'))).status).toBe(404);
    expect((await setup.content('Old project')).version).toBe(1);
  });

  it('answers 400 for requests the document or the sandbox does not allow', async () => {
    const page = await setup.content('Decision log');
    const base = update(page.id, 2, '<p>x</p>', { title: 'Decision log' });
    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no version', { ...base, version: undefined }, /Invalid request/],
      ['no version number', { ...base, version: { message: 'm' } }, /Invalid request/],
      ['no body', { ...base, body: undefined }, /Invalid request/],
      ['no title', { ...base, title: undefined }, /Invalid request/],
      ['an empty title', { ...base, title: ' ' }, /Title is required/],
      ['no status', { ...base, status: undefined }, /Invalid request/],
      ['another id', { ...base, id: '12' }, /id in the body/],
      ['a draft', { ...base, status: 'draft' }, /drafts/],
      ['ADF', { ...base, body: { representation: 'atlas_doc_format', value: '{}' } }, /Unsupported body representation/],
      ['another space', { ...base, spaceId: '1' }, /another space/],
      ['a taken title', { ...base, title: 'runbook' }, /already exists/],
    ];
    for (const [why, request, title] of refusals) {
      const answer = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', request);
      expect([why, answer.status]).toEqual([why, 400]);
      expect([why, errorTitle(answer)]).toEqual([why, expect.stringMatching(title)]);
    }
    expect((await setup.content('Decision log')).version).toBe(1);
  });

  it('moves a page under another page of its space, but never under itself', async () => {
    const parent = await setup.content('Getting started');
    const child = await setup.content('How-to articles');
    const moved = await setup.call('PUT', `/pages/${child.id}`, '/pages/{id}', update(child.id, 2, child.body, { title: child.title, parentId: parent.id }));
    expect(moved.status).toBe(200);
    expect(moved.body.parentId).toBe(parent.id);
    const loop = await setup.call('PUT', `/pages/${parent.id}`, '/pages/{id}', update(parent.id, 2, parent.body, { title: parent.title, parentId: child.id }));
    expect(loop.status).toBe(400);
  });

  it('is what search sees: the new title and body replace the old', async () => {
    const page = await setup.content('Onboarding');
    await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, 2, '<p>Bring a zebra</p>', { title: 'Onboarding guide' }));
    const searcher = (await signIn(setup.harness, [...CONTENT_ACTION_SCOPES, 'search:confluence'])).access_token;
    const search = async (cql: string): Promise<string[]> => {
      const response = await api(`${setup.harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki/rest/api/search?${new URLSearchParams({ cql })}`, searcher);
      return ((await response.json()) as { results: Array<{ content: { id: string } }> }).results.map((result) => result.content.id);
    };
    expect(await search('text ~ "zebra"')).toEqual([page.id]);
    expect(await search('title ~ "guide"')).toEqual([page.id]);
    expect(await search('text ~ "aboard"')).toEqual([]);
  });

  it('needs write:page:confluence', async () => {
    const page = await setup.content('Team members');
    const readOnly = (await signIn(setup.harness, ['read:page:confluence'])).access_token;
    const answer = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', update(page.id, 2, '<p>x</p>', { title: 'Team members' }), readOnly);
    expect(answer.status).toBe(401);
    expect(answer.headers.get('x-failure-category')).toBe('FAILURE_CLIENT_SCOPE_CHECK');
  });

  it('keeps every version across a restart', async () => {
    const first = await startSandbox({ seed: [...DEFAULT_SEED, HIDDEN_SPACE] });
    const [page] = await first.sandbox.findContent((content) => content.title === 'Meeting notes');
    await first.sandbox.editContent(page!.id, { body: '<p>v2</p>', message: 'second' });
    await first.close();
    const second = await startSandbox({ dataDir: first.dataDir, seed: [...DEFAULT_SEED, HIDDEN_SPACE] });
    try {
      const token = (await signIn(second, CONTENT_ACTION_SCOPES)).access_token;
      const response = await api(`${second.v2}/pages/${page!.id}/versions?sort=modified-date`, token);
      const body = (await response.json()) as { results: Array<{ number: number; message: string }> };
      expect(body.results.map((v) => [v.number, v.message])).toEqual([[1, ''], [2, 'second']]);
    } finally {
      await second.close();
    }
  });
});
