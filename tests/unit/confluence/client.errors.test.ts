import http from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { NO_RETRIES } from '../../../services/confluence/retryPolicy.js';
import { ConfluenceError, type ConfluenceErrorKind } from '../../../services/confluence/errors.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { createLogger } from '../../../services/logging/logger.js';
import { startFakeConfluenceServer, type FakeConfluenceServer, type FakeResponse } from '../../helpers/fakeConfluenceServer.js';
import { failureOf as failureWithout } from '../../helpers/confluenceFailure.js';

const TOKEN = 'at-secret-fedcba9876543210';
const DUPLICATE_TITLE_BODY = {
  errors: [
    {
      status: 400,
      code: 'BAD_REQUEST',
      title: 'A page with this title already exists: A page already exists with the same TITLE in this space',
      detail: null,
    },
  ],
};
const NOT_FOUND_BODY = { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] };
const SPACE = { id: '1', key: 'DEV', name: 'Development' };
const NEW_PAGE = { spaceId: '98306', type: 'page' as const, title: 'Plans', bodyMarkdown: 'Hello' };

describe('ConfluenceClient errors', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;
  let logLines: string[];

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: 'cloud-1', accessToken: TOKEN };
    logLines = [];
    client = new ConfluenceClient({
      retry: NO_RETRIES,
      http: axios.create({ proxy: false }),
      timeoutMs: 300,
      logger: createLogger('debug', (line) => logLines.push(line)),
    });
  });

  afterEach(async () => {
    await server.close();
  });

  async function failureOf(call: Promise<unknown>): Promise<ConfluenceError> {
    // The server echoes the token back in every error reply below; none of it may reach our error or logs.
    const failure = await failureWithout(call, TOKEN);
    expect(logLines.join('\n')).not.toContain(TOKEN);
    return failure;
  }

  function echoingToken(response: FakeResponse): FakeResponse {
    return {
      ...response,
      headers: { ...response.headers, 'X-Echo': `Bearer ${TOKEN}` },
      body: response.body ?? { message: `token ${TOKEN} refused`, errors: [{ status: response.status, code: 'ERR', title: `Bearer ${TOKEN}` }] },
    };
  }

  const statusCases: Array<[string, FakeResponse, ConfluenceErrorKind]> = [
    ['401', { status: 401, body: { code: 401, message: `Unauthorized (${TOKEN})` } }, 'unauthorized'],
    ['401 scope does not match', { status: 401, body: { code: 401, message: `Unauthorized; scope does not match (${TOKEN})` } }, 'missing-scope'],
    ['403', { status: 403, body: { message: 'Current user not permitted to use Confluence', statusCode: 403 } }, 'forbidden'],
    ['404', { status: 404, body: NOT_FOUND_BODY }, 'not-found'],
    ['400 duplicate title', { status: 400, body: DUPLICATE_TITLE_BODY }, 'duplicate-title'],
    [
      '400 duplicate title (v1 message)',
      { status: 400, body: { statusCode: 400, message: 'com.atlassian.confluence.api.service.exceptions.BadRequestException: A page with this title already exists: A page already exists with the title Plans in the space with key DEV' } },
      'duplicate-title',
    ],
    ['400 other', { status: 400, body: { errors: [{ status: 400, code: 'INVALID_REQUEST_PARAMETER', title: 'Provided value {x} for spaceId is not valid', detail: null }] } }, 'invalid-request'],
    ['400 without a body', { status: 400, body: '' }, 'invalid-request'],
    ['409', { status: 409 }, 'conflict'],
    ['413', { status: 413 }, 'too-large'],
    ['429', { status: 429 }, 'rate-limited'],
    ['500', { status: 500 }, 'unavailable'],
    ['502', { status: 502, body: '<html>Bad gateway</html>' }, 'unavailable'],
    ['503', { status: 503, headers: { 'Retry-After': '10' } }, 'unavailable'],
    ['302 (redirects are not followed)', { status: 302, headers: { Location: '/elsewhere' } }, 'unavailable'],
  ];

  it.each(statusCases)('maps %s to its kind', async (_name, response, kind) => {
    server.handle(() => echoingToken(response));

    const failure = await failureOf(client.createContent(target, NEW_PAGE));

    expect(failure.kind).toBe(kind);
    expect(failure.status).toBe(response.status);
    expect(server.requests).toHaveLength(1);
  });

  it('maps errors the same way on read calls', async () => {
    server.handle(() => echoingToken({ status: 401 }));
    expect((await failureOf(client.listSpaces(target))).kind).toBe('unauthorized');
    expect((await failureOf(client.getSpaceByKey(target, 'DEV'))).kind).toBe('unauthorized');
    expect((await failureOf(client.titleExists(target, '1', 'page', 'x'))).kind).toBe('unauthorized');
    server.handle(() => echoingToken({ status: 404, body: NOT_FOUND_BODY }));
    expect((await failureOf(client.titleExists(target, '1', 'blogpost', 'x'))).kind).toBe('not-found');
  });

  it.each([
    ['5', 5],
    ['0', 1],
    ['61', 60],
    ['9223372036854775807', 60],
    ['soon', undefined],
  ])('reads Retry-After %s as %s seconds', async (header, seconds) => {
    server.handle(() => echoingToken({ status: 429, headers: { 'Retry-After': header } }));

    const failure = await failureOf(client.listSpaces(target));

    expect(failure.kind).toBe('rate-limited');
    expect(failure.retryAfterSeconds).toBe(seconds);
  });

  it('reads Retry-After given as an HTTP date', async () => {
    const inTwentySeconds = new Date(Date.now() + 20_000).toUTCString();
    server.handle(() => echoingToken({ status: 429, headers: { 'Retry-After': inTwentySeconds } }));

    const failure = await failureOf(client.listSpaces(target));

    expect(failure.retryAfterSeconds).toBeGreaterThanOrEqual(18);
    expect(failure.retryAfterSeconds).toBeLessThanOrEqual(21);
  });

  it('leaves retryAfterSeconds unset when a 429 has no Retry-After', async () => {
    server.handle(() => echoingToken({ status: 429 }));

    expect((await failureOf(client.listSpaces(target))).retryAfterSeconds).toBeUndefined();
  });

  it('reports a timeout as unavailable', async () => {
    server.handle(() => ({ status: 200, body: { results: [SPACE] }, delayMs: 2000 }));

    const failure = await failureOf(client.listSpaces(target));

    expect(failure.kind).toBe('unavailable');
    expect(failure.message).toMatch(/timed out/);
  });

  it('gives up at the deadline on a server that trickles a byte at a time and never finishes', async () => {
    const trickler = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"results": [');
      const drip = setInterval(() => res.write(' '), 50);
      res.on('close', () => clearInterval(drip));
    });
    await new Promise<void>((resolve) => trickler.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    try {
      const apiUrl = `http://127.0.0.1:${(trickler.address() as AddressInfo).port}`;
      const failure = await failureOf(client.listSpaces({ ...target, apiUrl }));
      expect(failure.kind).toBe('unavailable');
      expect(failure.message).toMatch(/timed out/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      trickler.closeAllConnections();
      await new Promise<void>((resolve) => trickler.close(() => resolve()));
    }
  });

  it('reports a dropped connection as unavailable', async () => {
    server.handle(() => ({ status: 200, hangUp: true }));

    expect((await failureOf(client.createContent(target, NEW_PAGE))).kind).toBe('unavailable');
  });

  it('reports a refused connection as unavailable', async () => {
    await server.close();

    expect((await failureOf(client.getSpaceByKey(target, 'DEV'))).kind).toBe('unavailable');
  });

  it.each<[string, unknown]>([
    ['an empty object', {}],
    ['plain text', 'Service is fine, honest'],
    ['a space without a key', { results: [{ id: '1', name: 'No key' }] }],
    ['results that are not a list', { results: 'none' }],
  ])('reports a 200 with %s as unavailable', async (_name, body) => {
    server.handle(() => ({ status: 200, body }));

    expect((await failureOf(client.listSpaces(target))).kind).toBe('unavailable');
  });

  it('reports a created page without a usable link as unavailable', async () => {
    for (const links of [{ webui: '/spaces/DEV/pages/1' }, { base: 'https://x.atlassian.net/wiki' }, { webui: '/p', base: 'javascript:alert(1)' }]) {
      server.handle(() => ({ status: 200, body: { id: '1', status: 'current', title: 'Plans', spaceId: '98306', _links: links } }));

      expect((await failureOf(client.createContent(target, NEW_PAGE))).kind).toBe('unavailable');
    }
  });
});
