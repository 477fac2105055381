/**
 * `npm run bench:listing`: how long counting every page of a 2,500-page space takes with our path (PageListing.scan,
 * 250 pages a request) against the same cursor walk at the API's default page size (25 a request).
 *
 * Everything runs on this machine: the sandbox on a loopback port, authorized through the 3LO flow over HTTP (consent
 * page, code exchange with the product's OAuthClient, accessible-resources). The figures therefore measure our
 * client and the sandbox, not Atlassian's latency, which is paid once per request and so widens the gap.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { sandboxRequestBodies } from '../web/http/bodyPolicies.js';
import { OAuthClient } from '../services/auth/oauthClient.js';
import type { OAuthProfile } from '../services/auth/types.js';
import { DEFAULT_SCOPES } from '../services/config/config.js';
import { ConfluenceClient } from '../services/confluence/client.js';
import { PageListing } from '../services/confluence/pageListing.js';
import { LocalRecordStore } from '../services/storage/localRecordStore.js';
import type { ConfluenceTarget } from '../services/confluence/types.js';
import { createSandbox } from '../sandbox/index.js';
import { generatedPages } from '../sandbox/seed.js';

const SPACE_KEY = 'BENCH';
/** The homepage plus 2,499 pages under it. */
const PAGES_IN_SPACE = 2500;
const RUNS = 5;
const CLIENT_ID = 'benchmark-app';
/** Never opened: the consent page's redirect is read from its Location header. */
const REDIRECT_URI = 'http://127.0.0.1:9/oauth/callback';

interface Walk {
  pages: number;
  requests: number;
}

interface Contender {
  name: string;
  run: () => Promise<Walk>;
  times: number[];
  last?: Walk;
}

async function main(): Promise<void> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'bench-listing-'));
  const clientSecret = randomBytes(24).toString('base64url');
  const server = restify.createServer();
  server.use(restify.plugins.queryParser());
  server.use(sandboxRequestBodies());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sandbox = await createSandbox({
    records: new LocalRecordStore(path.join(dataDir, 'records')),
    publicUrl: url,
    resolveClient: (clientId) => (clientId === CLIENT_ID ? { secret: clientSecret } : undefined),
    redirectUris: [REDIRECT_URI],
    seed: [{ key: SPACE_KEY, name: 'Benchmark space', description: 'Pages to list.', pages: generatedPages(PAGES_IN_SPACE - 1) }],
  });
  sandbox.mount(server);
  try {
    const target = await authorize(url, clientSecret);
    const space = (await sandbox.listSpaces()).find((candidate) => candidate.key === SPACE_KEY);
    if (space === undefined) throw new Error('the benchmark space was not seeded');
    const client = new ConfluenceClient();
    const listing = new PageListing(client);

    const contenders: Contender[] = [
      {
        name: 'PageListing.scan, limit=250',
        times: [],
        run: async () => {
          const summary = await listing.scan(target, space.id, { windowSize: 10 });
          return { pages: summary.total, requests: summary.requests };
        },
      },
      { name: 'baseline cursor walk, limit=25 (API default)', times: [], run: () => walkAtDefaultPageSize(client, target, space.id) },
    ];

    for (const contender of contenders) await contender.run();
    for (let round = 0; round < RUNS; round++) {
      for (const contender of contenders) {
        const started = performance.now();
        contender.last = await contender.run();
        contender.times.push(performance.now() - started);
      }
    }

    console.log(`Listing a ${PAGES_IN_SPACE}-page space on the sandbox over loopback HTTP; ${RUNS} timed runs each, alternating, after one warm-up run each.`);
    for (const contender of contenders) {
      const walk = contender.last!;
      console.log(
        `${contender.name}: ${walk.pages} pages, ${walk.requests} requests, median ${median(contender.times).toFixed(1)} ms, min ${Math.min(...contender.times).toFixed(1)} ms`,
      );
    }
    const [ours, baseline] = contenders as [Contender, Contender];
    console.log(`baseline / ours: ${(median(baseline.times) / median(ours.times)).toFixed(2)}x by median, ${(baseline.last!.requests / ours.last!.requests).toFixed(0)}x the requests`);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await sandbox.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * The same client, the same checks, only the page size differs: the client follows any relative path of this
 * space's page list as a cursor, so starting from one without `limit` gets the API's default of 25 throughout.
 */
async function walkAtDefaultPageSize(client: ConfluenceClient, target: ConfluenceTarget, spaceId: string): Promise<Walk> {
  let cursor: string | undefined = `/wiki/api/v2/spaces/${spaceId}/pages?sort=title`;
  const walk: Walk = { pages: 0, requests: 0 };
  while (cursor !== undefined) {
    const chunk = await client.listPagesChunk(target, spaceId, cursor);
    walk.requests += 1;
    walk.pages += chunk.pages.length;
    cursor = chunk.next;
  }
  return walk;
}

/** 3LO as a person and the bot do it: consent page, Accept, code exchange, then the sites the token reaches. */
async function authorize(url: string, clientSecret: string): Promise<ConfluenceTarget> {
  const profile: OAuthProfile = {
    name: 'benchmark',
    type: 'custom',
    clientId: CLIENT_ID,
    clientSecret,
    authorizationUrl: `${url}/sandbox/authorize`,
    tokenUrl: `${url}/sandbox/oauth/token`,
    refreshTokenUrl: `${url}/sandbox/oauth/token`,
    scopes: DEFAULT_SCOPES,
    apiUrl: `${url}/sandbox/api`,
  };
  const state = randomBytes(16).toString('base64url');
  const authorizeUrl = new URL(profile.authorizationUrl);
  const query = { audience: 'api.atlassian.com', client_id: CLIENT_ID, scope: profile.scopes.join(' '), redirect_uri: REDIRECT_URI, state, response_type: 'code', prompt: 'consent' };
  for (const [name, value] of Object.entries(query)) authorizeUrl.searchParams.set(name, value);

  const callback = new URL(await acceptOnConsentPage(authorizeUrl.toString()));
  if (callback.searchParams.get('state') !== state) throw new Error('the authorization server returned another state');
  const code = callback.searchParams.get('code');
  if (code === null) throw new Error('the consent page did not return a code');
  const oauth = new OAuthClient();
  const tokens = await oauth.exchangeCode(profile, code, REDIRECT_URI);
  const [site] = await oauth.accessibleResources(profile.apiUrl, tokens.accessToken);
  if (site === undefined) throw new Error('the token reaches no site');
  return { apiUrl: profile.apiUrl, cloudId: site.cloudId, accessToken: tokens.accessToken };
}

async function acceptOnConsentPage(authorizeUrl: string): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const request = /name="request" value="([^"]+)"/.exec(html)?.[1];
  if (page.status !== 200 || action === undefined || request === undefined) throw new Error(`no consent form (status ${page.status})`);
  const response = await fetch(new URL(decodeEntities(action), authorizeUrl), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ request: decodeEntities(request), decision: 'accept' }).toString(),
    redirect: 'manual',
  });
  const location = response.headers.get('location');
  if (location === null) throw new Error(`the consent decision answered ${response.status} without a redirect`);
  return new URL(location, authorizeUrl).toString();
}

function decodeEntities(text: string): string {
  return text.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : 'benchmark failed');
  process.exitCode = 1;
});
