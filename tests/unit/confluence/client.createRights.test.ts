/**
 * ConfluenceClient.createRights: `GET /spaces/{id}/operations` (v2, scope read:space:confluence) read into "may create
 * pages / blog posts", and its failures mapped like every other call. Real HTTP against a fake Confluence.
 */
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { NO_RETRIES } from '../../../services/confluence/retryPolicy.js';
import type { ConfluenceTarget } from '../../../services/confluence/types.js';
import { startFakeConfluenceServer, type FakeConfluenceServer } from '../../helpers/fakeConfluenceServer.js';

const TOKEN = 'at-secret-0123456789abcdef';
const CLOUD_ID = '11223344-aaaa-bbbb-cccc-556677889900';

describe('ConfluenceClient.createRights', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: CLOUD_ID, accessToken: TOKEN };
    client = new ConfluenceClient({ retry: NO_RETRIES, http: axios.create({ proxy: false }), timeoutMs: 2000 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('asks for the space operations with the bearer token and reads create on page and blogpost', async () => {
    server.handle(() => ({
      status: 200,
      body: {
        operations: [
          { operation: 'read', targetType: 'space' },
          { operation: 'create', targetType: 'page' },
          { operation: 'create', targetType: 'comment' },
          { operation: 'administer', targetType: 'space' },
        ],
      },
    }));
    expect(await client.createRights(target, '98306')).toEqual({ page: true, blogpost: false });
    const [request] = server.requests;
    expect(request!.method).toBe('GET');
    expect(request!.path).toBe(`${server.v2Path(CLOUD_ID)}/spaces/98306/operations`);
    expect(request!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('reads a read-only space (only read operations) and an empty answer as no right to create', async () => {
    server.handle(() => ({ status: 200, body: { operations: [{ operation: 'read', targetType: 'space' }, { operation: 'create', targetType: 'space' }] } }));
    expect(await client.createRights(target, '1')).toEqual({ page: false, blogpost: false });
    server.handle(() => ({ status: 200, body: {} }));
    expect(await client.createRights(target, '1')).toEqual({ page: false, blogpost: false });
  });

  it('maps 404 to not-found, 401 to unauthorized or missing-scope, 429 to rate-limited and a malformed body to unavailable', async () => {
    server.handle(() => ({ status: 404, body: { errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] } }));
    await expect(client.createRights(target, '1')).rejects.toMatchObject({ kind: 'not-found', status: 404 });
    server.handle(() => ({ status: 401, body: { code: 401, message: 'Unauthorized' } }));
    await expect(client.createRights(target, '1')).rejects.toMatchObject({ kind: 'unauthorized', status: 401 });
    server.handle(() => ({ status: 401, body: { code: 401, message: 'Unauthorized; scope does not match' } }));
    await expect(client.createRights(target, '1')).rejects.toMatchObject({ kind: 'missing-scope', status: 401, scope: 'read:space:confluence' });
    server.handle(() => ({ status: 429, headers: { 'Retry-After': '7' }, body: {} }));
    await expect(client.createRights(target, '1')).rejects.toMatchObject({ kind: 'rate-limited', retryAfterSeconds: 7 });
    server.handle(() => ({ status: 200, body: { operations: 'all of them' } }));
    await expect(client.createRights(target, '1')).rejects.toMatchObject({ kind: 'unavailable' });
  });

  it('sends nothing for a space id that is not a v2 id, so no path can be smuggled in', async () => {
    server.handle(() => ({ status: 200, body: { operations: [] } }));
    await expect(client.createRights(target, '../pages')).rejects.toMatchObject({ kind: 'not-found' });
    expect(server.requests).toHaveLength(0);
  });
});
