/**
 * The CQL of a search, built so that nothing a person types can change the query. Their text is reduced to words
 * (letters and digits: no quotes, wildcards, brackets or operators survive) and only ever placed inside a
 * double-quoted CQL string, with `\` and `"` escaped all the same, so the restriction to pages and blog posts,
 * and to one space, always holds. Lucene's word operators (AND, OR, NOT) count only in capitals: words are
 * lower-cased, so "notes AND OR" is three plain words.
 */

export interface SearchQuery {
  /** What the person typed: "onboarding", "release notes", "SSO". */
  text: string;
  /** Only this space, when given (already a valid key). */
  spaceKey?: string;
}

/** The longest text searched: Confluence refuses very long queries, and nobody types more into a chat. */
export const MAX_SEARCH_WORDS = 32;

/** The words of a search, lower-cased, in order, without repeats; empty when nothing searchable was typed. */
export function searchWords(text: string): string[] {
  const words = text
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
  return [...new Set(words)].slice(0, MAX_SEARCH_WORDS);
}

/** A CQL string literal holding `value` as it is. */
export function cqlString(value: string): string {
  return `"${value.replace(/["\\]/g, (character) => `\\${character}`)}"`;
}

/** Pages and blog posts matching every word, optionally in one space; undefined when there is nothing to search. */
export function searchCql(query: SearchQuery): string | undefined {
  const words = searchWords(query.text);
  if (words.length === 0) return undefined;
  const clauses = ['type in (page, blogpost)', `text ~ ${cqlString(words.join(' '))}`];
  if (query.spaceKey !== undefined) clauses.push(`space = ${cqlString(query.spaceKey)}`);
  return clauses.join(' AND ');
}
