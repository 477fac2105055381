/**
 * The contract test: the real Confluence client talks to the sandbox over HTTP, and every request it sends and
 * every response the sandbox returns is validated against Atlassian's official OpenAPI document (v2).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { ConfluenceError } from '../../services/confluence/errors.js';
import type { ConfluenceTarget } from '../../services/confluence/types.js';
import { DEFAULT_SANDBOX_CLOUD_ID } from '../../sandbox/index.js';
import { validateRequestBody, validateResponse } from '../helpers/openapiValidator.js';
import { createWorld, World } from '../helpers/world.js';

interface Exchange {
  method: string;
  template: string;
  requestBody: unknown;
  status: number;
  responseBody: unknown;
}

const specPaths = Object.keys(
  (JSON.parse(readFileSync(path.resolve('tests/contract/openapi-v2.v3.json'), 'utf8')) as { paths: Record<string, unknown> }).paths,
);

/** The spec path (`/spaces/{id}/pages`) a concrete URL (`…/wiki/api/v2/spaces/123/pages?limit=250`) is an instance of. */
function templateOf(url: string): string {
  const pathname = new URL(url).pathname.replace(/^.*\/wiki\/api\/v2/, '');
  const template = specPaths.find((candidate) => new RegExp(`^${candidate.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(pathname));
  if (!template) throw new Error(`the client called ${pathname}, which the v2 document does not describe`);
  return template;
}

describe('Confluence client ⇄ sandbox, validated against the official v2 OpenAPI document', () => {
  let world: World;
  let target: ConfluenceTarget;
  const exchanges: Exchange[] = [];
  let client: ConfluenceClient;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
    const connection = await world.auth.getConnection({ channelId: 'test', userId: 'contract' });
    if (connection.status !== 'connected') throw new Error('not connected');
    target = { apiUrl: connection.apiUrl, cloudId: DEFAULT_SANDBOX_CLOUD_ID, accessToken: connection.accessToken };

    const http = axios.create({ proxy: false });
    http.interceptors.response.use(
      (response) => {
        exchanges.push({
          method: response.config.method!.toUpperCase(),
          template: templateOf(response.config.baseURL ? new URL(response.config.url!, response.config.baseURL).toString() : response.config.url!),
          requestBody: response.config.data === undefined ? undefined : JSON.parse(response.config.data as string),
          status: response.status,
          responseBody: response.data,
        });
        return response;
      },
      (error: unknown) => Promise.reject(error),
    );
    client = new ConfluenceClient({ http });
  });

  afterAll(async () => {
    await world.close();
  });

  it('sends valid requests and gets valid responses on every operation the bot uses', async () => {
    const spaces = await client.listSpaces(target);
    expect(spaces.map((s) => s.key)).toEqual(expect.arrayContaining(['DEMO', 'ENG']));
    const demo = await client.getSpaceByKey(target, 'demo');
    expect(demo?.key).toBe('DEMO');
    expect(await client.titleExists(target, demo!.id, 'page', 'Contract page')).toBe(false);
    await client.createContent(target, { spaceId: demo!.id, type: 'page', title: 'Contract page', bodyMarkdown: '*hi*' });
    expect(await client.titleExists(target, demo!.id, 'page', 'Contract page')).toBe(true);
    await client.createContent(target, { spaceId: demo!.id, type: 'blogpost', title: 'Contract post', bodyMarkdown: '' });
    expect(await client.titleExists(target, demo!.id, 'blogpost', 'Contract post')).toBe(true);
    await expect(
      client.createContent(target, { spaceId: demo!.id, type: 'page', title: 'Contract page', bodyMarkdown: '' }),
    ).rejects.toMatchObject({ kind: 'duplicate-title' } satisfies Partial<ConfluenceError>);

    expect(await client.createRights(target, demo!.id)).toEqual({ page: true, blogpost: true });
    // The sandbox user can read ARCHIVE but not add to it; Confluence then refuses a create with 404.
    const archive = await client.getSpaceByKey(target, 'ARCHIVE');
    expect(await client.createRights(target, archive!.id)).toEqual({ page: false, blogpost: false });
    await expect(
      client.createContent(target, { spaceId: archive!.id, type: 'page', title: 'Not here', bodyMarkdown: '' }),
    ).rejects.toMatchObject({ kind: 'not-found' } satisfies Partial<ConfluenceError>);
    await expect(client.createRights(target, '999999999')).rejects.toMatchObject({ kind: 'not-found' } satisfies Partial<ConfluenceError>);

    expect(exchanges.map((e) => `${e.method} ${e.template}`)).toEqual(
      expect.arrayContaining(['GET /spaces', 'GET /pages', 'POST /pages', 'GET /blogposts', 'POST /blogposts', 'GET /spaces/{id}/operations']),
    );
    expectEveryExchangeValid();
  });

  it('reads, comments on and adds to pages and blog posts with valid requests and responses', async () => {
    exchanges.length = 0;
    const eng = await client.getSpaceByKey(target, 'ENG');
    const [runbook] = await client.findByTitle(target, eng!.id, 'Runbook');
    const [notes] = await client.findByTitle(target, eng!.id, 'Release notes');
    expect(notes).toMatchObject({ type: 'blogpost', title: 'Release notes' });

    for (const ref of [runbook!, notes!]) {
      const read = await client.getContent(target, ref);
      expect(read).toMatchObject({ id: ref.id, type: ref.type, version: { number: 1 } });
      const names = await client.userNames(target, [read.authorId!, read.authorId!, 'unknown-account']);
      expect([...names.values()]).toEqual(['Sandbox User']);
      const comment = await client.addFooterComment(target, { on: ref, bodyMarkdown: 'Checked by the **contract** test.' });
      expect(comment.webUrl).toMatch(/^http:\/\/localhost:\d+\/sandbox\/wiki\/.+focusedCommentId=/);
      const recent = await client.recentComments(target, ref, 3);
      expect(recent).toEqual({ comments: [expect.objectContaining({ id: comment.id, storage: expect.stringContaining('<strong>contract</strong>') })], more: false });
      const appended = await client.appendToContent(target, { base: read, additionMarkdown: '- one more line', message: 'Added from chat' });
      expect(appended.version).toBe(2);
      // The same base again is a stale version: Confluence's 409, and nothing overwritten.
      await expect(client.appendToContent(target, { base: read, additionMarkdown: 'stale', message: 'Added from chat' })).rejects.toMatchObject({
        kind: 'conflict',
      } satisfies Partial<ConfluenceError>);
      expect((await client.getContent(target, ref)).storage).toBe(`${read.storage}<ul>\n<li>one more line</li>\n</ul>`);
    }

    expect(new Set(exchanges.map((e) => `${e.method} ${e.template} ${e.status}`))).toEqual(
      new Set([
        'GET /spaces 200',
        'GET /pages 200',
        'GET /blogposts 200',
        'GET /pages/{id} 200',
        'GET /blogposts/{id} 200',
        'POST /users-bulk 200',
        'POST /footer-comments 201',
        'GET /pages/{id}/footer-comments 200',
        'GET /blogposts/{id}/footer-comments 200',
        'PUT /pages/{id} 200',
        'PUT /blogposts/{id} 200',
        'PUT /pages/{id} 409',
        'PUT /blogposts/{id} 409',
      ]),
    );
    expectEveryExchangeValid();
  });

  function expectEveryExchangeValid(): void {
    for (const exchange of exchanges) {
      // The document lists no 409 for an update; the answer is Confluence's observed one (sandbox/updateContent.ts).
      if (exchange.method === 'PUT' && exchange.status === 409) {
        expect(exchange.responseBody).toMatchObject({ errors: [{ status: 409, code: 'CONFLICT', title: expect.stringMatching(/^Version must be incremented/) }] });
        continue;
      }
      if (exchange.requestBody !== undefined) {
        expect({ [`${exchange.method} ${exchange.template} request`]: validateRequestBody(exchange.method, exchange.template, exchange.requestBody) }).toEqual({
          [`${exchange.method} ${exchange.template} request`]: [],
        });
      }
      expect({ [`${exchange.method} ${exchange.template} ${exchange.status}`]: validateResponse(exchange.method, exchange.template, exchange.status, exchange.responseBody) }).toEqual({
        [`${exchange.method} ${exchange.template} ${exchange.status}`]: [],
      });
    }
  }
});
