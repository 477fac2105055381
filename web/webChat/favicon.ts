/**
 * `/favicon.ico`, which every browser asks for: the Teams app's colour icon (appPackage/color.png, a 192×192 PNG of
 * 1.4 KB). Browsers take a PNG at that path whatever its name says. Read once at start-up, cached for a day.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Request, Response, Server } from 'restify';
import type { Logger } from '../../services/logging/logger.js';

export const FAVICON_PATH = '/favicon.ico';
const ICON = path.join('appPackage', 'color.png');

/** appPackage/ sits at the project's root: two folders up from this file's source, three from its build in dist/. */
function locateIcon(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = path.join(dir, ICON);
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  return undefined;
}

export function mountFavicon(server: Server, logger: Logger): void {
  const file = locateIcon();
  if (file === undefined) {
    // Not worth failing a start for: the browser shows its default icon, as before.
    logger.warn(`${ICON} is missing, so ${FAVICON_PATH} answers 404; restore it from the repository to give the page its icon.`);
    return;
  }
  const icon = readFileSync(file);
  const etag = `"${createHash('sha256').update(icon).digest('base64url').slice(0, 22)}"`;
  const headers = { 'Content-Type': 'image/png', 'Cache-Control': 'public, max-age=86400', ETag: etag };
  const serve = (withBody: boolean) => async (req: Request, res: Response) => {
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Length': String(icon.length) });
    res.end(withBody ? icon : undefined);
  };
  server.get(FAVICON_PATH, serve(true));
  server.head(FAVICON_PATH, serve(false));
}
