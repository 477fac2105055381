/**
 * Retries of the new calls. An append whose outcome was uncertain (timeout, 5xx) is sent again as the same version;
 * a 409 then may mean our first attempt landed, so the content is read back: exactly our update is success, anything
 * else is someone else's change and stays a conflict. Reads (users-bulk included) retry; a comment is sent once.
 */
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../../services/confluence/retryPolicy.js';
import type { Append, ConfluenceTarget, ContentDetail } from '../../../services/confluence/types.js';
import { FakeConfluenceServer, FakeResponse, startFakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';
import { failureOf } from '../../helpers/confluenceFailure.js';

const SITE = 'https://example-site.atlassian.net/wiki';
const BASE: ContentDetail = {
  type: 'page',
  id: '4001',
  title: 'Meeting notes',
  spaceId: '98306',
  webUrl: `${SITE}/spaces/TEAM/pages/4001/Meeting+notes`,
  version: { number: 7 },
  storage: '<p>Agenda</p>',
};
const APPEND: Append = { base: BASE, additionMarkdown: 'Ship Friday', message: 'Added from chat' };
/** What the append saves: the base body and the converted addition. */
const APPENDED_STORAGE = '<p>Agenda</p><p>Ship Friday</p>';

const UPDATED: FakeResponse = {
  status: 200,
  body: { id: '4001', status: 'current', title: 'Meeting notes', spaceId: '98306', version: { number: 8 }, _links: { webui: '/spaces/TEAM/pages/4001/Meeting+notes', base: SITE } },
};
const CONFLICT: FakeResponse = { status: 409, body: { errors: [{ status: 409, code: 'CONFLICT', title: 'Version must be incremented on update. Current version is: 8', detail: null }] } };

function current(version: number, storage: string): FakeResponse {
  return {
    status: 200,
    body: {
      id: '4001',
      status: 'current',
      title: 'Meeting notes',
      spaceId: '98306',
      version: { number: version, authorId: '557058:someone' },
      body: { storage: { representation: 'storage', value: storage } },
      _links: { webui: '/spaces/TEAM/pages/4001/Meeting+notes', base: SITE },
    },
  };
}

describe('ConfluenceClient retries of reads, comments and appends', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;

  function client(overrides: Partial<RetryPolicy> = {}, timeoutMs = 2000): ConfluenceClient {
    const retry: RetryPolicy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2, sleep: async () => {}, ...overrides };
    return new ConfluenceClient({ http: axios.create({ proxy: false }), timeoutMs, retry });
  }

  /** Answers the requests in order with the given responses, repeating the last one. */
  function script(...responses: FakeResponse[]): void {
    let index = 0;
    server.handle(() => responses[Math.min(index++, responses.length - 1)]!);
  }

  const trail = (): string[] => server.requests.map((r) => r.method);
  const sentVersions = (): unknown[] => server.requests.filter((r) => r.method === 'PUT').map((r) => (r.body as { version: { number: number } }).version.number);

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: 'cloud-1', accessToken: 'token' };
  });

  afterEach(async () => {
    await server.close();
  });

  it('retries an append after a 5xx as the same version', async () => {
    script({ status: 503 }, UPDATED);

    expect(await client().appendToContent(target, APPEND)).toEqual({ version: 8, webUrl: BASE.webUrl });
    expect(trail()).toEqual(['PUT', 'PUT']);
    expect(sentVersions()).toEqual([8, 8]);
  });

  it('after a 5xx, a 409 whose content is exactly our update is our own append: success, nothing sent again', async () => {
    script({ status: 502 }, CONFLICT, current(8, APPENDED_STORAGE));

    expect(await client().appendToContent(target, APPEND)).toEqual({ version: 8, webUrl: BASE.webUrl });
    expect(trail()).toEqual(['PUT', 'PUT', 'GET']);
    expect(sentVersions()).toEqual([8, 8]);
    expect(server.requests[2]!.path).toMatch(/\/wiki\/api\/v2\/pages\/4001$/);
    expect(server.requests[2]!.query.get('body-format')).toBe('storage');
  });

  it('after a timeout, a 409 whose content is exactly our update is success', async () => {
    let puts = 0;
    server.handle((request) => {
      if (request.method === 'GET') return current(8, APPENDED_STORAGE);
      puts += 1;
      return puts === 1 ? { ...UPDATED, delayMs: 600 } : CONFLICT;
    });

    expect(await client({}, 200).appendToContent(target, APPEND)).toEqual({ version: 8, webUrl: BASE.webUrl });
    expect(trail()).toEqual(['PUT', 'PUT', 'GET']);
  });

  it.each<[string, FakeResponse]>([
    ['someone else saved the next version', current(8, '<p>Agenda</p><p>Their change</p>')],
    ['our text is there but so is a later version', current(9, APPENDED_STORAGE)],
    ['the body differs by a character', current(8, `${APPENDED_STORAGE} `)],
  ])('after a 5xx, a 409 stays a conflict when %s', async (_name, reread) => {
    script({ status: 503 }, CONFLICT, reread);

    expect((await failureOf(client().appendToContent(target, APPEND))).kind).toBe('conflict');
    expect(trail()).toEqual(['PUT', 'PUT', 'GET']);
    expect(sentVersions()).toEqual([8, 8]);
  });

  it('after a 429 (not processed), a 409 is a conflict without a re-read', async () => {
    script({ status: 429, headers: { 'Retry-After': '1' } }, CONFLICT);

    expect((await failureOf(client().appendToContent(target, APPEND))).kind).toBe('conflict');
    expect(trail()).toEqual(['PUT', 'PUT']);
  });

  it('reports the page gone when the re-read after a 409 finds nothing', async () => {
    script({ status: 503 }, CONFLICT, { status: 404, body: { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] } });

    expect((await failureOf(client().appendToContent(target, APPEND))).kind).toBe('not-found');
  });

  it('gives up after the policy’s attempts, never sending another version number', async () => {
    script({ status: 503 });

    expect((await failureOf(client({ attempts: 3 }).appendToContent(target, APPEND))).kind).toBe('unavailable');
    expect(sentVersions()).toEqual([8, 8, 8]);
  });

  it('retries reads: getContent and users-bulk', async () => {
    script({ status: 503 }, current(7, '<p>Agenda</p>'));
    expect((await client().getContent(target, { type: 'page', id: '4001' })).version.number).toBe(7);

    server.requests.length = 0;
    script({ status: 0, hangUp: true }, { status: 200, body: { results: [{ accountId: '557058:a', displayName: 'Ada' }] } });
    expect(await client().userNames(target, ['557058:a'])).toEqual(new Map([['557058:a', 'Ada']]));
    expect(trail()).toEqual(['POST', 'POST']);
  });

  it('sends a comment once, even after a 5xx: it may have been posted', async () => {
    script({ status: 503 });

    expect((await failureOf(client().addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'Nice' }))).kind).toBe('unavailable');
    expect(trail()).toEqual(['POST']);
  });
});
