/**
 * Which failure a refusal is: a token without the call's OAuth scope ('missing-scope', naming the scope: signing in
 * again with it is the fix) is not an expired token ('unauthorized': refreshing is), and a 409 is a conflict.
 */
import axios from 'axios';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { DEFAULT_RETRY_POLICY } from '../../../services/confluence/retryPolicy.js';
import { SCOPES } from '../../../services/confluence/scopes.js';
import type { ConfluenceApi, ConfluenceTarget, ContentDetail } from '../../../services/confluence/types.js';
import { startFakeConfluenceServer, type FakeConfluenceServer, type FakeResponse } from '../../helpers/fakeConfluenceServer.js';
import { failureOf as failureWithout } from '../../helpers/confluenceFailure.js';

const TOKEN = 'at-secret-scopes-0123456789';
const SCOPE_MISMATCH_BODY = { code: 401, message: 'Unauthorized; scope does not match' };
const SCOPE_CHECK_HEADER = { 'X-Failure-Category': 'FAILURE_CLIENT_SCOPE_CHECK' };
const BASE: ContentDetail = {
  type: 'page',
  id: '4001',
  title: 'Meeting notes',
  spaceId: '98306',
  webUrl: 'https://example-site.atlassian.net/wiki/spaces/TEAM/pages/4001',
  version: { number: 7 },
  storage: '<p>Notes</p>',
};

/** Every call of the client, with the scope the OpenAPI documents give its operation. */
const CALLS: Array<[string, string, (api: ConfluenceApi, target: ConfluenceTarget) => Promise<unknown>]> = [
  ['listSpaces', SCOPES.readSpace, (api, t) => api.listSpaces(t)],
  ['getSpaceByKey', SCOPES.readSpace, (api, t) => api.getSpaceByKey(t, 'ENG')],
  ['createRights', SCOPES.readSpace, (api, t) => api.createRights(t, '98306')],
  ['titleExists', SCOPES.readPage, (api, t) => api.titleExists(t, '98306', 'page', 'Plans')],
  ['listPagesChunk', SCOPES.readPage, (api, t) => api.listPagesChunk(t, '98306')],
  ['findByTitle', SCOPES.readPage, (api, t) => api.findByTitle(t, '98306', 'Plans')],
  ['getContent', SCOPES.readPage, (api, t) => api.getContent(t, { type: 'blogpost', id: '5001' })],
  ['createContent', SCOPES.writePage, (api, t) => api.createContent(t, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: 'Hi' })],
  ['appendToContent', SCOPES.writePage, (api, t) => api.appendToContent(t, { base: BASE, additionMarkdown: 'More', message: 'm' })],
  ['searchContent', SCOPES.search, (api, t) => api.searchContent(t, { text: 'notes' }, 5)],
  ['recentComments', SCOPES.readComment, (api, t) => api.recentComments(t, { type: 'page', id: '4001' }, 3)],
  ['addFooterComment', SCOPES.writeComment, (api, t) => api.addFooterComment(t, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'Nice' })],
  ['userNames', SCOPES.readUser, (api, t) => api.userNames(t, ['557058:a'])],
];

/** Every failure here is also checked to carry nothing of the token. */
const failureOf = (call: Promise<unknown>) => failureWithout(call, TOKEN);

describe('ConfluenceClient scopes and conflicts', () => {
  let server: FakeConfluenceServer;
  let target: ConfluenceTarget;
  let client: ConfluenceClient;

  beforeEach(async () => {
    server = await startFakeConfluenceServer();
    target = { apiUrl: server.apiUrl, cloudId: 'cloud-1', accessToken: TOKEN };
    // Retries on: a missing scope must fail at once all the same, since waiting cannot grant it.
    const retry = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1, maxDelayMs: 2, sleep: async () => {} };
    client = new ConfluenceClient({ retry, http: axios.create({ proxy: false }), timeoutMs: 2000 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('covers every call of the ConfluenceApi', () => {
    // Typed as a record of the interface's keys, so a call added to ConfluenceApi does not compile until named here.
    const apiCalls: Record<keyof ConfluenceApi, true> = {
      listSpaces: true,
      getSpaceByKey: true,
      titleExists: true,
      createContent: true,
      createRights: true,
      listPagesChunk: true,
      searchContent: true,
      findByTitle: true,
      getContent: true,
      userNames: true,
      recentComments: true,
      addFooterComment: true,
      appendToContent: true,
    };
    expect(new Set(CALLS.map(([name]) => name))).toEqual(new Set(Object.keys(apiCalls)));
  });

  it.each(CALLS)('%s names %s when the token lacks it, without retrying', async (name, scope, call) => {
    server.handle(() => ({ status: 401, body: SCOPE_MISMATCH_BODY, headers: SCOPE_CHECK_HEADER }));

    const failure = await failureOf(call(client, target));

    expect(failure).toMatchObject({ kind: 'missing-scope', scope, status: 401 });
    expect(failure.message).toContain(scope);
    // findByTitle asks pages and blog posts at once.
    expect(server.requests).toHaveLength(name === 'findByTitle' ? 2 : 1);
  });

  it.each<[string, FakeResponse]>([
    ['the header alone', { status: 401, headers: SCOPE_CHECK_HEADER }],
    ['the header in other case', { status: 401, headers: { 'x-failure-category': 'failure_client_scope_check' } }],
    ['the body alone', { status: 401, body: SCOPE_MISMATCH_BODY }],
  ])('recognises a missing scope from %s', async (_name, response) => {
    server.handle(() => response);

    expect((await failureOf(client.listSpaces(target))).kind).toBe('missing-scope');
  });

  it.each<[string, FakeResponse]>([
    ['no body', { status: 401 }],
    ['a v2 error body', { status: 401, body: { errors: [{ status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized', detail: null }] } }],
    ['a gateway message about something else', { status: 401, body: { code: 401, message: 'Unauthorized' } }],
    ['another failure category', { status: 401, headers: { 'X-Failure-Category': 'FAILURE_CLIENT_AUTH_MISMATCH' } }],
  ])('keeps a plain 401 with %s as unauthorized, without a scope', async (_name, response) => {
    server.handle(() => response);

    const failure = await failureOf(client.getContent(target, { type: 'page', id: '4001' }));

    expect(failure.kind).toBe('unauthorized');
    expect(failure.scope).toBeUndefined();
  });

  it('only reads the scope marker on a 401', async () => {
    server.handle(() => ({ status: 403, body: SCOPE_MISMATCH_BODY, headers: SCOPE_CHECK_HEADER }));

    expect((await failureOf(client.listSpaces(target))).kind).toBe('forbidden');
  });

  it('maps a 409 to conflict on any call', async () => {
    server.handle(() => ({ status: 409 }));

    expect((await failureOf(client.addFooterComment(target, { on: { type: 'page', id: '4001' }, bodyMarkdown: 'x' }))).kind).toBe('conflict');
    expect((await failureOf(client.createContent(target, { spaceId: '98306', type: 'page', title: 'Plans', bodyMarkdown: '' }))).kind).toBe('conflict');
  });
});
