/** The client's CQL search over HTTP against a local server that answers as Confluence's v1 search does. */
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { ConfluenceError } from '../../../services/confluence/errors.js';
import { DEFAULT_RETRY_POLICY } from '../../../services/confluence/retryPolicy.js';
import { excerptParts } from '../../../services/confluence/search.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { startFakeConfluenceServer, type FakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';

const CLOUD_ID = 'cloud-1';
let server: FakeConfluenceServer;
let target: ConfluenceTarget;
const client = new ConfluenceClient({ retry: { ...DEFAULT_RETRY_POLICY, attempts: 1 } });

beforeEach(async () => {
  server = await startFakeConfluenceServer();
  target = { apiUrl: server.apiUrl, cloudId: CLOUD_ID, accessToken: 'token-1' };
});

afterEach(async () => {
  await server.close();
});

function result(id: string, title: string, extra: Record<string, unknown> = {}) {
  return {
    content: { id, type: 'page', status: 'current', title, _links: { webui: `/spaces/ENG/pages/${id}` } },
    title: `@@@hl@@@${title}@@@endhl@@@`,
    excerpt: 'The @@@hl@@@release@@@endhl@@@ went out &amp; nobody noticed',
    url: `/spaces/ENG/pages/${id}`,
    resultGlobalContainer: { title: 'Engineering', displayUrl: '/spaces/ENG' },
    breadcrumbs: [],
    entityType: 'content',
    iconCssClass: 'aui-icon content-type-page',
    lastModified: '2026-11-30T10:00:00.000Z',
    friendlyLastModified: 'Nov 30, 2026',
    ...extra,
  };
}

function answer(results: unknown[], next?: string) {
  return {
    status: 200,
    body: { results, start: 0, limit: 5, size: results.length, totalSize: 7, cqlQuery: 'x', searchDuration: 3, _links: { base: 'https://acme.atlassian.net/wiki', context: '/wiki', ...(next ? { next } : {}) } },
  };
}

describe('ConfluenceClient.searchContent', () => {
  it('sends the CQL, the limit and highlighted excerpts to /wiki/rest/api/search, with the bearer token', async () => {
    server.handle(() => answer([result('101', 'Release notes')]));
    const found = await client.searchContent(target, { text: 'Release notes!', spaceKey: 'eng' }, 5);
    const request = server.requests[0]!;
    expect(request.path).toBe(`/gateway/ex/confluence/${CLOUD_ID}/wiki/rest/api/search`);
    expect(request.query.get('cql')).toBe('type in (page, blogpost) AND text ~ "release notes" AND space = "ENG"');
    expect(request.query.get('limit')).toBe('5');
    expect(request.query.get('excerpt')).toBe('highlight');
    expect(request.headers.authorization).toBe('Bearer token-1');
    expect(found).toEqual({
      hits: [
        {
          id: '101',
          type: 'page',
          title: 'Release notes',
          spaceKey: 'ENG',
          spaceName: 'Engineering',
          lastModified: '2026-11-30T10:00:00.000Z',
          excerpt: [
            { text: 'The ', matched: false },
            { text: 'release', matched: true },
            { text: ' went out & nobody noticed', matched: false },
          ],
          webUrl: 'https://acme.atlassian.net/wiki/spaces/ENG/pages/101',
        },
      ],
      totalSize: 7,
    });
  });

  it('follows the next link of the same search only', async () => {
    const cql = 'type in (page, blogpost) AND text ~ "notes"';
    const next = `/rest/api/search?next=true&cursor=abc&limit=5&cql=${encodeURIComponent(cql)}`;
    server.handle(() => answer([result('101', 'Notes')], next));
    const first = await client.searchContent(target, { text: 'notes' }, 5);
    expect(first.next).toBe(next);
    await client.searchContent(target, { text: 'notes' }, 5, first.next);
    expect(server.requests[1]!.path).toBe(`/gateway/ex/confluence/${CLOUD_ID}/wiki/rest/api/search`);
    expect(server.requests[1]!.query.get('cursor')).toBe('abc');

    const refused = [
      next.replace('notes', 'other'),
      `https://evil.example${next}`,
      '/rest/api/content?cql=x',
      '/rest/api/search/../../api/v2/pages?x=1',
      `//evil.example${next}`,
    ];
    for (const bad of refused) {
      await expect(client.searchContent(target, { text: 'notes' }, 5, bad)).rejects.toMatchObject({ kind: 'invalid-request' });
    }
    expect(server.requests).toHaveLength(2);
  });

  it('refuses a search with nothing searchable or a malformed space key, without calling Confluence', async () => {
    await expect(client.searchContent(target, { text: '?!' }, 5)).rejects.toBeInstanceOf(ConfluenceError);
    await expect(client.searchContent(target, { text: 'notes', spaceKey: 'ENG" OR space = "X' }, 5)).rejects.toMatchObject({ kind: 'invalid-request' });
    expect(server.requests).toHaveLength(0);
  });

  it('keeps only pages and blog posts with a link, and maps errors like every other call', async () => {
    server.handle(() =>
      answer([
        result('101', 'A page'),
        { ...result('102', 'An attachment'), content: { id: '102', type: 'attachment', status: 'current' } },
        { title: 'A space', entityType: 'space', excerpt: '', url: '/spaces/ENG', breadcrumbs: [], iconCssClass: 'x', lastModified: '2026-11-30T10:00:00.000Z' },
        { ...result('103', 'No link'), url: undefined, content: { id: '103', type: 'blogpost', status: 'current' } },
      ]),
    );
    const found = await client.searchContent(target, { text: 'a' }, 5);
    expect(found.hits.map((hit) => hit.id)).toEqual(['101']);

    server.handle(() => ({ status: 400, body: { statusCode: 400, message: 'Could not parse cql' } }));
    await expect(client.searchContent(target, { text: 'a' }, 5)).rejects.toMatchObject({ kind: 'invalid-request' });
    server.handle(() => ({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } }));
    await expect(client.searchContent(target, { text: 'a' }, 5)).rejects.toBeInstanceOf(ConfluenceError);
  });
});

describe('excerptParts', () => {
  it('splits on the highlight markers and decodes the escaped form', () => {
    expect(excerptParts('@@@hl@@@SSO@@@endhl@@@ setup &lt;draft&gt;')).toEqual([
      { text: 'SSO', matched: true },
      { text: ' setup <draft>', matched: false },
    ]);
    expect(excerptParts('')).toEqual([]);
    expect(excerptParts('no markers')).toEqual([{ text: 'no markers', matched: false }]);
  });
});
