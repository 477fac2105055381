import { SANDBOX_COLLEAGUE, SANDBOX_USER } from '../../../sandbox/index.js';
import { validateRequestBody } from '../../helpers/openapiValidator.js';
import { errorTitle, setUp, type Setup } from './contentActionsSetup.js';
import { ALL_SCOPES, signIn } from './sandboxHarness.js';

describe('sandbox footer comments', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp();
  });

  afterAll(async () => {
    await setup.harness.close();
  });

  const storage = (value: string): { representation: string; value: string } => ({ representation: 'storage', value });

  it('creates a comment on a page: 201, FooterCommentModel + _links.base, a location that answers it', async () => {
    const page = await setup.content('Getting started');
    const request = { pageId: page.id, body: storage('<p>Looks good to me</p>') };
    expect(validateRequestBody('POST', '/footer-comments', request)).toEqual([]);
    const { status, body, headers } = await setup.call('POST', '/footer-comments', '/footer-comments', request);
    expect(status).toBe(201);
    expect(body).toMatchObject({
      status: 'current',
      title: 'Re: Getting started',
      pageId: page.id,
      version: { number: 1, authorId: SANDBOX_USER.accountId, createdAt: new Date(setup.harness.clock.now).toISOString() },
      body: { storage: { representation: 'storage', value: '<p>Looks good to me</p>' } },
      _links: { base: `${setup.harness.url}/sandbox/wiki` },
    });
    const id = body.id as string;
    const links = body._links as { base: string; webui: string };
    expect(links.webui).toBe(`${page.webUrl.slice(links.base.length)}?focusedCommentId=${id}#comment-${id}`);
    expect(headers.get('location')).toBe(`/wiki/api/v2/footer-comments/${id}`);
    const fetched = await setup.call('GET', `/footer-comments/${id}?body-format=storage`, '/footer-comments/{comment-id}');
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({ id, pageId: page.id, body: { storage: { value: '<p>Looks good to me</p>' } } });
    expect((await setup.call('GET', '/footer-comments/999999', '/footer-comments/{comment-id}')).status).toBe(404);
  });

  it('creates a comment on a blog post, nested body accepted', async () => {
    const post = await setup.content('Release notes');
    const request = { blogPostId: post.id, body: { storage: storage('<p>Nice</p>') } };
    expect(validateRequestBody('POST', '/footer-comments', request)).toEqual([]);
    const { status, body } = await setup.call('POST', '/footer-comments', '/footer-comments', request);
    expect(status).toBe(201);
    expect(body).toMatchObject({ blogPostId: post.id, title: 'Re: Release notes' });
    expect(body).not.toHaveProperty('pageId');
  });

  it('answers 400 for what it does not accept: both or neither container, replies, other representations, an empty body', async () => {
    const page = await setup.content('Meeting notes');
    const post = await setup.content('Release notes');
    const refusals: Array<[string, Record<string, unknown>, RegExp]> = [
      ['both containers', { pageId: page.id, blogPostId: post.id, body: storage('<p>x</p>') }, /Exactly one/],
      ['no container', { body: storage('<p>x</p>') }, /Exactly one/],
      ['a reply', { parentCommentId: '65540', body: storage('<p>x</p>') }, /top-level/],
      ['an attachment', { attachmentId: 'att1', body: storage('<p>x</p>') }, /top-level/],
      ['wiki markup', { pageId: page.id, body: { representation: 'wiki', value: 'h1. x' } }, /Unsupported body representation/],
      ['an empty body', { pageId: page.id, body: storage('  ') }, /body is required/],
      ['no body', { pageId: page.id }, /Invalid request/],
      ['a bad id', { pageId: 'abc', body: storage('<p>x</p>') }, /Invalid request/],
    ];
    for (const [why, request, title] of refusals) {
      const answer = await setup.call('POST', '/footer-comments', '/footer-comments', request);
      expect([why, answer.status, errorTitle(answer)]).toEqual([why, 400, expect.stringMatching(title)]);
    }
  });

  it('answers 404 for unknown content, content the user may not view, and the read-only ARCHIVE space (no permission to comment)', async () => {
    const archived = await setup.content('Old project');
    const secret = await setup.content('Secret plan');
    for (const pageId of ['999999', secret.id, archived.id]) {
      const answer = await setup.call('POST', '/footer-comments', '/footer-comments', { pageId, body: storage('<p>x</p>') });
      expect([pageId, answer.status]).toEqual([pageId, 404]);
    }
    const post = await setup.content('Release notes');
    expect((await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: post.id, body: storage('<p>x</p>') })).status).toBe(404);
    const listed = await setup.call('GET', `/pages/${archived.id}/footer-comments`, '/pages/{id}/footer-comments');
    expect(listed).toMatchObject({ status: 200, body: { results: [] } });
  });

  it('lists a page’s comments in creation order with the v2 cursor, anyone’s, bodies on request', async () => {
    const page = await setup.content('Team members');
    const mine: string[] = [];
    for (const text of ['one', 'two', 'three']) {
      setup.harness.clock.now += 1000;
      const answer = await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: page.id, body: storage(`<p>${text}</p>`) });
      mine.push(answer.body.id as string);
    }
    const theirs = await setup.harness.sandbox.addComment(page.id, { body: '<p>from a colleague</p>' });

    const first = await setup.call('GET', `/pages/${page.id}/footer-comments?limit=2&body-format=storage`, '/pages/{id}/footer-comments');
    const results = first.body.results as Array<{ id: string; pageId: string; body: { storage: { value: string } } }>;
    expect(results.map((comment) => comment.id)).toEqual(mine.slice(0, 2));
    expect(results[0]).toMatchObject({ pageId: page.id, body: { storage: { value: '<p>one</p>' } } });
    const next = (first.body._links as { next: string }).next;
    expect(next).toMatch(new RegExp(`^/wiki/api/v2/pages/${page.id}/footer-comments\\?limit=2&body-format=storage&cursor=`));
    expect(first.headers.get('link')).toContain(`<${next}>; rel="next"`);
    const second = await setup.call('GET', next.replace('/wiki/api/v2', ''), '/pages/{id}/footer-comments');
    const rest = second.body.results as Array<{ id: string; version: { authorId: string } }>;
    expect(rest.map((comment) => comment.id)).toEqual([mine[2], theirs]);
    expect(rest[1]?.version.authorId).toBe(SANDBOX_COLLEAGUE.accountId);
    expect((second.body._links as { next?: string }).next).toBeUndefined();

    const plain = await setup.call('GET', `/pages/${page.id}/footer-comments?sort=-created-date`, '/pages/{id}/footer-comments');
    const newest = plain.body.results as Array<{ id: string; body: object }>;
    expect(newest.map((comment) => comment.id)).toEqual([theirs, ...[...mine].reverse()]);
    expect(newest[0]?.body).toEqual({});
    expect((await setup.call('GET', `/pages/${page.id}/footer-comments?sort=title`, '/pages/{id}/footer-comments')).status).toBe(400);
    const described = await setup.content('Team members');
    expect(described.comments.map((comment) => comment.body)).toEqual(['<p>one</p>', '<p>two</p>', '<p>three</p>', '<p>from a colleague</p>']);
    expect((await setup.call('GET', `/pages/${page.id}/footer-comments?cursor=forged`, '/pages/{id}/footer-comments')).status).toBe(400);
  });

  it('lists a blog post’s comments, and answers 404 for hidden, unknown or wrong-type content', async () => {
    const post = await setup.content('Welcome to the demo space');
    await setup.call('POST', '/footer-comments', '/footer-comments', { blogPostId: post.id, body: storage('<p>hello</p>') });
    const { status, body } = await setup.call('GET', `/blogposts/${post.id}/footer-comments`, '/blogposts/{id}/footer-comments');
    expect(status).toBe(200);
    expect(body.results).toEqual([expect.objectContaining({ blogPostId: post.id, title: 'Re: Welcome to the demo space' })]);
    const secret = await setup.content('Secret plan');
    expect((await setup.call('GET', `/pages/${secret.id}/footer-comments`, '/pages/{id}/footer-comments')).status).toBe(404);
    expect((await setup.call('GET', '/pages/999999/footer-comments', '/pages/{id}/footer-comments')).status).toBe(404);
    expect((await setup.call('GET', `/pages/${post.id}/footer-comments`, '/pages/{id}/footer-comments')).status).toBe(404);
  });

  it('needs write:comment:confluence to comment and read:comment:confluence to list', async () => {
    const page = await setup.content('Getting started');
    const pagesOnly = (await signIn(setup.harness, ALL_SCOPES)).access_token;
    const write = await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: page.id, body: storage('<p>x</p>') }, pagesOnly);
    expect(write.status).toBe(401);
    expect(write.body).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    expect((await setup.call('GET', `/pages/${page.id}/footer-comments`, '/pages/{id}/footer-comments', undefined, pagesOnly)).status).toBe(401);
    const readOnly = (await signIn(setup.harness, ['read:comment:confluence'])).access_token;
    expect((await setup.call('GET', `/pages/${page.id}/footer-comments`, '/pages/{id}/footer-comments', undefined, readOnly)).status).toBe(200);
    expect((await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: page.id, body: storage('<p>x</p>') }, readOnly)).status).toBe(401);
  });
});
