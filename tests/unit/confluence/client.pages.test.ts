import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { NO_RETRIES } from '../../../services/confluence/retryPolicy.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { createLogger } from '../../../services/logging/logger.js';
import { startFakeConfluenceServer, type FakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';
import { failureOf } from '../../helpers/confluenceFailure.js';

const TOKEN = 'at-secret-pages-0123456789';
const CLOUD_ID = 'cloud-pages-1';
const SITE = 'https://example-site.atlassian.net/wiki';
const SPACE_ID = '98306';

/** A PageBulk as `GET /spaces/{id}/pages` returns it (no body-format, so an empty body). */
function pageBulk(id: string, title: string, webui: string | undefined = `/spaces/DEV/pages/${id}/${title.replace(/ /g, '+')}`): Record<string, unknown> {
  return {
    id,
    status: 'current',
    title,
    spaceId: SPACE_ID,
    parentId: '98307',
    parentType: 'page',
    position: 1,
    authorId: '557058:aaaa',
    ownerId: '557058:aaaa',
    lastOwnerId: null,
    createdAt: '2024-05-02T10:00:00.000Z',
    version: { createdAt: '2024-05-02T10:00:00.000Z', message: '', number: 1, minorEdit: false, authorId: '557058:aaaa' },
    body: {},
    _links: webui === undefined ? { editui: '/x', tinyui: '/x' } : { webui, editui: `/pages/resumedraft.action?draftId=${id}`, tinyui: '/x/AbCd' },
  };
}

describe('ConfluenceClient.listPagesChunk', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;
  let pagesPath: string;
  let logLines: string[];

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: CLOUD_ID, accessToken: TOKEN };
    logLines = [];
    client = new ConfluenceClient({ retry: NO_RETRIES, http: axios.create({ proxy: false }), timeoutMs: 2000, logger: createLogger('debug', (line) => logLines.push(line)) });
    pagesPath = `${server.v2Path(CLOUD_ID)}/spaces/${SPACE_ID}/pages`;
  });

  afterEach(async () => {
    await server.close();
  });

  it('asks for 250 pages sorted by title, and maps them with base + webui links', async () => {
    server.handle(() => ({
      status: 200,
      body: { results: [pageBulk('1', 'Alpha'), pageBulk('2', 'Beta notes')], _links: { base: SITE } },
    }));

    const chunk = await client.listPagesChunk(target, SPACE_ID);

    expect(chunk).toEqual({
      pages: [
        { id: '1', title: 'Alpha', webUrl: `${SITE}/spaces/DEV/pages/1/Alpha` },
        { id: '2', title: 'Beta notes', webUrl: `${SITE}/spaces/DEV/pages/2/Beta+notes` },
      ],
    });
    expect('next' in chunk).toBe(false);
    expect(server.requests).toHaveLength(1);
    const [request] = server.requests;
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe(pagesPath);
    expect(Object.fromEntries(request!.query)).toEqual({ limit: '250', sort: 'title' });
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('hands back _links.next as the cursor and follows it exactly, to the end', async () => {
    const second = `/wiki/api/v2/spaces/${SPACE_ID}/pages?limit=250&sort=title&cursor=eyJpZCI6IjEifQ%3D%3D`;
    const third = `/wiki/api/v2/spaces/${SPACE_ID}/pages?cursor=c3&limit=250&sort=title`;
    server.handle((request) => {
      const cursor = request.query.get('cursor');
      if (cursor === null) return { status: 200, body: { results: [pageBulk('1', 'A')], _links: { next: second, base: SITE } } };
      if (cursor === 'eyJpZCI6IjEifQ==') return { status: 200, body: { results: [pageBulk('2', 'B')], _links: { next: third, base: SITE } } };
      return { status: 200, body: { results: [pageBulk('3', 'C')], _links: { base: SITE } } };
    });

    const first = await client.listPagesChunk(target, SPACE_ID);
    expect(first.next).toBe(second);
    const middle = await client.listPagesChunk(target, SPACE_ID, first.next);
    expect(middle.next).toBe(third);
    const last = await client.listPagesChunk(target, SPACE_ID, middle.next);

    expect([first, middle, last].flatMap((chunk) => chunk.pages.map((page) => page.title))).toEqual(['A', 'B', 'C']);
    expect(last.next).toBeUndefined();
    expect(server.requests.map((request) => request.path)).toEqual([pagesPath, pagesPath, pagesPath]);
    expect(server.requests.map((request) => request.query.get('cursor'))).toEqual([null, 'eyJpZCI6IjEifQ==', 'c3']);
    expect(server.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('ends the listing when a next link leaves the v2 API or this space, or comes with no results', async () => {
    const unsafe = [
      'https://evil.example/wiki/api/v2/spaces/98306/pages?cursor=x',
      '//evil.example/wiki/api/v2/spaces/98306/pages',
      '/wiki/api/v2/spaces/98306/pages/../../../../other',
      '/wiki/rest/api/content?spaceKey=DEV',
      '/wiki/api/v2/spaces/11111/pages?cursor=x',
      '/wiki/api/v2/spaces/98306/blogposts?cursor=x',
    ];
    for (const next of unsafe) {
      server.handle(() => ({ status: 200, body: { results: [pageBulk('1', 'A')], _links: { next, base: SITE } } }));
      expect((await client.listPagesChunk(target, SPACE_ID)).next).toBeUndefined();
    }
    server.handle(() => ({ status: 200, body: { results: [], _links: { next: `/wiki/api/v2/spaces/${SPACE_ID}/pages?cursor=again`, base: SITE } } }));
    expect(await client.listPagesChunk(target, SPACE_ID)).toEqual({ pages: [] });
  });

  it('refuses a cursor that is not a page list of this space, without a request', async () => {
    for (const cursor of ['https://evil.example/wiki/api/v2/spaces/98306/pages?cursor=x', '/wiki/api/v2/spaces/11111/pages?cursor=x', '/wiki/api/v2/pages?cursor=x', 'cursor-only']) {
      const failure = await failureOf(client.listPagesChunk(target, SPACE_ID, cursor));
      expect(failure.kind).toBe('invalid-request');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('treats an id that is not a number as a space that does not exist, without a request', async () => {
    for (const spaceId of ['', 'DEV', '1/../../spaces', '98306?limit=1']) {
      expect((await failureOf(client.listPagesChunk(target, spaceId))).kind).toBe('not-found');
    }
    expect(server.requests).toHaveLength(0);
  });

  it('maps 404 (space gone or not readable) to not-found, and keeps the token out of errors and logs', async () => {
    server.handle(() => ({ status: 404, body: { errors: [{ status: 404, code: 'NOT_FOUND', title: `Not Found ${TOKEN}`, detail: null }] } }));

    const failure = await failureOf(client.listPagesChunk(target, SPACE_ID));

    expect(failure.kind).toBe('not-found');
    expect(failure.status).toBe(404);
    expect(failure.message).toBe('Confluence answered 404 to list pages in space');
    expect(logLines.join('\n')).not.toContain(TOKEN);
  });

  it('maps other statuses as every call does (401, 429 with Retry-After)', async () => {
    server.handle(() => ({ status: 401, body: { code: 401, message: 'Unauthorized' } }));
    expect((await failureOf(client.listPagesChunk(target, SPACE_ID))).kind).toBe('unauthorized');

    server.handle(() => ({ status: 429, body: {}, headers: { 'Retry-After': '7' } }));
    const limited = await failureOf(client.listPagesChunk(target, SPACE_ID));
    expect(limited.kind).toBe('rate-limited');
    expect(limited.retryAfterSeconds).toBe(7);
  });

  it('reports a malformed answer or an unusable page link as unavailable', async () => {
    server.handle(() => ({ status: 200, body: { results: [{ id: '1' }], _links: { base: SITE } } }));
    expect((await failureOf(client.listPagesChunk(target, SPACE_ID))).kind).toBe('unavailable');

    server.handle(() => ({ status: 200, body: { results: [pageBulk('1', 'A', '//evil.example/x')], _links: { base: SITE } } }));
    expect((await failureOf(client.listPagesChunk(target, SPACE_ID))).kind).toBe('unavailable');

    server.handle(() => ({ status: 200, body: { results: [pageBulk('1', 'A')], _links: { base: 'javascript:alert(1)//' } } }));
    expect((await failureOf(client.listPagesChunk(target, SPACE_ID))).kind).toBe('unavailable');
  });
});
