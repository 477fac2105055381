import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { NO_RETRIES } from '../../../services/confluence/retryPolicy.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { startFakeConfluenceServer, type FakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';

const TOKEN = 'at-secret-0123456789abcdef';
const CLOUD_ID = '11223344-aaaa-bbbb-cccc-556677889900';
const SITE = 'https://example-site.atlassian.net/wiki';

function spaceBulk(id: string, key: string, name: string, webui?: string): Record<string, unknown> {
  return {
    id,
    key,
    name,
    type: 'global',
    status: 'current',
    authorId: '557058:aaaa',
    createdAt: '2024-05-01T10:00:00.000Z',
    homepageId: String(Number(id) + 1),
    description: null,
    icon: null,
    ...(webui === undefined ? {} : { _links: { webui } }),
  };
}

function pageSingle(id: string, title: string, spaceId: string, kind: 'pages' | 'blog'): Record<string, unknown> {
  return {
    id,
    status: 'current',
    title,
    spaceId,
    ...(kind === 'pages' ? { parentId: '98401', parentType: 'page', position: 4 } : {}),
    authorId: '557058:aaaa',
    createdAt: '2024-05-02T10:00:00.000Z',
    version: { createdAt: '2024-05-02T10:00:00.000Z', message: '', number: 1, minorEdit: false, authorId: '557058:aaaa' },
    body: { storage: { representation: 'storage', value: '<p>x</p>' } },
    _links: {
      webui: kind === 'pages' ? `/spaces/DEV/pages/${id}/Title` : `/spaces/DEV/blog/2024/05/02/${id}/Title`,
      editui: `/pages/resumedraft.action?draftId=${id}`,
      tinyui: '/x/AbCd',
      base: SITE,
    },
  };
}

describe('ConfluenceClient requests', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;
  let v2: string;

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: `${server.apiUrl}/`, cloudId: CLOUD_ID, accessToken: TOKEN };
    client = new ConfluenceClient({ retry: NO_RETRIES, http: axios.create({ proxy: false }), timeoutMs: 2000 });
    v2 = server.v2Path(CLOUD_ID);
  });

  afterEach(async () => {
    await server.close();
  });

  describe('listSpaces', () => {
    it('asks for spaces sorted by name with the bearer token and maps them', async () => {
      server.handle(() => ({
        status: 200,
        body: {
          results: [spaceBulk('98306', 'DEV', 'Development', '/spaces/DEV'), spaceBulk('98310', 'OPS', 'Operations')],
          _links: { base: SITE },
        },
      }));

      const spaces = await client.listSpaces(target);

      expect(spaces).toEqual([
        { id: '98306', key: 'DEV', name: 'Development', webUrl: `${SITE}/spaces/DEV` },
        { id: '98310', key: 'OPS', name: 'Operations' },
      ]);
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request!.method).toBe('GET');
      expect(request!.path).toBe(`${v2}/spaces`);
      expect(Object.fromEntries(request!.query)).toEqual({ limit: '250', sort: 'name' });
      expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request!.headers.accept).toBe('application/json');
      expect(request!.body).toBeUndefined();
    });

    it('follows the _links.next cursor until there is no next link', async () => {
      server.handle((request) => {
        const cursor = request.query.get('cursor');
        if (cursor === null) {
          return {
            status: 200,
            body: { results: [spaceBulk('1', 'A', 'Alpha')], _links: { next: '/wiki/api/v2/spaces?limit=250&sort=name&cursor=c2', base: SITE } },
          };
        }
        if (cursor === 'c2') {
          return {
            status: 200,
            body: { results: [spaceBulk('2', 'B', 'Beta')], _links: { next: '/wiki/api/v2/spaces?limit=250&sort=name&cursor=c3', base: SITE } },
          };
        }
        return { status: 200, body: { results: [spaceBulk('3', 'C', 'Gamma')], _links: { base: SITE } } };
      });

      const spaces = await client.listSpaces(target);

      expect(spaces.map((space) => space.key)).toEqual(['A', 'B', 'C']);
      expect(server.requests.map((request) => request.path)).toEqual([`${v2}/spaces`, `${v2}/spaces`, `${v2}/spaces`]);
      expect(server.requests.map((request) => request.query.get('cursor'))).toEqual([null, 'c2', 'c3']);
      expect(server.requests.every((request) => request.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
    });

    it('stops paging once it has the number of spaces asked for', async () => {
      let served = 0;
      server.handle(() => {
        served += 2;
        return {
          status: 200,
          body: {
            results: [spaceBulk(String(served - 1), `K${served - 1}`, 'x'), spaceBulk(String(served), `K${served}`, 'y')],
            _links: { next: `/wiki/api/v2/spaces?limit=3&sort=name&cursor=after${served}`, base: SITE },
          },
        };
      });

      const spaces = await client.listSpaces(target, 3);

      expect(spaces.map((space) => space.key)).toEqual(['K1', 'K2', 'K3']);
      expect(server.requests).toHaveLength(2);
      expect(server.requests[0]!.query.get('limit')).toBe('3');
    });

    it('does not send the token to a next link outside the v2 API', async () => {
      for (const next of ['https://evil.example/wiki/api/v2/spaces?cursor=x', '//evil.example/wiki/api/v2/spaces', '/wiki/api/v2/../../../other', '/wiki/rest/api/space']) {
        server.requests.length = 0;
        server.handle(() => ({ status: 200, body: { results: [spaceBulk('1', 'A', 'Alpha')], _links: { next, base: SITE } } }));

        const spaces = await client.listSpaces(target);

        expect(spaces).toHaveLength(1);
        expect(server.requests).toHaveLength(1);
      }
    });

    it('only builds web links from an http(s) base and a site-relative path', async () => {
      server.handle(() => ({
        status: 200,
        body: {
          results: [spaceBulk('1', 'A', 'Alpha', '/spaces/A'), spaceBulk('2', 'B', 'Beta', '//evil.example/x')],
          _links: { base: 'javascript:alert(1)//' },
        },
      }));

      const spaces = await client.listSpaces(target);

      expect(spaces.map((space) => space.webUrl)).toEqual([undefined, undefined]);
    });
  });

  describe('getSpaceByKey', () => {
    it('asks for the upper-cased key and returns the matching space', async () => {
      server.handle(() => ({ status: 200, body: { results: [spaceBulk('98306', 'DEV', 'Development', '/spaces/DEV')], _links: { base: SITE } } }));

      const space = await client.getSpaceByKey(target, ' dev ');

      expect(space).toEqual({ id: '98306', key: 'DEV', name: 'Development', webUrl: `${SITE}/spaces/DEV` });
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0]!.method).toBe('GET');
      expect(server.requests[0]!.path).toBe(`${v2}/spaces`);
      expect(Object.fromEntries(server.requests[0]!.query)).toEqual({ keys: 'DEV' });
      expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('keeps the case of a personal space key', async () => {
      server.handle(() => ({ status: 200, body: { results: [spaceBulk('5', '~557058:ab-cd', 'Me')], _links: { base: SITE } } }));

      const space = await client.getSpaceByKey(target, '~557058:ab-cd');

      expect(space?.id).toBe('5');
      expect(server.requests[0]!.query.get('keys')).toBe('~557058:ab-cd');
    });

    it('returns undefined when no space has that key', async () => {
      server.handle(() => ({ status: 200, body: { results: [], _links: { base: SITE } } }));

      expect(await client.getSpaceByKey(target, 'NOPE')).toBeUndefined();
    });

    it('ignores a result whose key does not match', async () => {
      server.handle(() => ({ status: 200, body: { results: [spaceBulk('7', 'OTHER', 'Other')], _links: { base: SITE } } }));

      expect(await client.getSpaceByKey(target, 'DEV')).toBeUndefined();
    });

    it('rejects implausible keys without a request', async () => {
      for (const key of ['', '   ', 'DE V', 'DEV,OPS', 'DEV&keys=OPS', '../spaces', 'DÉV', 'K'.repeat(256), '~', 'A-B']) {
        expect(await client.getSpaceByKey(target, key)).toBeUndefined();
      }
      expect(server.requests).toHaveLength(0);
    });
  });

  describe('titleExists', () => {
    it('looks pages up by space and title and compares titles exactly', async () => {
      server.handle(() => ({
        status: 200,
        body: { results: [{ id: '1', status: 'current', title: 'Release notes & plans', spaceId: '98306', _links: { webui: '/x' } }], _links: { base: SITE } },
      }));

      expect(await client.titleExists(target, '98306', 'page', 'Release notes & plans')).toBe(true);
      expect(await client.titleExists(target, '98306', 'page', 'release notes & plans')).toBe(false);

      const [request] = server.requests;
      expect(request!.method).toBe('GET');
      expect(request!.path).toBe(`${v2}/pages`);
      expect(request!.query.get('space-id')).toBe('98306');
      expect(request!.query.get('title')).toBe('Release notes & plans');
      expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    });

    it('looks blog posts up on the blogposts endpoint', async () => {
      server.handle(() => ({ status: 200, body: { results: [], _links: { base: SITE } } }));

      expect(await client.titleExists(target, '98306', 'blogpost', 'Weekly update')).toBe(false);

      expect(server.requests[0]!.path).toBe(`${v2}/blogposts`);
      expect(server.requests[0]!.query.get('space-id')).toBe('98306');
      expect(server.requests[0]!.query.get('title')).toBe('Weekly update');
    });
  });

  describe('createContent', () => {
    it('posts a page in storage format and returns its browser link', async () => {
      server.handle((request) => ({ status: 200, body: pageSingle('123456', (request.body as { title: string }).title, '98306', 'pages') }));

      const created = await client.createContent(target, {
        spaceId: '98306',
        type: 'page',
        title: 'Plans <2025>',
        bodyMarkdown: '# Goals\n\n<script>x</script>',
      });

      expect(created).toEqual({
        id: '123456',
        type: 'page',
        title: 'Plans <2025>',
        spaceId: '98306',
        webUrl: `${SITE}/spaces/DEV/pages/123456/Title`,
      });
      const [request] = server.requests;
      expect(request!.method).toBe('POST');
      expect(request!.path).toBe(`${v2}/pages`);
      expect([...request!.query.keys()]).toEqual([]);
      expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(request!.headers.accept).toBe('application/json');
      expect(request!.headers['content-type']).toMatch(/^application\/json/);
      expect(request!.body).toEqual({
        spaceId: '98306',
        status: 'current',
        title: 'Plans <2025>',
        body: { representation: 'storage', value: '<h1>Goals</h1>\n<p>&lt;script&gt;x&lt;/script&gt;</p>' },
      });
    });

    it('posts a blog post with an empty body when there is no text', async () => {
      server.handle(() => ({ status: 200, body: pageSingle('777', 'Weekly update', '98306', 'blog') }));

      const created = await client.createContent(target, { spaceId: '98306', type: 'blogpost', title: 'Weekly update', bodyMarkdown: '' });

      expect(created).toEqual({
        id: '777',
        type: 'blogpost',
        title: 'Weekly update',
        spaceId: '98306',
        webUrl: `${SITE}/spaces/DEV/blog/2024/05/02/777/Title`,
      });
      expect(server.requests[0]!.method).toBe('POST');
      expect(server.requests[0]!.path).toBe(`${v2}/blogposts`);
      expect(server.requests[0]!.body).toEqual({
        spaceId: '98306',
        status: 'current',
        title: 'Weekly update',
        body: { representation: 'storage', value: '' },
      });
    });
  });
});
