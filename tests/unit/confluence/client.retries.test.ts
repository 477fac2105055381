/**
 * Faults from Confluence: transient failures are retried within a bounded wait, Retry-After is honoured, and a
 * create whose outcome is uncertain is looked up before it is sent again, so nothing is created twice.
 */
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { ConfluenceError } from '../../../services/confluence/errors.js';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../../../services/confluence/retryPolicy.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { FakeConfluenceServer, FakeResponse, RecordedRequest, startFakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';

const SPACES_OK: FakeResponse = {
  status: 200,
  body: { results: [{ id: '98306', key: 'ENG', name: 'Engineering' }], _links: { base: 'https://example.atlassian.net/wiki' } },
};

const CREATED: FakeResponse = {
  status: 200,
  body: {
    id: '4001',
    status: 'current',
    title: 'Plans',
    spaceId: '98306',
    _links: { base: 'https://example.atlassian.net/wiki', webui: '/spaces/ENG/pages/4001/Plans' },
  },
};

const FOUND: FakeResponse = {
  status: 200,
  body: {
    results: [{ id: '4001', title: 'Plans', _links: { webui: '/spaces/ENG/pages/4001/Plans' } }],
    _links: { base: 'https://example.atlassian.net/wiki' },
  },
};

const NOT_FOUND_YET: FakeResponse = { status: 200, body: { results: [], _links: { base: 'https://example.atlassian.net/wiki' } } };

describe('ConfluenceClient retries', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let waits: number[];

  function client(overrides: Partial<RetryPolicy> = {}, timeoutMs = 2000): ConfluenceClient {
    const retry: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      baseDelayMs: 1,
      maxDelayMs: 2,
      sleep: async (ms) => {
        waits.push(ms);
      },
      ...overrides,
    };
    return new ConfluenceClient({ http: axios.create({ proxy: false }), timeoutMs, retry });
  }

  /** Answers the requests in order with the given responses, repeating the last one. */
  function script(...responses: FakeResponse[]): void {
    let index = 0;
    server.handle(() => responses[Math.min(index++, responses.length - 1)]!);
  }

  const posts = (): RecordedRequest[] => server.requests.filter((r) => r.method === 'POST');

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: 'cloud-1', accessToken: 'token' };
    waits = [];
  });

  afterEach(async () => {
    await server.close();
  });

  it('retries a read after 5xx and network errors, then succeeds', async () => {
    script({ status: 503 }, { status: 0, hangUp: true }, { status: 502 }, SPACES_OK);
    const spaces = await client().listSpaces(target);
    expect(spaces.map((s) => s.key)).toEqual(['ENG']);
    expect(server.requests).toHaveLength(4);
  });

  it('gives up on a read after the policy’s attempts, as unavailable', async () => {
    script({ status: 500 });
    await expect(client({ attempts: 3 }).listSpaces(target)).rejects.toMatchObject({ kind: 'unavailable' });
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry what cannot pass by waiting (401, 404, 400)', async () => {
    for (const status of [401, 404, 400]) {
      server.requests.length = 0;
      script({ status });
      await expect(client().listSpaces(target)).rejects.toBeInstanceOf(ConfluenceError);
      expect(server.requests).toHaveLength(1);
    }
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    script({ status: 429, headers: { 'Retry-After': '3' } }, SPACES_OK);
    await client().listSpaces(target);
    expect(waits).toEqual([3000]);
    expect(server.requests).toHaveLength(2);
  });

  it('fails at once, as rate limited, when Retry-After exceeds the wait budget', async () => {
    script({ status: 429, headers: { 'Retry-After': '9223372036854775807' } }, SPACES_OK);
    const failure = await client({ maxTotalWaitMs: 20_000 }).listSpaces(target).catch((error: unknown) => error);
    expect(failure).toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 60 });
    expect(waits).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it('keeps the total Retry-After waits within the budget', async () => {
    script({ status: 429, headers: { 'Retry-After': '8' } });
    await expect(client({ attempts: 10, maxTotalWaitMs: 20_000 }).listSpaces(target)).rejects.toMatchObject({ kind: 'rate-limited' });
    expect(waits).toEqual([8000, 8000]);
    expect(waits.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(20_000);
  });

  it('after a 5xx on create, finds the page that was created anyway and does not post again', async () => {
    server.handle((request) => {
      if (request.method === 'POST') return { status: 500 };
      return FOUND;
    });
    const created = await client().createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' });
    expect(created).toMatchObject({ id: '4001', webUrl: 'https://example.atlassian.net/wiki/spaces/ENG/pages/4001/Plans' });
    expect(posts()).toHaveLength(1);
  });

  it('after a timed-out create that did happen, returns it instead of creating a duplicate', async () => {
    let created = false;
    server.handle((request) => {
      if (request.method === 'POST') {
        created = true;
        return { ...CREATED, delayMs: 400 };
      }
      return created ? FOUND : NOT_FOUND_YET;
    });
    const result = await client({}, 150).createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' });
    expect(result.id).toBe('4001');
    expect(posts()).toHaveLength(1);
  });

  it('sends the create again when the lookup shows it did not happen', async () => {
    let attempts = 0;
    server.handle((request) => {
      if (request.method === 'POST') return ++attempts === 1 ? { status: 503 } : CREATED;
      return NOT_FOUND_YET;
    });
    const result = await client().createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' });
    expect(result.id).toBe('4001');
    expect(posts()).toHaveLength(2);
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'GET', 'POST']);
  });

  it('retries a rate-limited create after Retry-After', async () => {
    let attempts = 0;
    server.handle((request) => {
      if (request.method === 'POST') return ++attempts === 1 ? { status: 429, headers: { 'Retry-After': '2' } } : CREATED;
      return NOT_FOUND_YET;
    });
    await client().createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' });
    expect(waits).toEqual([2000]);
    expect(posts()).toHaveLength(2);
  });

  it('never retries a create Confluence refused for good (duplicate title)', async () => {
    script({ status: 400, body: { errors: [{ status: 400, code: 'BAD_REQUEST', title: 'A page with this title already exists: x' }] } });
    await expect(
      client().createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' }),
    ).rejects.toMatchObject({ kind: 'duplicate-title' });
    expect(server.requests).toHaveLength(1);
  });
});
