/**
 * "Which pages does this space have?", in the order a person expects ("part 2" before "part 10", "éclair" next to
 * "eclair"), with bounded state between turns. Confluence sorts titles by code point, so the order is ours: a scan
 * walks every chunk once, holding only the title and id of each match for as long as it runs (to rank them), and
 * returns what the first answer shows (the count and the first window) plus one small bookmark per chunk that
 * holds a match: its cursor and the lowest and highest rank of its matches. A later window is fetched again from
 * the chunks whose rank span reaches it (one request when the two orders agree, as they mostly do), and the
 * bookmarks are plain JSON so the dialog can keep them in its state between turns.
 */
import { z } from 'zod';
import { ConfluenceError } from './errors.js';
import type { ConfluenceApi, ConfluenceTarget, PageSummary } from './types.js';

/** Where a chunk that has matches starts, and the span of ranks (0-based, in title order) its matches hold. */
export interface ListingBookmark {
  /** The cursor that fetched the chunk; absent for the first chunk. */
  cursor?: string;
  firstRank: number;
  lastRank: number;
}

/** What places a page in the order: its title, then its id when two titles compare equal. */
export type PageKey = Pick<PageSummary, 'id' | 'title'>;

export interface PageListingSummary {
  /** Every page of the space. */
  total: number;
  /** Pages whose title matches the filter (all of them without a filter). */
  matched: number;
  /** The first `windowSize` matches, in title order (titleOrder). */
  firstPages: PageSummary[];
  /** In Confluence's order of the chunks, one per chunk that has matches; pass them to `window` for later matches. */
  bookmarks: ListingBookmark[];
  /** HTTP requests the scan made. */
  requests: number;
}

export interface ScanOptions {
  filter?: string;
  windowSize: number;
  /** The reader's locale (BCP 47) for the title order; pass the same one to `window`. */
  locale?: string;
  /** Called after every chunk with the number of pages fetched so far; awaited, so it may send a message. */
  onProgress?: (fetched: number) => void | Promise<void>;
}

export interface WindowOptions {
  filter?: string;
  offset: number;
  size: number;
  /** The match at `offset - 1` (the last one shown); required when `offset` > 0. */
  after?: PageKey;
  locale?: string;
}

export interface PageListingOptions {
  /** Stops a server that keeps handing out cursors; the default allows 500,000 pages at 250 a request. */
  maxRequests?: number;
}

/** For reading bookmarks back from stored dialog state. */
export const listingBookmarksSchema = z.array(
  z.object({ cursor: z.string().min(1).optional(), firstRank: z.number().int().nonnegative(), lastRank: z.number().int().nonnegative() }),
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

  /** Walks every chunk once; ranks the matches by title and keeps the first `windowSize` plus one bookmark per chunk. */
  async scan(target: ConfluenceTarget, spaceId: string, options: ScanOptions): Promise<PageListingSummary> {
    const matches = titleMatcher(options.filter);
    let total = 0;
    let requests = 0;
    const cursors: Array<string | undefined> = [];
    // Only while the scan runs: what ranking needs (title, id, chunk), not the pages themselves.
    const found: Array<{ key: PageKey; chunk: number }> = [];
    const order = titleOrder(options.locale);
    const firstPages = new LowestPages(options.windowSize, order);
    let cursor: string | undefined;
    do {
      if (requests >= this.maxRequests) {
        throw new ConfluenceError('unavailable', `Confluence kept sending next links after ${requests} requests (list pages)`);
      }
      const chunk = await this.api.listPagesChunk(target, spaceId, cursor);
      requests += 1;
      const index = cursors.push(cursor) - 1;
      for (const page of chunk.pages) {
        if (!matches(page.title)) continue;
        found.push({ key: { id: page.id, title: page.title }, chunk: index });
        firstPages.offer(page);
      }
      total += chunk.pages.length;
      await options.onProgress?.(total);
      if (chunk.next !== undefined && chunk.next === cursor) {
        throw new ConfluenceError('unavailable', 'Confluence sent the same next link twice (list pages)');
      }
      cursor = chunk.next;
    } while (cursor !== undefined);
    found.sort((a, b) => order(a.key, b.key));
    const spans = new Map<number, ListingBookmark>();
    found.forEach(({ chunk }, rank) => {
      const span = spans.get(chunk);
      if (span) span.lastRank = rank;
      else spans.set(chunk, bookmark(cursors[chunk], rank));
    });
    return {
      total,
      matched: found.length,
      firstPages: firstPages.inOrder(),
      bookmarks: [...spans.entries()].sort(([a], [b]) => a - b).map(([, span]) => span),
      requests,
    };
  }

  /**
   * Matches [offset, offset+size) in title order: fetches only the chunks whose rank span reaches the window (one
   * when Confluence's order and ours agree there) and keeps the `size` lowest matches after `after`.
   */
  async window(target: ConfluenceTarget, spaceId: string, bookmarks: ListingBookmark[], options: WindowOptions): Promise<PageSummary[]> {
    const { offset, size, after } = options;
    if (!(size > 0) || !(offset >= 0)) return [];
    if (offset > 0 && after === undefined) throw new Error('PageListing.window: a window after the first needs `after`');
    const matches = titleMatcher(options.filter);
    const order = titleOrder(options.locale);
    const last = offset + size - 1;
    const kept = new LowestPages(size, order);
    for (const mark of bookmarks) {
      if (mark.lastRank < offset || mark.firstRank > last) continue;
      const chunk = await this.api.listPagesChunk(target, spaceId, mark.cursor);
      for (const page of chunk.pages) {
        if (!matches(page.title) || (after !== undefined && order(page, after) <= 0)) continue;
        kept.offer(page);
      }
    }
    return kept.inOrder();
  }
}

/**
 * The order people expect of titles: natural ("part 2" before "part 10"), by letters whatever their case or
 * accents, in the reader's locale; equal titles by id so that the order is total and a window never repeats a page.
 */
export function titleOrder(locale?: string): (a: PageKey, b: PageKey) => number {
  const collator = new Intl.Collator(supportedLocale(locale), { numeric: true, sensitivity: 'base' });
  return (a, b) => collator.compare(a.title, b.title) || codePointOrder(a.title, b.title) || idOrder(a.id, b.id);
}

/** A channel's locale is whatever the client sent ("en-US", "xx", garbage): an unknown one falls back to English. */
function supportedLocale(locale: string | undefined): string {
  if (locale === undefined) return 'en';
  try {
    return Intl.Collator.supportedLocalesOf([locale])[0] ?? 'en';
  } catch {
    return 'en';
  }
}

function codePointOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Confluence ids are decimal numbers: compare them as numbers when they are, so 9 comes before 10. */
function idOrder(a: string, b: string): number {
  return a.length - b.length || codePointOrder(a, b);
}

/**
 * The `limit` lowest pages seen so far. A new page is compared with the highest kept one only, which is looked for
 * again (a window is small) just when it is replaced: over a 10,000-page scan, one comparison per page instead of
 * one per kept page.
 */
class LowestPages {
  private readonly pages = new Map<string, PageSummary>();
  private highest: PageSummary | undefined;

  constructor(
    private readonly limit: number,
    private readonly order: (a: PageKey, b: PageKey) => number,
  ) {}

  offer(page: PageSummary): void {
    if (this.limit <= 0 || this.pages.has(page.id)) return;
    if (this.pages.size < this.limit) {
      this.pages.set(page.id, page);
      if (this.highest === undefined || this.order(page, this.highest) > 0) this.highest = page;
      return;
    }
    if (this.order(page, this.highest!) >= 0) return;
    this.pages.delete(this.highest!.id);
    this.pages.set(page.id, page);
    this.highest = undefined;
    for (const kept of this.pages.values()) if (this.highest === undefined || this.order(kept, this.highest) > 0) this.highest = kept;
  }

  inOrder(): PageSummary[] {
    return [...this.pages.values()].sort(this.order);
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
function bookmark(cursor: string | undefined, rank: number): ListingBookmark {
  return cursor === undefined ? { firstRank: rank, lastRank: rank } : { cursor, firstRank: rank, lastRank: rank };
}
