/**
 * The `listing` scenario: the BIG space listed through the bot ("list pages in BIG": its first answer comes once it
 * has walked every page through cursor pagination) against a raw HTTP loop in this process that fetches the same
 * pages from the same sandbox (plain fetch, a token of the same app got through the same consent page, the same
 * limit=250&sort=title, following `_links.next`). Wall time: the bot's from the message sent to the answer that
 * names the page count; the loop's from its first request to its last answer. Requests: counted by the sandbox.
 */
import { performance } from 'node:perf_hooks';
import { decideOnConsentPage, followRedirect } from '../../replay/browserSignIn.js';
import { signInLinkOf, TimedChannel, textsOf } from '../../load/timedChannel.js';
import { inRoundOrder, type Running } from '../contenders.js';
import { BENCH_CLIENT_ID, pageListRequests, RAW_LOOP_REDIRECT_URI, type Sandboxed } from '../sandboxed.js';

export interface ListingRun {
  wallMs: number;
  requests: number;
  pages: number;
}

const LISTING_TIMEOUT_MS = 180_000;
const PAGE_LIMIT = 250;
export const RAW_LOOP = 'raw loop';

export async function runListing(sandboxed: Sandboxed, settings: { rounds: number }, log: (line: string) => void): Promise<Record<string, ListingRun[]>> {
  const readers = new Map<Running, TimedChannel>();
  try {
    const raw = await rawLoopTarget(sandboxed);
    // The first listing signs the user in (not timed) and warms the bot's code up; the loop gets one warm-up too.
    for (const bot of sandboxed.bots) {
      const reader = new TimedChannel(bot.url);
      await reader.start();
      readers.set(bot, reader);
      await signInAndList(reader);
    }
    await rawLoop(raw);
    const contenders: Array<{ name: string; run: () => Promise<ListingRun> }> = [
      ...sandboxed.bots.map((bot) => ({ name: bot.contender.name, run: () => listThroughBot(readers.get(bot)!, sandboxed.sandboxUrl) })),
      { name: RAW_LOOP, run: () => counted(sandboxed.sandboxUrl, () => rawLoop(raw)) },
    ];
    const figures: Record<string, ListingRun[]> = Object.fromEntries(contenders.map((contender) => [contender.name, []]));
    for (let round = 0; round < settings.rounds; round += 1) {
      const line: string[] = [];
      for (const contender of inRoundOrder(contenders, round)) {
        const run = await contender.run();
        figures[contender.name]!.push(run);
        line.push(`${contender.name} ${run.pages} pages in ${Math.round(run.wallMs)} ms, ${run.requests} requests`);
      }
      log(`  listing round ${round + 1}: ${line.join('; ')}`);
    }
    return figures;
  } finally {
    for (const reader of readers.values()) await reader.stop();
  }
}

const LISTED = /has ([\d,]+) pages?\./;

async function listThroughBot(reader: TimedChannel, sandboxUrl: string): Promise<ListingRun> {
  return counted(sandboxUrl, async () => {
    const from = reader.received.length;
    const sent = performance.now();
    const posted = reader.post({ type: 'message', text: 'list pages in BIG' });
    const answer = await reader.waitUntil(from, (arrived) => LISTED.test(textsOf(arrived)), LISTING_TIMEOUT_MS, 'the page count');
    if ((await posted) >= 300) throw new Error('/api/messages refused the listing');
    return { wallMs: answer.at - sent, pages: Number(LISTED.exec(textsOf(answer.activities))![1]!.replace(/,/g, '')) };
  });
}

/** Asks for the listing, signs in through the consent page like a browser, and waits for the listing after it. */
async function signInAndList(reader: TimedChannel): Promise<void> {
  const from = reader.received.length;
  await reader.post({ type: 'message', text: 'list pages in BIG' });
  const card = await reader.waitUntil(from, (arrived) => /Sign in to Confluence/.test(textsOf(arrived)), 30_000, 'the sign-in card');
  const callback = await fetch(await decideOnConsentPage(await followRedirect(signInLinkOf(card.activities)), 'accept'));
  await callback.arrayBuffer();
  if (callback.status !== 200) throw new Error(`the OAuth callback answered ${callback.status}`);
  await reader.waitUntil(from, (arrived) => LISTED.test(textsOf(arrived)), LISTING_TIMEOUT_MS, 'the page count after signing in');
}

async function counted(sandboxUrl: string, list: () => Promise<Omit<ListingRun, 'requests'>>): Promise<ListingRun> {
  const before = await pageListRequests(sandboxUrl);
  const run = await list();
  return { ...run, requests: (await pageListRequests(sandboxUrl)) - before };
}

interface PageList {
  results: unknown[];
  _links?: { next?: string };
}

interface RawTarget {
  siteBase: string;
  spaceId: string;
  token: string;
}

async function rawLoop(target: RawTarget): Promise<Omit<ListingRun, 'requests'>> {
  const started = performance.now();
  let next: string | undefined = `/wiki/api/v2/spaces/${target.spaceId}/pages?limit=${PAGE_LIMIT}&sort=title`;
  let pages = 0;
  while (next !== undefined) {
    const body: PageList = await getJson<PageList>(`${target.siteBase}${next}`, target.token);
    pages += body.results.length;
    next = body._links?.next;
  }
  return { wallMs: performance.now() - started, pages };
}

/** The loop's own token: the bench app's consent page, accepted, and the code exchanged, as any OAuth client does. */
async function rawLoopTarget(sandboxed: Sandboxed): Promise<RawTarget> {
  const authorize = new URL(`${sandboxed.sandboxUrl}/sandbox/authorize`);
  const query = {
    audience: 'api.atlassian.com',
    client_id: BENCH_CLIENT_ID,
    scope: 'read:space:confluence read:page:confluence offline_access',
    redirect_uri: RAW_LOOP_REDIRECT_URI,
    state: 'bench',
    response_type: 'code',
    prompt: 'consent',
  };
  for (const [name, value] of Object.entries(query)) authorize.searchParams.set(name, value);
  const code = new URL(await decideOnConsentPage(authorize.toString(), 'accept')).searchParams.get('code');
  if (code === null) throw new Error('the consent page gave the raw loop no code');
  const exchanged = await fetch(`${sandboxed.sandboxUrl}/sandbox/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ grant_type: 'authorization_code', client_id: BENCH_CLIENT_ID, client_secret: sandboxed.clientSecret, code, redirect_uri: RAW_LOOP_REDIRECT_URI }),
  });
  const { access_token: token } = (await exchanged.json()) as { access_token: string };
  const api = `${sandboxed.sandboxUrl}/sandbox/api`;
  const [site] = await getJson<Array<{ id: string }>>(`${api}/oauth/token/accessible-resources`, token);
  const siteBase = `${api}/ex/confluence/${site!.id}`;
  const spaces = await getJson<{ results: Array<{ id: string }> }>(`${siteBase}/wiki/api/v2/spaces?keys=BIG`, token);
  return { siteBase, spaceId: spaces.results[0]!.id, token };
}

async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
  if (response.status !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${response.status}`);
  return (await response.json()) as T;
}
