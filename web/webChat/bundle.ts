/**
 * Serves Web Chat's full browser bundle (`botframework-webchat/dist/webchat.js`) from node_modules, so the page
 * needs no CDN. The file is read and gzipped once, on first request, and cached by browsers for a year: the page
 * asks for it with the package version in the query, so an upgrade changes the URL.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { Request, Response, Server } from 'restify';

export const WEBCHAT_SCRIPT_PATH = '/webchat/webchat.js';

interface WebChatPackage {
  version: string;
  bundlePath: string;
}

/** Where npm put botframework-webchat, found the way Node resolves it (its `exports` hide dist/ from require). */
export function locateWebChat(): WebChatPackage {
  const require = createRequire(import.meta.url);
  let dir = path.dirname(require.resolve('botframework-webchat'));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string; version?: string };
      if (name === 'botframework-webchat') return { version: version ?? '0', bundlePath: path.join(dir, 'dist', 'webchat.js') };
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('botframework-webchat is not installed (run npm install)');
    dir = parent;
  }
}

export function mountWebChatBundle(server: Server, webChat: WebChatPackage): void {
  let files: Promise<{ plain: Buffer; gzipped: Buffer }> | undefined;
  const load = () =>
    (files ??= readFile(webChat.bundlePath).then(async (plain) => ({ plain, gzipped: await promisify(gzip)(plain) })));
  const etag = `"webchat-${webChat.version}"`;

  server.get(WEBCHAT_SCRIPT_PATH, async (req: Request, res: Response) => {
    const headers: Record<string, string> = {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      ETag: etag,
      Vary: 'Accept-Encoding',
      'X-Content-Type-Options': 'nosniff',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const { plain, gzipped } = await load();
    const acceptsGzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = acceptsGzip ? gzipped : plain;
    res.writeHead(200, { ...headers, ...(acceptsGzip ? { 'Content-Encoding': 'gzip' } : {}), 'Content-Length': String(body.length) });
    res.end(body);
  });
}
