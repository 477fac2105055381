/**
 * Reading one page or blog post, finding them by title, names for account ids, footer comments and appends: the
 * requests the client sends (paths, bodies, headers) and how it reads Confluence's answers (openapi-v2.v3.json shapes).
 */
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { NO_RETRIES } from '../../../services/confluence/retryPolicy.js';
import type { ConfluenceTarget, ContentDetail } from '../../../services/confluence/types.js';
import { startFakeConfluenceServer, type FakeConfluenceServer, type FakeResponse } from '../../helpers/fakeConfluenceServer.js';
import { validateRequestBody, validateResponse } from '../../helpers/openapiValidator.js';
import { failureOf } from '../../helpers/confluenceFailure.js';

const TOKEN = 'at-secret-content-0123456789';
const CLOUD_ID = 'cloud-content-1';
const SITE = 'https://example-site.atlassian.net/wiki';
const SPACE_ID = '98306';
const STORAGE = '<h2>Agenda</h2><ul><li>Welcome</li></ul>';

/** A PageSingle as `GET /pages/{id}?body-format=storage` returns it. */
function pageSingle(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '4001',
    status: 'current',
    title: 'Meeting notes',
    spaceId: SPACE_ID,
    parentId: '98307',
    parentType: 'page',
    position: 3,
    authorId: '557058:author',
    ownerId: '557058:author',
    lastOwnerId: null,
    createdAt: '2026-10-01T09:00:00.000Z',
    version: { createdAt: '2026-11-30T16:20:00.000Z', message: 'Agenda', number: 7, minorEdit: false, authorId: '557058:editor' },
    body: { storage: { representation: 'storage', value: STORAGE } },
    _links: { webui: '/spaces/TEAM/pages/4001/Meeting+notes', editui: '/pages/resumedraft.action?draftId=4001', tinyui: '/x/AbCd', base: SITE },
    ...overrides,
  };
}

const BASE: ContentDetail = {
  type: 'page',
  id: '4001',
  title: 'Meeting notes',
  spaceId: SPACE_ID,
  webUrl: `${SITE}/spaces/TEAM/pages/4001/Meeting+notes`,
  authorId: '557058:author',
  version: { number: 7, createdAt: '2026-11-30T16:20:00.000Z', authorId: '557058:editor' },
  storage: STORAGE,
};

describe('ConfluenceClient content', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;
  let v2: string;

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: CLOUD_ID, accessToken: TOKEN };
    client = new ConfluenceClient({ retry: NO_RETRIES, http: axios.create({ proxy: false }), timeoutMs: 2000 });
    v2 = server.v2Path(CLOUD_ID);
  });

  afterEach(async () => {
    await server.close();
  });

  describe('findByTitle', () => {
    function listOf(entries: Array<{ id: string; title: string; webui?: string }>): FakeResponse {
      return {
        status: 200,
        body: {
          results: entries.map(({ id, title, webui }) => ({ id, status: 'current', title, spaceId: SPACE_ID, version: { number: 1 }, _links: webui === undefined ? {} : { webui } })),
          _links: { base: SITE },
        },
      };
    }

    it('asks both collections with the exact title and keeps exact matches with their links', async () => {
      server.handle((request) =>
        request.path.endsWith('/pages')
          ? listOf([
              { id: '4001', title: 'Release notes', webui: '/spaces/ENG/pages/4001/Release+notes' },
              { id: '4002', title: 'release notes', webui: '/spaces/ENG/pages/4002' },
              { id: '4003', title: 'Release notes (old)', webui: '/spaces/ENG/pages/4003' },
            ])
          : listOf([
              { id: '5001', title: 'Release notes', webui: '/spaces/ENG/blog/2026/11/30/5001/Release+notes' },
              { id: '5002', title: 'Release notes' }, // no link: left out rather than offered unopenable
            ]),
      );

      const found = await client.findByTitle(target, SPACE_ID, 'Release notes');

      expect(found).toEqual([
        { type: 'page', id: '4001', title: 'Release notes', spaceId: SPACE_ID, webUrl: `${SITE}/spaces/ENG/pages/4001/Release+notes` },
        { type: 'blogpost', id: '5001', title: 'Release notes', spaceId: SPACE_ID, webUrl: `${SITE}/spaces/ENG/blog/2026/11/30/5001/Release+notes` },
      ]);
      expect(server.requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual([`GET ${v2}/blogposts`, `GET ${v2}/pages`]);
      for (const request of server.requests) {
        expect(Object.fromEntries(request.query)).toEqual({ 'space-id': SPACE_ID, title: 'Release notes', limit: '250' });
        expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
      }
    });

    it('sends a title with query syntax in it as one parameter', async () => {
      server.handle(() => listOf([]));

      await client.findByTitle(target, SPACE_ID, 'Q&A #1 = 100% ?&space-id=1');

      expect(server.requests[0]!.query.getAll('title')).toEqual(['Q&A #1 = 100% ?&space-id=1']);
      expect(server.requests[0]!.query.getAll('space-id')).toEqual([SPACE_ID]);
    });

    it('refuses a space id that is not one, and an empty title, without a request', async () => {
      expect((await failureOf(client.findByTitle(target, '../spaces', 'x'))).kind).toBe('not-found');
      expect(await client.findByTitle(target, SPACE_ID, '')).toEqual([]);
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('getContent', () => {
    it('reads a page with its storage body, versions and link', async () => {
      server.handle(() => ({ status: 200, body: pageSingle() }));

      const detail = await client.getContent(target, { type: 'page', id: '4001' });

      expect(detail).toEqual(BASE);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('GET');
      expect(server.requests[0]!.path).toBe(`${v2}/pages/4001`);
      expect(Object.fromEntries(server.requests[0]!.query)).toEqual({ 'body-format': 'storage' });
    });

    it('reads a blog post from its own collection', async () => {
      server.handle(() => ({ status: 200, body: pageSingle({ id: '5001', title: 'Welcome', authorId: undefined, version: { number: 1 } }) }));

      const detail = await client.getContent(target, { type: 'blogpost', id: '5001' });

      expect(server.requests[0]!.path).toBe(`${v2}/blogposts/5001`);
      expect(detail).toMatchObject({ type: 'blogpost', id: '5001', title: 'Welcome', version: { number: 1 } });
      expect(detail.authorId).toBeUndefined();
      expect(detail.version.createdAt).toBeUndefined();
    });

    it.each(['', '12a', '../spaces/1', '4001?x=1', '1'.repeat(20), ' 4001'])('refuses the id %j without a request', async (id) => {
      expect((await failureOf(client.getContent(target, { type: 'page', id }))).kind).toBe('not-found');
      expect(server.requests).toHaveLength(0);
    });

    it.each<[string, Record<string, unknown>]>([
      ['no body', { body: {} }],
      ['no version', { version: undefined }],
      ['a version that is not a number', { version: { number: '7' } }],
      ['no link', { _links: { base: SITE } }],
      ['a link off the web', { _links: { base: 'javascript:alert(1)//', webui: '/x' } }],
    ])('reports an answer with %s as unavailable', async (_name, overrides) => {
      server.handle(() => ({ status: 200, body: pageSingle(overrides) }));

      expect((await failureOf(client.getContent(target, { type: 'page', id: '4001' }))).kind).toBe('unavailable');
    });

    it('reports a missing or unreadable page as not-found', async () => {
      server.handle(() => ({ status: 404, body: { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] } }));

      expect((await failureOf(client.getContent(target, { type: 'page', id: '4001' }))).kind).toBe('not-found');
    });
  });

  describe('userNames', () => {
    it('asks once for the distinct ids and maps them to display names', async () => {
      server.handle(() => ({
        status: 200,
        body: {
          results: [
            { accountId: '557058:a', accountType: 'atlassian', accountStatus: 'active', displayName: 'Ada Lovelace', publicName: 'Ada', email: '' },
            { accountId: '557058:b', accountStatus: 'inactive', publicName: 'Former colleague' },
            { accountId: '557058:c' },
            { accountId: '557058:not-asked', displayName: 'Somebody else' },
          ],
        },
      }));

      const names = await client.userNames(target, ['557058:a', '557058:b', '557058:a', '', '557058:c']);

      expect([...names]).toEqual([
        ['557058:a', 'Ada Lovelace'],
        ['557058:b', 'Former colleague'],
      ]);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('POST');
      expect(server.requests[0]!.path).toBe(`${v2}/users-bulk`);
      expect(server.requests[0]!.body).toEqual({ accountIds: ['557058:a', '557058:b', '557058:c'] });
      expect(server.requests[0]!.headers['content-type']).toMatch(/^application\/json/);
    });

    it('sends nothing for no ids', async () => {
      expect(await client.userNames(target, [])).toEqual(new Map());
      expect(await client.userNames(target, ['', '  '])).toEqual(new Map());
      expect(server.requests).toHaveLength(0);
    });

    it('asks at most 100 ids a request', async () => {
      server.handle(() => ({ status: 200, body: { results: [] } }));
      const ids = Array.from({ length: 230 }, (_, index) => `557058:${index}`);

      await client.userNames(target, ids);

      expect(server.requests.map((r) => (r.body as { accountIds: string[] }).accountIds.length)).toEqual([100, 100, 30]);
      expect(server.requests.flatMap((r) => (r.body as { accountIds: string[] }).accountIds)).toEqual(ids);
    });
  });

  describe('recentComments', () => {
    const comment = (id: string, authorId: string | undefined, value: string) => ({
      id,
      status: 'current',
      title: 'Re: Meeting notes',
      pageId: '4001',
      version: { createdAt: '2026-11-30T10:00:00.000Z', message: '', number: 1, minorEdit: false, ...(authorId ? { authorId } : {}) },
      body: { storage: { representation: 'storage', value } },
      _links: { webui: `/spaces/TEAM/pages/4001?focusedCommentId=${id}` },
    });

    it('asks for the newest first, with storage bodies, and says when there are older ones', async () => {
      server.handle(() => ({
        status: 200,
        body: { results: [comment('9002', '557058:b', '<p>Second</p>'), comment('9001', undefined, '<p>First</p>')], _links: { next: '/wiki/api/v2/pages/4001/footer-comments?cursor=abc' } },
      }));

      const recent = await client.recentComments(target, { type: 'page', id: '4001' }, 2);

      expect(recent).toEqual({
        comments: [
          { id: '9002', authorId: '557058:b', createdAt: '2026-11-30T10:00:00.000Z', storage: '<p>Second</p>' },
          { id: '9001', createdAt: '2026-11-30T10:00:00.000Z', storage: '<p>First</p>' },
        ],
        more: true,
      });
      expect(server.requests[0]!.path).toBe(`${v2}/pages/4001/footer-comments`);
      expect(Object.fromEntries(server.requests[0]!.query)).toEqual({ 'body-format': 'storage', sort: '-created-date', limit: '2' });
      expect(validateResponse('GET', '/pages/{id}/footer-comments', 200, { results: [comment('9001', '557058:a', '<p>x</p>')] })).toEqual([]);
    });

    it('reads a blog post\'s from its own collection, and none as none', async () => {
      server.handle(() => ({ status: 200, body: { results: [], _links: {} } }));

      expect(await client.recentComments(target, { type: 'blogpost', id: '5001' }, 3)).toEqual({ comments: [], more: false });
      expect(server.requests[0]!.path).toBe(`${v2}/blogposts/5001/footer-comments`);
    });

    it('names read:comment:confluence when the token lacks it, and refuses a bad id without a request', async () => {
      server.handle(() => ({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' }, headers: { 'X-Failure-Category': 'FAILURE_CLIENT_SCOPE_CHECK' } }));

      const failure = await failureOf(client.recentComments(target, { type: 'page', id: '4001' }, 3));
      expect([failure.kind, failure.scope]).toEqual(['missing-scope', 'read:comment:confluence']);
      expect((await failureOf(client.recentComments(target, { type: 'page', id: '../4001' }, 3))).kind).toBe('not-found');
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('addFooterComment', () => {
    const created = (links: Record<string, unknown> | undefined): FakeResponse => ({
      status: 201,
      body: { id: '9001', status: 'current', title: 'Re: Meeting notes', pageId: '4001', version: { number: 1 }, ...(links === undefined ? {} : { _links: links }) },
      headers: { Location: `${SITE}/api/v2/footer-comments/9001` },
    });

    it('posts the Markdown as storage under a page and links to the comment', async () => {
      server.handle(() => created({ webui: '/spaces/TEAM/pages/4001/Meeting+notes?focusedCommentId=9001', base: SITE }));

      const comment = await client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'Looks **good** to me' });

      expect(comment).toEqual({ id: '9001', webUrl: `${SITE}/spaces/TEAM/pages/4001/Meeting+notes?focusedCommentId=9001` });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('POST');
      expect(server.requests[0]!.path).toBe(`${v2}/footer-comments`);
      expect(server.requests[0]!.body).toEqual({ pageId: '4001', body: { representation: 'storage', value: '<p>Looks <strong>good</strong> to me</p>' } });
    });

    it('comments on a blog post by blogPostId', async () => {
      server.handle(() => created({ webui: '/x', base: SITE }));

      await client.addFooterComment(target, { on: { type: 'blogpost', id: '5001' }, bodyMarkdown: 'Nice' });

      expect(server.requests[0]!.body).toEqual({ blogPostId: '5001', body: { representation: 'storage', value: '<p>Nice</p>' } });
    });

    it.each<[string, Record<string, unknown> | undefined]>([
      ['no links', undefined],
      ['no base', { webui: '/x' }],
      ['a base that is not http(s)', { webui: '/x', base: 'javascript:alert(1)//' }],
      ['a webui on another host', { webui: '//evil.example/x', base: SITE }],
    ])('leaves the link out when the answer has %s', async (_name, links) => {
      server.handle(() => created(links));

      expect(await client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'x' })).toEqual({ id: '9001' });
    });

    it('refuses a bad id and an empty comment without a request', async () => {
      expect((await failureOf(client.addFooterComment(target, { on: { type: 'page', id: '4001/../1' }, bodyMarkdown: 'x' }))).kind).toBe('not-found');
      expect((await failureOf(client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: ' \n ' }))).kind).toBe('invalid-request');
      expect(server.requests).toHaveLength(0);
    });

    it('refuses a comment over 5 MB without a request', async () => {
      expect((await failureOf(client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'x'.repeat(5 * 1024 * 1024) }))).kind).toBe('too-large');
      expect(server.requests).toHaveLength(0);
    });

    it('reports a 201 without an id as unavailable', async () => {
      server.handle(() => ({ status: 201, body: { status: 'current' } }));

      expect((await failureOf(client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'x' }))).kind).toBe('unavailable');
    });
  });

  describe('appendToContent', () => {
    const updated = (overrides: Record<string, unknown> = {}): FakeResponse => ({
      status: 200,
      body: pageSingle({ version: { number: 8, message: 'Added from chat', authorId: '557058:me' }, body: {}, ...overrides }),
    });

    it('puts the body with the addition after it as the next version, with the message', async () => {
      server.handle(() => updated());

      const result = await client.appendToContent(target, { base: BASE, additionMarkdown: '- decided to ship Friday', message: 'Added from chat' });

      expect(result).toEqual({ version: 8, webUrl: `${SITE}/spaces/TEAM/pages/4001/Meeting+notes` });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('PUT');
      expect(server.requests[0]!.path).toBe(`${v2}/pages/4001`);
      expect(server.requests[0]!.body).toEqual({
        id: '4001',
        status: 'current',
        title: 'Meeting notes',
        spaceId: SPACE_ID,
        body: { representation: 'storage', value: `${STORAGE}<ul>\n<li>decided to ship Friday</li>\n</ul>` },
        version: { number: 8, message: 'Added from chat' },
      });
    });

    it('updates a blog post in its own collection, without a space id', async () => {
      server.handle(() => updated({ id: '5001', version: { number: 2 } }));
      const base: ContentDetail = { ...BASE, type: 'blogpost', id: '5001', version: { number: 1 } };

      const result = await client.appendToContent(target, { base, additionMarkdown: 'More', message: 'm' });

      expect(result.version).toBe(2);
      expect(server.requests[0]!.path).toBe(`${v2}/blogposts/5001`);
      expect(server.requests[0]!.body).toEqual({
        id: '5001',
        status: 'current',
        title: 'Meeting notes',
        body: { representation: 'storage', value: `${STORAGE}<p>More</p>` },
        version: { number: 2, message: 'm' },
      });
    });

    it('falls back to the link it read when the answer has none', async () => {
      server.handle(() => updated({ _links: {} }));

      expect((await client.appendToContent(target, { base: BASE, additionMarkdown: 'x', message: 'm' })).webUrl).toBe(BASE.webUrl);
    });

    it('reports an answer at another version as a conflict: the lines may not be there (a trashed page is only restored)', async () => {
      server.handle(() => updated({ version: { number: 7, message: '', minorEdit: false, createdAt: '2026-11-30T16:20:00.000Z', authorId: '557058:editor' } }));

      const failure = await failureOf(client.appendToContent(target, { base: BASE, additionMarkdown: 'x', message: 'm' }));
      expect(failure.kind).toBe('conflict');
      expect(server.requests).toHaveLength(1);
    });

    it('reports a 409 as a conflict, sent once, with nothing re-read', async () => {
      server.handle(() => ({ status: 409, body: { errors: [{ status: 409, code: 'CONFLICT', title: 'Version must be incremented on update. Current version is: 8', detail: null }] } }));

      expect((await failureOf(client.appendToContent(target, { base: BASE, additionMarkdown: 'x', message: 'm' }))).kind).toBe('conflict');
      expect(server.requests.map((r) => r.method)).toEqual(['PUT']);
    });

    it('refuses a bad id, an empty addition and a body over 5 MB without a request', async () => {
      expect((await failureOf(client.appendToContent(target, { base: { ...BASE, id: '4001/../../spaces' }, additionMarkdown: 'x', message: 'm' }))).kind).toBe('not-found');
      expect((await failureOf(client.appendToContent(target, { base: BASE, additionMarkdown: '   ', message: 'm' }))).kind).toBe('invalid-request');
      const big = { ...BASE, storage: `<p>${'x'.repeat(5 * 1024 * 1024 - 20)}</p>` };
      expect((await failureOf(client.appendToContent(target, { base: big, additionMarkdown: 'one more line', message: 'm' }))).kind).toBe('too-large');
      expect(server.requests).toHaveLength(0);
    });

    it('reports a 413 from Confluence as too-large', async () => {
      server.handle(() => ({ status: 413 }));

      expect((await failureOf(client.appendToContent(target, { base: BASE, additionMarkdown: 'x', message: 'm' }))).kind).toBe('too-large');
    });
  });

  it('sends request bodies, and is tested with answers, that conform to the OpenAPI document', async () => {
    const templates: Record<string, string> = { '/users-bulk': '/users-bulk', '/footer-comments': '/footer-comments', '/pages/4001': '/pages/{id}', '/blogposts/5001': '/blogposts/{id}' };
    const answers: Record<string, FakeResponse> = {
      '/users-bulk': { status: 200, body: { results: [{ accountId: '557058:a', displayName: 'Ada', accountStatus: 'active' }] } },
      '/footer-comments': { status: 201, body: { id: '9001', status: 'current', title: 'Re: x', pageId: '4001', version: { number: 1 }, _links: { webui: '/x', base: SITE } } },
      '/pages/4001': { status: 200, body: pageSingle({ version: { number: 8 } }) },
      '/blogposts/5001': { status: 200, body: pageSingle({ id: '5001', version: { number: 2 } }) },
    };
    server.handle((request) => answers[request.path.slice(v2.length)]!);

    await client.userNames(target, ['557058:a']);
    await client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'Nice' });
    await client.appendToContent(target, { base: BASE, additionMarkdown: 'x', message: 'm' });
    await client.appendToContent(target, { base: { ...BASE, type: 'blogpost', id: '5001', version: { number: 1 } }, additionMarkdown: 'x', message: 'm' });

    expect(server.requests).toHaveLength(4);
    for (const request of server.requests) {
      const resource = request.path.slice(v2.length);
      const template = templates[resource]!;
      expect([request.method, template, validateRequestBody(request.method, template, request.body)]).toEqual([request.method, template, []]);
      const answer = answers[resource]!;
      expect(validateResponse(request.method, template, answer.status, answer.body)).toEqual([]);
    }
    expect(validateResponse('GET', '/pages/{id}', 200, pageSingle())).toEqual([]);
    // The check can fail: an update without its required fields does not conform.
    expect(validateRequestBody('PUT', '/pages/{id}', { id: '4001' })).not.toEqual([]);
  });
});
