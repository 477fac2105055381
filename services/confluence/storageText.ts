/**
 * Confluence storage format (XHTML with `ac:`/`ri:` elements) → a short plain-text preview, for the Read card.
 * html-to-text does the parsing and the HTML; what is ours is how Confluence's own elements read: macro parameters
 * are settings, not text; a code macro's body is text; images, attachments and editor placeholders are left out; a
 * link to a page reads as the page's title when it has no text of its own.
 *
 * html-to-text parses as HTML, where `<x />` does not close a non-void element: an empty storage element such as
 * `<ri:page … />`, `<time … />` or `<ac:emoticon … />` ends up holding the siblings that follow it. So no such element
 * is skipped wholesale; each is read as nothing of its own followed by its children.
 */
import { createRequire } from 'node:module';
import type { DomNode, FormatCallback, SelectorDefinition, compiledFunction } from 'html-to-text';

export interface StorageText {
  text: string;
  /** Whether the body has more than `text` shows. */
  truncated: boolean;
}

const DEFAULT_MAX_CHARS = 600;
const ELLIPSIS = '…';
/**
 * A preview needs the first few hundred characters; parsing a 5 MB body for them would cost a second of a shared
 * core. This much markup leaves room for pages that open with large macros or tables.
 */
const MAX_INPUT_CHARS = 200_000;
/** A cut may step back this far to end at a word boundary; past it, a very long word is cut as it is. */
const MAX_WORD_BACKTRACK = 40;
/** How htmlparser2 (outside XML mode) keeps a `<![CDATA[…]]>` section: as a comment with this text around it. */
const CDATA_OPEN = '[CDATA[';
const CDATA_CLOSE = ']]';

/** Selectors name tags with their prefix, so the `:` is escaped (unescaped it would read as a pseudo-class). */
const tag = (name: string): string => name.replace(':', '\\:');

const SELECTORS: SelectorDefinition[] = [
  ...[
    'ac:image', // holds only its ri: source, and always has a closing tag
    'ac:placeholder', // editor hints such as "Type your notes here", never shown on the page
    'ac:task-id',
    'ac:task-status',
    // Newer editors wrap panels and decisions in ADF: attributes are settings, the fallback repeats the content.
    'ac:adf-attribute',
    'ac:adf-fallback',
    'img',
  ].map((name) => ({ selector: tag(name), format: 'skip' })),
  ...['ac:structured-macro', 'ac:rich-text-body', 'ac:layout', 'ac:layout-section', 'ac:layout-cell', 'ac:task-list', 'ac:task'].map(
    (name) => ({ selector: tag(name), format: 'block' }),
  ),
  { selector: tag('ac:parameter'), format: 'storageParameter' },
  { selector: tag('ac:plain-text-body'), format: 'storageCdataBlock' },
  { selector: tag('ac:plain-text-link-body'), format: 'storageCdataInline' },
  { selector: tag('ac:link'), format: 'storageLink' },
  { selector: 'time', format: 'storageTime' },
  { selector: 'a', options: { ignoreHref: true } },
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((name) => ({ selector: name, options: { uppercase: false } })),
  { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  { selector: 'ul', options: { itemPrefix: '• ' } },
  // The editor wraps every list item's text in a paragraph; read as blocks, each item would stand a blank line apart.
  { selector: 'li > p', format: 'inline' },
];

/** What a self-closed `<ac:parameter … />` may have swallowed (see above); a parameter's own content is never text to show. */
const MACRO_PARTS = new Set(['ac:parameter', 'ac:rich-text-body', 'ac:plain-text-body']);

function findDescendant(elem: DomNode, wanted: (node: DomNode) => boolean): DomNode | undefined {
  for (const child of elem.children ?? []) {
    if (wanted(child)) return child;
    const found = findDescendant(child, wanted);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The text of a CDATA section, or of plain text children (storage written without CDATA escapes it instead). */
const cdataText = (elem: DomNode): string =>
  elem.children
    .map((child) => {
      const data = child.data ?? '';
      if (child.type === 'text') return data;
      if (child.type === 'comment' && data.startsWith(CDATA_OPEN) && data.endsWith(CDATA_CLOSE)) {
        return data.slice(CDATA_OPEN.length, data.length - CDATA_CLOSE.length);
      }
      return '';
    })
    .join('');

const FORMATTERS: Record<string, FormatCallback> = {
  storageCdataBlock: (elem, _walk, builder) => {
    builder.openBlock({ leadingLineBreaks: 1 });
    builder.addInline(cdataText(elem));
    builder.closeBlock({ trailingLineBreaks: 1 });
  },
  storageCdataInline: (elem, _walk, builder) => {
    builder.addInline(cdataText(elem));
  },
  storageParameter: (elem, walk, builder) => {
    walk(
      elem.children.filter((child) => child.name !== undefined && MACRO_PARTS.has(child.name)),
      builder,
    );
  },
  /**
   * `<ac:link>`: its own body when it has one, else the linked page's or blog post's title; links to attachments and
   * users without a body stay out. Searched at any depth: the body may sit inside a `<ri:page />` that did not close.
   */
  storageLink: (elem, walk, builder) => {
    const body = findDescendant(elem, (node) => node.name === 'ac:link-body' || node.name === 'ac:plain-text-link-body');
    if (body !== undefined) {
      walk([body], builder);
      return;
    }
    const target = findDescendant(elem, (node) => node.name === 'ri:page' || node.name === 'ri:blog-post');
    const title = target?.attribs?.['ri:content-title'];
    if (title !== undefined && title !== '') builder.addInline(title);
  },
  /** `<time datetime="2026-11-30" />`: the date, then whatever the unclosed element swallowed. */
  storageTime: (elem, walk, builder) => {
    const datetime = elem.attribs?.['datetime'];
    if (datetime !== undefined && datetime !== '') builder.addInline(datetime);
    walk(elem.children, builder);
  },
};

/**
 * Compiled on the first preview: html-to-text and its parser are only needed once someone reads a page, so a bot
 * that only answers and lists does not load them at start-up. Required (its CommonJS build), so this stays synchronous.
 */
let converter: compiledFunction | undefined;

export function storageToText(storage: string, maxChars: number = DEFAULT_MAX_CHARS): StorageText {
  const limit = Math.max(1, Math.floor(maxChars));
  const inputCut = storage.length > MAX_INPUT_CHARS;
  converter ??= createConverter();
  const text = tidyLines(converter(inputCut ? storage.slice(0, MAX_INPUT_CHARS) : storage));
  if (text.length <= limit) return { text, truncated: inputCut };
  return { text: cutAtWord(text, limit), truncated: true };
}

function createConverter(): compiledFunction {
  const { compile } = createRequire(import.meta.url)('html-to-text') as typeof import('html-to-text');
  return compile({ wordwrap: false, selectors: SELECTORS, formatters: FORMATTERS });
}

/**
 * The lines as a reader sees them: a heading, each list item and each paragraph on its own line, paragraphs apart by
 * one blank line; within a line, runs of spaces are one space.
 */
function tidyLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[^\S\n]+/gu, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** At most `limit` characters with the ellipsis, ending at a word boundary when one is near. */
function cutAtWord(text: string, limit: number): string {
  const hard = withoutHalfPair(text.slice(0, Math.max(0, limit - ELLIPSIS.length)));
  const space = Math.max(hard.lastIndexOf(' '), hard.lastIndexOf('\n'));
  const keepHardCut = /\s/u.test(text[hard.length] ?? '') || space <= 0 || hard.length - space > MAX_WORD_BACKTRACK;
  return `${(keepHardCut ? hard : hard.slice(0, space)).trimEnd()}${ELLIPSIS}`;
}

/** A cut must not end between the halves of a surrogate pair: an emoji cut in half shows as a replacement character. */
function withoutHalfPair(slice: string): string {
  const last = slice.charCodeAt(slice.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? slice.slice(0, -1) : slice;
}
