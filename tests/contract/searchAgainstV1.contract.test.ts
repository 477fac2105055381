/**
 * The sandbox's CQL search over HTTP, its 200 bodies validated against `SearchPageResponseSearchResult` of
 * GET /wiki/rest/api/search in Atlassian's v1 document (tests/contract/swagger-v1.v3.json).
 */
import axios from 'axios';
import { ConfluenceClient } from '../../services/confluence/client.js';
import type { SearchHit } from '../../services/confluence/types.js';
import { DEFAULT_SEED, DOCS_SPACE } from '../../sandbox/index.js';
import { generatedPages } from '../../sandbox/seed.js';
import { validateV1Response } from '../helpers/openapiValidator.js';
import { ALL_SCOPES, api, CLOUD_ID, signIn, startSandbox, type Harness } from '../unit/sandbox/sandboxHarness.js';

const SEARCH = '/wiki/rest/api/search';

describe('sandbox CQL search, validated against the official v1 OpenAPI document', () => {
  let harness: Harness;
  let token: string;

  beforeAll(async () => {
    harness = await startSandbox({ seed: [...DEFAULT_SEED, { ...DOCS_SPACE, pages: generatedPages(40) }] });
    token = (await signIn(harness, [...ALL_SCOPES, 'search:confluence'])).access_token;
  });

  afterAll(async () => {
    await harness.close();
  });

  async function get(relative: string): Promise<Record<string, unknown>> {
    const response = await api(`${harness.url}/sandbox/api/ex/confluence/${CLOUD_ID}/wiki${relative}`, token);
    expect(response.status).toBe(200);
    return (await response.json()) as Record<string, unknown>;
  }

  it('answers a first page with results and a next link, and the page it links to, as the document says', async () => {
    const cql = 'type in (page, blogpost) AND text ~ "release notes"';
    const first = await get(`/rest/api/search?${new URLSearchParams({ cql, limit: '3' }).toString()}`);
    expect((first.results as unknown[]).length).toBe(3);
    expect((first._links as { next?: string }).next).toMatch(/^\/rest\/api\/search\?next=true&cursor=/);
    expect(validateV1Response('GET', SEARCH, 200, first)).toEqual([]);

    const second = await get((first._links as { next: string }).next);
    expect(validateV1Response('GET', SEARCH, 200, second)).toEqual([]);
  });

  it('validates an empty result too, and the validator does catch a body that breaks the document', async () => {
    const empty = await get(`/rest/api/search?${new URLSearchParams({ cql: 'title ~ "nothing-like-this"' }).toString()}`);
    expect(empty.results).toEqual([]);
    expect(validateV1Response('GET', SEARCH, 200, empty)).toEqual([]);

    const full = await get(`/rest/api/search?${new URLSearchParams({ cql: 'text ~ "release"', limit: '1' }).toString()}`);
    const [result] = full.results as Array<Record<string, unknown>>;
    const { excerpt: _excerpt, ...withoutExcerpt } = result;
    expect(validateV1Response('GET', SEARCH, 200, { ...full, results: [withoutExcerpt] })).not.toEqual([]);
    expect(validateV1Response('GET', SEARCH, 200, { ...full, totalSize: 'many' })).not.toEqual([]);
  });

  it('is what the client sends and reads: every match once, through the next links, each answer valid', async () => {
    const bodies: unknown[] = [];
    const http = axios.create({ proxy: false });
    http.interceptors.response.use((response) => {
      bodies.push(response.data);
      return response;
    });
    const client = new ConfluenceClient({ http });
    const target = { apiUrl: `${harness.url}/sandbox/api`, cloudId: CLOUD_ID, accessToken: token };
    const hits: SearchHit[] = [];
    let next: string | undefined;
    let requests = 0;
    do {
      const found = await client.searchContent(target, { text: 'Kept for the record', spaceKey: 'docs' }, 5, next);
      hits.push(...found.hits);
      next = found.next;
      requests += 1;
    } while (next !== undefined && requests < 20);
    expect(next).toBeUndefined();
    expect(hits).toHaveLength(40);
    expect(new Set(hits.map((hit) => hit.id)).size).toBe(hits.length);
    expect(hits.every((hit) => hit.spaceKey === 'DOCS' && hit.webUrl.startsWith(`${harness.url}`))).toBe(true);
    expect(hits[0]!.excerpt.some((part) => part.matched)).toBe(true);
    for (const body of bodies) expect(validateV1Response('GET', SEARCH, 200, body)).toEqual([]);

    // Typed text that looks like CQL is searched as words, inside the space asked for.
    const injected = await client.searchContent(target, { text: 'x" OR space = "ENG', spaceKey: 'DOCS' }, 5);
    expect(injected.hits.every((hit) => hit.spaceKey === 'DOCS')).toBe(true);
  });
});

