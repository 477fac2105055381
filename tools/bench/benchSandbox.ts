/**
 * The Confluence sandbox on a process of its own for `npm run bench`: the standalone one (`npm run sandbox`, its
 * default seed with the 3,000-page DOCS, which the pages scenario searches) with one more space, BIG, of
 * BENCH_BIG_PAGES pages (default 10,000), and a count of the page-list requests it served, so the bot's listing and
 * the raw HTTP loop are counted by the same server. Running it apart from the bot keeps the bot's CPU its own: the
 * embedded sandbox would add the work of serving Confluence to it.
 *
 * Settings (environment): BENCH_SANDBOX_PORT, BENCH_CLIENT_SECRET (the one app, BENCH_CLIENT_ID), BENCH_REDIRECT_URIS
 * (comma-separated), BENCH_DATA_DIR, BENCH_BIG_PAGES. GET /bench/page-list-requests answers the count so far.
 */
import path from 'node:path';
import restify from 'restify';
import { createSandbox } from '../../sandbox/index.js';
import { generatedPages, SEED_WITH_DOCS } from '../../sandbox/seed.js';
import { LocalRecordStore } from '../../services/storage/localRecordStore.js';
import { sandboxRequestBodies } from '../../web/http/bodyPolicies.js';

const env = process.env;
const port = Number(env.BENCH_SANDBOX_PORT ?? 0);
const url = `http://127.0.0.1:${port}`;
const clientId = env.BENCH_CLIENT_ID ?? 'bench-bot';
const secret = env.BENCH_CLIENT_SECRET ?? '';
const bigPages = Number(env.BENCH_BIG_PAGES ?? 10_000);

let pageListRequests = 0;
const server = restify.createServer();
server.pre((req, _res, next) => {
  if (req.method === 'GET' && /\/wiki\/api\/v2\/spaces\/[^/]+\/pages/.test(req.url ?? '')) pageListRequests += 1;
  next();
});
server.use(restify.plugins.queryParser());
server.use(sandboxRequestBodies());
server.get('/bench/page-list-requests', async (_req, res) => {
  res.json(200, { pageListRequests });
});

const sandbox = await createSandbox({
  records: new LocalRecordStore(path.join(env.BENCH_DATA_DIR ?? '.', 'records')),
  publicUrl: url,
  resolveClient: (id) => (id === clientId ? { secret, name: 'Confluence assistant' } : undefined),
  redirectUris: (env.BENCH_REDIRECT_URIS ?? '').split(',').filter(Boolean),
  // The homepage counts as a page of the space: BIG holds exactly bigPages.
  seed: [...SEED_WITH_DOCS, { key: 'BIG', name: 'Big space', description: 'Pages to list.', pages: generatedPages(bigPages - 1) }],
});
sandbox.mount(server);
server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ msg: 'bench sandbox listening', url }));
});

process.once('SIGTERM', () => {
  void sandbox.close().finally(() => process.exit(0));
});
