/**
 * The sandbox's stand-in for Confluence's search index: words of titles and bodies, and the highlighted title and
 * excerpt a v1 SearchResult carries. Matching is on whole words, lower-cased; no stemming, no Lucene syntax, so
 * characters such as `*`, `?` or `"` in what people type are only separators here.
 */
import { escapeHtml } from './html.js';

export const HIGHLIGHT_START = '@@@hl@@@';
export const HIGHLIGHT_END = '@@@endhl@@@';
const EXCERPT_LENGTH = 200;

const WORD = /[\p{L}\p{N}]+/gu;

export function searchWords(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).filter((word, index, all) => all.indexOf(word) === index);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Storage XHTML → the text an index would hold; markup never reaches an excerpt. */
export function storageText(storage: string): string {
  return storage
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
      if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(parseInt(name.slice(2), 16));
      if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
      return ENTITIES[name.toLowerCase()] ?? entity;
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** The v1 `excerpt` parameter: highlight markers or not, HTML-escaped or not, or nothing at all. */
export type ExcerptMode = 'highlight' | 'highlight_unescaped' | 'indexed' | 'indexed_unescaped' | 'none';

/** `text` with each word found in `words` wrapped in the markers (when the mode highlights) and escaped (when it escapes). */
export function marked(text: string, words: ReadonlySet<string>, mode: ExcerptMode): string {
  const highlight = mode === 'highlight' || mode === 'highlight_unescaped';
  const escape = mode === 'highlight' || mode === 'indexed';
  const plain = (part: string): string => (escape ? escapeHtml(part) : part);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(WORD)) {
    if (!highlight || !words.has(match[0].toLowerCase())) continue;
    out += `${plain(text.slice(last, match.index))}${HIGHLIGHT_START}${plain(match[0])}${HIGHLIGHT_END}`;
    last = match.index + match[0].length;
  }
  return out + plain(text.slice(last));
}

/** About EXCERPT_LENGTH characters of `text` around the first matched word (its start when none matches). */
export function excerptWindow(text: string, words: ReadonlySet<string>): string {
  let first = 0;
  for (const match of text.matchAll(WORD)) {
    if (words.has(match[0].toLowerCase())) {
      first = match.index;
      break;
    }
  }
  let start = Math.max(0, first - EXCERPT_LENGTH / 4);
  const end = Math.min(text.length, start + EXCERPT_LENGTH);
  start = Math.max(0, end - EXCERPT_LENGTH);
  // Cut on word boundaries so no half word is shown (or half highlighted).
  const space = text.indexOf(' ', start);
  const from = start === 0 || space < 0 || space >= first ? start : space + 1;
  const to = end === text.length ? end : text.lastIndexOf(' ', end) > from ? text.lastIndexOf(' ', end) : end;
  return `${from > 0 ? '…' : ''}${text.slice(from, to)}${to < text.length ? '…' : ''}`;
}
