/**
 * Data (page titles, space names and keys, site names, what the user typed) placed into the bot's Markdown
 * messages must show as the characters it is. Web Chat and the Emulator render message text with markdown-it with
 * HTML allowed, and Teams renders Markdown and some HTML: a page titled `<img src=…><a href=…>Session expired</a>`
 * or `[click](https://evil.example)` would otherwise become an image and a link the bot seems to vouch for.
 *
 * Cards are different: Adaptive Card data goes into TextRuns (cards.ts), which no client runs Markdown on, so
 * there it is shown as it is, with no escaping.
 */

/**
 * Markdown's inline syntax; each is shown as itself when preceded by a backslash (CommonMark §2.4). Parentheses
 * are left alone: they make a link only after a `]`, and every `]` is escaped.
 */
const MARKDOWN_SPECIALS = /[\\`*_[\]!~|{}#]/g;
/** Syntax that only counts at the start of a line: a list item or a setext underline, or a numbered item. */
const LINE_START_MARKER = /^(\s*)([-+=])/;
const LINE_START_NUMBER = /^(\s*\d+)\./;
const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `text` as literal characters in a Markdown message: no formatting, link, image or HTML can come out of it. */
export function literal(text: string): string {
  return (
    text
      // A line break in data would let it start a block of its own (a heading, a list, a quote).
      .replace(/[\r\n]+/g, ' ')
      .replace(MARKDOWN_SPECIALS, '\\$&')
      .replace(LINE_START_MARKER, '$1\\$2')
      .replace(LINE_START_NUMBER, '$1\\.')
      // Entities, not backslashes: a renderer that allows HTML would still see `<` as the start of a tag.
      .replace(/[&<>]/g, (char) => HTML_ENTITIES[char]!)
  );
}

/**
 * A link target we build from Confluence's `_links`, safe inside `[text](…)` and as a bare URL in a message:
 * http(s) only (undefined for anything else, so no `javascript:` link is ever shown), with the characters that
 * would end or reshape the Markdown around it percent-encoded, which leaves the address the same.
 */
export function linkTarget(url: string | undefined): string | undefined {
  const target = httpUrl(url);
  if (target === undefined) return undefined;
  // Balanced parentheses belong to the address (Confluence puts titles in page URLs); an unbalanced one would end it.
  const special = hasBalancedParentheses(target) ? /[[\]<>*_~`|!\\ ]/g : /[()[\]<>*_~`|!\\ ]/g;
  return target.replace(special, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function hasBalancedParentheses(text: string): boolean {
  let depth = 0;
  for (const char of text) {
    if (char === '(') depth += 1;
    else if (char === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** The URL if it is an absolute http(s) one (normalized by the URL parser), else undefined: for card buttons. */
export function httpUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** `[text](url)` with the text literal, or the literal text alone when the URL is not a safe http(s) one. */
export function markdownLink(text: string, url: string | undefined): string {
  const target = linkTarget(url);
  return target === undefined ? literal(text) : `[${literal(text)}](${target})`;
}
