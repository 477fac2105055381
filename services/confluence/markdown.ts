/**
 * Markdown → Confluence storage format (XHTML). Raw HTML is off and every link is checked against a short list of
 * schemes, so the only markup in the output is what markdown-it itself writes: user text can never become an
 * `ac:`/`ri:` element, a script, or anything the storage-format parser would read as markup.
 */
import { createRequire } from 'node:module';
import type MarkdownIt from 'markdown-it';

/** Schemes a link may use; anything else (javascript:, data:, vbscript:, file:, ac:…) is left as plain text. */
const SAFE_LINK = /^(?:https?:|mailto:)/i;
/** A scheme is letters first, then letters, digits, `+`, `-` or `.`, then a colon before any `/`, `?` or `#`. */
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/**
 * Characters XML 1.0 forbids (C0 controls other than tab/newline/return, lone surrogates, U+FFFE/U+FFFF), plus DEL and
 * the C1 controls, which XML allows but Confluence has no use for and which only ever arrive by accident or malice.
 */
const NOT_XML_TEXT = /[^\t\n\r\u0020-\u007E\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Built on the first conversion: markdown-it and its dependencies cost about 0.1 s and 12 MiB, which a bot that
 * only answers and lists would pay at every start. Required (its CommonJS build), so the conversion stays synchronous.
 */
let renderer: MarkdownIt | undefined;

export function markdownToStorage(markdown: string): string {
  const clean = stripIllegalCharacters(markdown);
  if (clean.trim() === '') return '';
  renderer ??= createRenderer();
  // markdown-it escapes every text run and attribute; the second pass only guards against characters it writes
  // verbatim from entities such as `&#xFFFF;`.
  return stripIllegalCharacters(renderer.render(clean)).trim();
}

function stripIllegalCharacters(text: string): string {
  return text.replace(NOT_XML_TEXT, '');
}

function createRenderer(): MarkdownIt {
  const MarkdownItClass = createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt;
  const md = new MarkdownItClass('default', { html: false, xhtmlOut: true, linkify: true, breaks: false, typographer: false });
  md.validateLink = isSafeLink;
  // Storage format has no plain <img>; an image becomes a link to it, so an image source is treated like any link.
  md.renderer.rules.image = (tokens, index, options, _env, self) => {
    const token = tokens[index]!;
    const source = token.attrGet('src') ?? '';
    const alt = self.renderInlineAsText(token.children ?? [], options, _env);
    const text = md.utils.escapeHtml(alt === '' ? source : alt);
    return `<a href="${md.utils.escapeHtml(source)}">${text}</a>`;
  };
  return md;
}

function isSafeLink(url: string): boolean {
  const trimmed = url.trim();
  if (trimmed === '') return false;
  // Relative links and fragments carry no scheme of their own; a scheme hidden behind control characters or
  // entities was already decoded and normalised by markdown-it before this check.
  if (!HAS_SCHEME.test(trimmed)) return !trimmed.startsWith('//') && !trimmed.startsWith('\\');
  return SAFE_LINK.test(trimmed);
}
