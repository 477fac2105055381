/** Storage format (Confluence's XHTML) as HTML a browser reads: for the viewer and for v2's `view` body. */
import { escapeHtml } from './html.js';

const VOID_ELEMENTS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);

/**
 * Storage format is XHTML, which an HTML parser misreads in two places: CDATA sections (code blocks) would vanish
 * as bogus comments, and `<x/>` on a non-void element would swallow the rest. Both are rewritten; the rest is as stored.
 */
export function storageToHtml(storage: string): string {
  return storage
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_match, text: string) => escapeHtml(text))
    .replace(/<([a-zA-Z][\w:.-]*)(\s[^<>]*?)?\s*\/>/g, (match, name: string, attributes: string | undefined) =>
      VOID_ELEMENTS.has(name.toLowerCase()) ? match : `<${name}${attributes ?? ''}></${name}>`,
    );
}
