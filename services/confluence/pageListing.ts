/**
 * "Which pages does this space have?" in bounded memory. A space can hold tens of thousands of pages, so a scan
 * walks every chunk once but keeps only what the first answer shows (the count and the first window of titles)
 * plus one bookmark per chunk that holds a match. Any later window is fetched again from the bookmarks, which are
 * plain JSON so the dialog can keep them in its state between turns.
 */
import { z } from 'zod';
import { ConfluenceError } from './errors.js';
import type { ConfluenceApi, ConfluenceTarget, PageSummary } from './types.js';

/** Where a chunk that has matches starts, and how many matches precede it. */
export interface ListingBookmark {
  /** The cursor that fetched the chunk; absent for the first chunk. */
  cursor?: string;
  matchedBefore: number;
}

export interface PageListingSummary {
  /** Every page of the space. */
  total: number;
  /** Pages whose title matches the filter (all of them without a filter). */
  matched: number;
  /** The first `windowSize` matches, in title order. */
  firstPages: PageSummary[];
  /** Ascending by `matchedBefore`; pass them to `window` for later matches. */
  bookmarks: ListingBookmark[];
  /** HTTP requests the scan made. */
  requests: number;
}

export interface ScanOptions {
  filter?: string;
  windowSize: number;
  /** Called after every chunk with the number of pages fetched so far; awaited, so it may send a message. */
  onProgress?: (fetched: number) => void | Promise<void>;
}

export interface WindowOptions {
  filter?: string;
  offset: number;
  size: number;
}

export interface PageListingOptions {
  /** Stops a server that keeps handing out cursors; the default allows 500,000 pages at 250 a request. */
  maxRequests?: number;
}

/** For reading bookmarks back from stored dialog state. */
export const listingBookmarksSchema = z.array(
  z.object({ cursor: z.string().min(1).optional(), matchedBefore: z.number().int().nonnegative() }),
);

const DEFAULT_MAX_REQUESTS = 2000;

export class PageListing {
  private readonly maxRequests: number;

  constructor(
    private readonly api: Pick<ConfluenceApi, 'listPagesChunk'>,
    options: PageListingOptions = {},
  ) {
    this.maxRequests = options.maxRequests ?? DEFAULT_MAX_REQUESTS;
  }

  /** Walks every chunk once. Keeps only the first `windowSize` matches plus one bookmark per chunk that has matches. */
  async scan(target: ConfluenceTarget, spaceId: string, options: ScanOptions): Promise<PageListingSummary> {
    const matches = titleMatcher(options.filter);
    const summary: PageListingSummary = { total: 0, matched: 0, firstPages: [], bookmarks: [], requests: 0 };
    let cursor: string | undefined;
    do {
      if (summary.requests >= this.maxRequests) {
        throw new ConfluenceError('unavailable', `Confluence kept sending next links after ${summary.requests} requests (list pages)`);
      }
      const chunk = await this.api.listPagesChunk(target, spaceId, cursor);
      summary.requests += 1;
      let matchedHere = 0;
      for (const page of chunk.pages) {
        if (!matches(page.title)) continue;
        if (matchedHere === 0) summary.bookmarks.push(bookmark(cursor, summary.matched));
        if (summary.firstPages.length < options.windowSize) summary.firstPages.push(page);
        matchedHere += 1;
        summary.matched += 1;
      }
      summary.total += chunk.pages.length;
      await options.onProgress?.(summary.total);
      if (chunk.next !== undefined && chunk.next === cursor) {
        throw new ConfluenceError('unavailable', 'Confluence sent the same next link twice (list pages)');
      }
      cursor = chunk.next;
    } while (cursor !== undefined);
    return summary;
  }

  /** Matches [offset, offset+size) using the bookmarks: fetches only the chunk(s) holding them (one or two requests). */
  async window(target: ConfluenceTarget, spaceId: string, bookmarks: ListingBookmark[], options: WindowOptions): Promise<PageSummary[]> {
    const { offset, size } = options;
    if (!(size > 0) || !(offset >= 0)) return [];
    const matches = titleMatcher(options.filter);
    const start = findLastIndex(bookmarks, (candidate) => candidate.matchedBefore <= offset);
    const pages: PageSummary[] = [];
    for (let index = Math.max(start, 0); start >= 0 && index < bookmarks.length && pages.length < size; index++) {
      const mark = bookmarks[index]!;
      const chunk = await this.api.listPagesChunk(target, spaceId, mark.cursor);
      let position = mark.matchedBefore;
      for (const page of chunk.pages) {
        if (!matches(page.title)) continue;
        if (position >= offset && pages.length < size) pages.push(page);
        position += 1;
      }
    }
    return pages;
  }
}

/** Case-insensitive; every word of the filter appears in the title (words split on whitespace); no filter → true. */
export function titleMatches(title: string, filter?: string): boolean {
  return titleMatcher(filter)(title);
}

/** The filter is split once, not once per title: a scan tests thousands of titles against it. */
function titleMatcher(filter: string | undefined): (title: string) => boolean {
  const words = (filter ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) return () => true;
  return (title) => {
    const lower = title.toLowerCase();
    return words.every((word) => lower.includes(word));
  };
}

/** Without a `cursor` key at all for the first chunk, so the bookmark survives a JSON round trip unchanged. */
function bookmark(cursor: string | undefined, matchedBefore: number): ListingBookmark {
  return cursor === undefined ? { matchedBefore } : { cursor, matchedBefore };
}

function findLastIndex<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index--) if (predicate(items[index]!)) return index;
  return -1;
}
