/**
 * v2 cursor pagination (ENDPOINTS.md §3): `_links.next` is relative (`/wiki/api/v2/…?…&cursor=…`) and repeated in a
 * `Link` header with the site base; on the last page both are absent.
 */
import type { Request, Response } from 'restify';
import { BadRequest } from './queryParams.js';

const CURSOR_PREFIX = 'sandbox:';

function encodeCursor(offset: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${offset}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw new BadRequest("Parameter 'cursor' is invalid");
  return offset;
}

export interface Slice<T> {
  results: T[];
  nextCursor?: string;
}

export function slice<T>(items: T[], cursor: string | undefined, limit: number): Slice<T> {
  const offset = cursor === undefined ? 0 : decodeCursor(cursor);
  const results = items.slice(offset, offset + limit);
  const end = offset + results.length;
  return end < items.length ? { results, nextCursor: encodeCursor(end) } : { results };
}

/**
 * Sends `{results, _links}`. `v2Path` is the operation's path below `/wiki/api/v2`; the next link keeps every
 * query parameter of this request (repeated ones too) and replaces the cursor.
 */
export function sendList<T>(req: Request, res: Response, v2Path: string, page: Slice<T>, base: string): void {
  const links: { next?: string; base: string } = { base };
  if (page.nextCursor !== undefined) {
    const params = new URL(req.url ?? '/', 'http://sandbox.invalid').searchParams;
    params.delete('cursor');
    params.set('cursor', page.nextCursor);
    links.next = `/wiki/api/v2${v2Path}?${params.toString()}`;
    res.header('Link', `<${links.next}>; rel="next", <${base}>; rel="base"`);
  }
  res.send(200, { results: page.results, _links: links });
}
