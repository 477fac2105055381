/**
 * The page a title means. In a named space, v2's exact title filter answers; anywhere else (or when nothing there
 * has that exact title) Confluence's search finds the pages with those words, and a title equal but for case and
 * spacing counts as exact. Without the search permission the exact look-up still works.
 */
import { ConfluenceError } from './failures.js';
import type { ConfluenceApi, ConfluenceTarget, SearchHit, Space } from '../services/confluence/types.js';
import type { PageChoice } from './pageDraft.js';

export interface PageLookup {
  /** Pages and blog posts with the title itself. */
  exact: PageChoice[];
  /** When none has it: the best few search results for its words, to offer. */
  close: PageChoice[];
}

/** How many search results are compared with the title, and how many are offered when none has it. */
const COMPARED = 25;
const OFFERED = 5;

export async function lookUpPage(api: ConfluenceApi, target: ConfluenceTarget, title: string, space?: Space): Promise<PageLookup> {
  if (space !== undefined) {
    const exact = await api.findByTitle(target, space.id, title);
    if (exact.length > 0) {
      return { exact: exact.map((page) => ({ type: page.type, id: page.id, title: page.title, spaceKey: space.key, spaceName: space.name, webUrl: page.webUrl })), close: [] };
    }
  }
  const hits = await searchQuietly(api, target, title, space?.key);
  const wanted = comparable(title);
  const exact = hits.filter((hit) => comparable(hit.title) === wanted).map(toChoice);
  return exact.length > 0 ? { exact, close: [] } : { exact: [], close: hits.slice(0, OFFERED).map(toChoice) };
}

/**
 * The search results for the title's words; none when there is nothing to search for, or, in a named space whose
 * exact look-up already answered, no permission to search or no search at all.
 */
async function searchQuietly(api: ConfluenceApi, target: ConfluenceTarget, title: string, spaceKey: string | undefined): Promise<SearchHit[]> {
  try {
    return (await api.searchContent(target, { text: title, ...(spaceKey ? { spaceKey } : {}) }, COMPARED)).hits;
  } catch (error) {
    if (!(error instanceof ConfluenceError)) throw error;
    // Nothing searchable in the title: there is nothing close to offer.
    if (error.kind === 'invalid-request' && !isSearchGone(error)) return [];
    // In a named space the exact look-up has answered; without the search there is just nothing close to offer.
    if (spaceKey !== undefined && (error.kind === 'missing-scope' || isSearchGone(error))) return [];
    throw error;
  }
}

/** Atlassian removed v1 content calls from the OAuth gateway with 410 Gone; the v1 search could follow. */
export function isSearchGone(error: unknown): boolean {
  return error instanceof ConfluenceError && error.status === 410;
}

function comparable(title: string): string {
  return title.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

export function toChoice(hit: SearchHit): PageChoice {
  return { type: hit.type, id: hit.id, title: hit.title, spaceKey: hit.spaceKey, spaceName: hit.spaceName, webUrl: hit.webUrl };
}
