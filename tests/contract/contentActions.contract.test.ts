/**
 * The sandbox's read, update, comment and user operations over HTTP, every request it accepts and every success it
 * answers validated against Atlassian's official v2 OpenAPI document (tests/contract/openapi-v2.v3.json).
 */
import { DEFAULT_SEED, SANDBOX_COLLEAGUE, SANDBOX_USER } from '../../sandbox/index.js';
import { validateRequestBody, validateResponse } from '../helpers/openapiValidator.js';
import { api, CONTENT_ACTION_SCOPES, signIn, startSandbox, type Harness } from '../unit/sandbox/sandboxHarness.js';

interface Exchange {
  method: string;
  template: string;
  status: number;
}

describe('sandbox content actions, validated against the official v2 OpenAPI document', () => {
  let harness: Harness;
  let token: string;
  const exchanges: Exchange[] = [];

  beforeAll(async () => {
    harness = await startSandbox({ seed: DEFAULT_SEED });
    token = (await signIn(harness, CONTENT_ACTION_SCOPES)).access_token;
  });

  afterAll(async () => {
    await harness.close();
  });

  async function idOf(title: string): Promise<string> {
    const [content] = await harness.sandbox.findContent((candidate) => candidate.title === title);
    if (content === undefined) throw new Error(`no ${title}`);
    return content.id;
  }

  /** One call; the request (when there is one) and the 2xx answer must both conform. */
  async function exchange(method: string, v2Path: string, template: string, body?: unknown): Promise<Record<string, unknown>> {
    if (body !== undefined) expect(validateRequestBody(method, template, body)).toEqual([]);
    const response = await api(`${harness.v2}${v2Path}`, token, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const json = (await response.json()) as Record<string, unknown>;
    expect([method, v2Path, response.status]).toEqual([method, v2Path, method === 'POST' && template === '/footer-comments' ? 201 : 200]);
    expect(validateResponse(method, template, response.status, json)).toEqual([]);
    exchanges.push({ method, template, status: response.status });
    return json;
  }

  it('reads pages and blog posts in every body format the sandbox answers, at any version', async () => {
    const page = await idOf('Meeting notes');
    const post = await idOf('Release notes');
    await exchange('GET', `/pages/${page}`, '/pages/{id}');
    await exchange('GET', `/pages/${page}?body-format=storage`, '/pages/{id}');
    await exchange('GET', `/pages/${page}?body-format=view&include-versions=true`, '/pages/{id}');
    await exchange('GET', `/blogposts/${post}?body-format=storage`, '/blogposts/{id}');
    await exchange('GET', `/blogposts/${post}?include-version=false`, '/blogposts/{id}');
  });

  it('updates a page and a blog post, flat and nested bodies, and reads the history back', async () => {
    const page = await idOf('Meeting notes');
    const post = await idOf('Release notes');
    await harness.sandbox.editContent(page, { body: '<p>Colleague</p>', message: 'by a colleague' });
    await exchange('PUT', `/pages/${page}`, '/pages/{id}', {
      id: page,
      status: 'current',
      title: 'Meeting notes',
      body: { representation: 'storage', value: '<p>Colleague</p><ul><li>decided to ship Friday</li></ul>' },
      version: { number: 3, message: 'Added from chat' },
    });
    await exchange('PUT', `/blogposts/${post}`, '/blogposts/{id}', {
      id: post,
      status: 'current',
      title: 'Release notes',
      body: { storage: { representation: 'storage', value: '<p>What changed this week, and more.</p>' } },
      version: { number: 2 },
    });
    await exchange('GET', `/pages/${page}?version=1&body-format=storage`, '/pages/{id}');
    const versions = await exchange('GET', `/pages/${page}/versions?body-format=storage&limit=2`, '/pages/{id}/versions');
    expect((versions.results as Array<{ authorId: string }>).map((version) => version.authorId)).toEqual([SANDBOX_USER.accountId, SANDBOX_COLLEAGUE.accountId]);
    await exchange('GET', `${(versions._links as { next: string }).next.replace('/wiki/api/v2', '')}`, '/pages/{id}/versions');
    await exchange('GET', `/blogposts/${post}/versions?sort=modified-date`, '/blogposts/{id}/versions');
  });

  it('comments on a page and a blog post, and lists and fetches the comments', async () => {
    const page = await idOf('Getting started');
    const post = await idOf('Welcome to the demo space');
    const created = await exchange('POST', '/footer-comments', '/footer-comments', { pageId: page, body: { representation: 'storage', value: '<p>Looks good</p>' } });
    await exchange('POST', '/footer-comments', '/footer-comments', { blogPostId: post, body: { storage: { representation: 'storage', value: '<p>Nice</p>' } } });
    await harness.sandbox.addComment(page, { body: '<p>Agreed</p>' });
    await exchange('GET', `/footer-comments/${String(created.id)}?body-format=storage`, '/footer-comments/{comment-id}');
    const listed = await exchange('GET', `/pages/${page}/footer-comments?body-format=storage&limit=1`, '/pages/{id}/footer-comments');
    await exchange('GET', (listed._links as { next: string }).next.replace('/wiki/api/v2', ''), '/pages/{id}/footer-comments');
    await exchange('GET', `/blogposts/${post}/footer-comments`, '/blogposts/{id}/footer-comments');
  });

  it('looks up users in bulk', async () => {
    const users = await exchange('POST', '/users-bulk', '/users-bulk', { accountIds: [SANDBOX_USER.accountId, SANDBOX_COLLEAGUE.accountId, 'unknown'] });
    expect((users.results as unknown[]).length).toBe(2);
  });

  it('covered every new operation, and the validator does catch bodies that break the document', () => {
    const covered = new Set(exchanges.map((call) => `${call.method} ${call.template}`));
    expect([...covered].sort()).toEqual(
      [
        'GET /blogposts/{id}',
        'GET /blogposts/{id}/footer-comments',
        'GET /blogposts/{id}/versions',
        'GET /footer-comments/{comment-id}',
        'GET /pages/{id}',
        'GET /pages/{id}/footer-comments',
        'GET /pages/{id}/versions',
        'POST /footer-comments',
        'POST /users-bulk',
        'PUT /blogposts/{id}',
        'PUT /pages/{id}',
      ].sort(),
    );
    expect(validateResponse('GET', '/pages/{id}', 200, { id: 1, version: { number: '2' } })).not.toEqual([]);
    expect(validateResponse('POST', '/footer-comments', 201, { id: '1', version: { minorEdit: 'no' } })).not.toEqual([]);
    expect(validateResponse('POST', '/users-bulk', 200, { results: [{ accountId: 7 }] })).not.toEqual([]);
    expect(validateRequestBody('PUT', '/pages/{id}', { id: '1', status: 'current', title: 'x', body: { representation: 'storage', value: '' } })).not.toEqual([]);
    expect(validateRequestBody('POST', '/users-bulk', { accountIds: [] })).not.toEqual([]);
  });
});
