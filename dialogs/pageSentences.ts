/**
 * The sentences that find, read, comment on and add to pages, and the slots they carry:
 * "find pages about onboarding", "search release notes in ENG", "what do we have on SSO?", "show Release notes in
 * ENG", "open 2", "comment on Release notes in ENG: looks good to me", "add to Meeting notes in TEAM: - shipped".
 *
 * Every pattern is anchored and linear, and runs on the head of the message only: the text after the first colon
 * (a comment, the lines to add) can be long and is taken as it is.
 */

/** A page named by title (and maybe its space), or by its number in the last search results. */
export interface PageMention {
  title?: string;
  space?: string;
  /** "open 2": the second result of the search shown last. */
  result?: number;
}

export type PageRequest =
  | { intent: 'find'; text?: string; space?: string }
  | ({ intent: 'read' } & PageMention)
  | ({ intent: 'comment' | 'append'; text?: string } & PageMention);

const MAX_HEAD = 1000;
const MAX_RESULT_NUMBER = 1000;

const FIND = /^(?:please )?(?:find|search(?: for)?|look (?:for|up)|lookup)(?:\s+(.*))?$/d;
const WHAT_DO_WE_HAVE = /^what (?:do we have|have we got|is there|docs do we have|pages do we have)(?: (?:on|about|for) (.+))?$/d;
/** Words that say what kind of thing is wanted, not what it is about: "find pages about X" searches X. */
const FIND_FILLER = /^(?:(?:me|all|any|some|the)\s+)*(?:(?:pages?|blog ?posts?|posts?|content|docs?|documents?|articles?|anything|something|stuff)(?:\s+|$))?(?:(?:about|on|for|matching|mentioning|containing|with|related to)\s+)?/;
const READ = /^(?:please )?(?:show|open|read|view|display)(?: me)?(?: the)?(?:\s+(?:page|blog ?post|post))?(?:\s+(.+))?$/d;
const COMMENT = /^(?:please )?(?:(?:add|leave|post|write|make) (?:a )?)?comment(?:s)?(?: (?:on|to|under|for)(?: (.+))?)?$/d;
const APPEND = /^(?:please )?(?:add|append)(?: (?:this|a line|a note|text|it|these lines))? to(?: (.+))?$/d;
/** "Release notes in ENG", "Release notes in the ENG space", "Release notes in space ENG". */
const TITLE_IN_SPACE = /^(.+?)\s+in\s+(?:the\s+)?(?:space\s+)?(\S+?)(?:\s+space)?$/i;
const QUOTED = /^["“”'‘’](.+)["“”'‘’]$/;
const RESULT_NUMBER = /^(?:(?:result|number|no\.?|#)\s*)?#?(\d{1,4})$/;
const THIS_PAGE = /^(?:this|that|it|the page|this page|that page)$/;

/** The request, or undefined when the message is none of these. `raw` is the whole message as typed. */
export function recognizePageRequest(raw: string): PageRequest | undefined {
  const colon = raw.indexOf(':');
  const head = tidy(colon === -1 ? raw : raw.slice(0, colon));
  const tail = colon === -1 ? undefined : raw.slice(colon + 1).trim();
  const comment = COMMENT.exec(head.lower);
  if (comment) return { intent: 'comment', ...mention(group(head, comment, 1)), ...text(tail) };
  const append = APPEND.exec(head.lower);
  if (append) return { intent: 'append', ...mention(group(head, append, 1)), ...text(tail) };
  // Find and read take no text after a colon: "search: release notes" searches for what follows it.
  const whole = tidy(raw.replace(/:/g, ' '));
  const find = FIND.exec(whole.lower) ?? WHAT_DO_WE_HAVE.exec(whole.lower);
  if (find) return findRequest(group(whole, find, 1));
  const read = READ.exec(whole.lower);
  if (read) return { intent: 'read', ...mention(group(whole, read, 1)) };
  return undefined;
}

/** A message's head as matched (lower-cased) and as typed, one space between words, no closing punctuation. */
interface Said {
  typed: string;
  lower: string;
}

function tidy(text: string): Said {
  const typed = text.slice(0, MAX_HEAD).trim().replace(/\s+/g, ' ').replace(/[?.!]+$/, '');
  return { typed, lower: typed.toLowerCase() };
}

/** A matched group as the user typed it (the patterns run on the lower-cased text, with `d` for the positions). */
function group(said: Said, match: RegExpExecArray, index: number): string | undefined {
  const span = match.indices?.[index];
  if (span === undefined) return undefined;
  // Lower-casing changes the length of a few characters (İ); then the lower-cased words are used as they are.
  return said.typed.length === said.lower.length ? said.typed.slice(span[0], span[1]) : said.lower.slice(span[0], span[1]);
}

function findRequest(words: string | undefined): PageRequest {
  if (words === undefined) return { intent: 'find' };
  // A quoted search is taken whole: 'find "notes in ENG"' searches for those three words.
  if (QUOTED.test(words.trim())) return clean({ intent: 'find' as const, text: unquote(words) });
  const placed = TITLE_IN_SPACE.exec(words);
  const [about, space] = placed ? [placed[1]!, placed[2]] : [words, undefined];
  const filler = FIND_FILLER.exec(about.toLowerCase())?.[0].length ?? 0;
  const searched = unquote(about.slice(filler).trim());
  return clean({ intent: 'find' as const, text: searched, space });
}

/** "the page Runbook": the kind of content said before the title is not part of it. */
const KIND_BEFORE_TITLE = /^(?:the\s+)?(?:page|blog ?post|post)\s+(?=\S)/i;

function mention(target: string | undefined): PageMention {
  if (target === undefined) return {};
  const trimmed = target.trim().replace(KIND_BEFORE_TITLE, '');
  const number = RESULT_NUMBER.exec(trimmed.toLowerCase());
  if (number) {
    const result = Number(number[1]);
    return result >= 1 && result <= MAX_RESULT_NUMBER ? { result } : {};
  }
  if (THIS_PAGE.test(trimmed.toLowerCase())) return {};
  const quotedWhole = QUOTED.exec(trimmed);
  if (quotedWhole && !/["“”'‘’]\s+in\s+/i.test(trimmed)) return { title: quotedWhole[1]!.trim() };
  const placed = TITLE_IN_SPACE.exec(trimmed);
  if (placed) return clean({ title: unquote(placed[1]!), space: placed[2] });
  return { title: unquote(trimmed) };
}

function text(tail: string | undefined): { text?: string } {
  return tail === undefined || tail === '' ? {} : { text: tail };
}

function unquote(value: string): string {
  const quoted = QUOTED.exec(value.trim());
  return (quoted ? quoted[1]! : value).trim();
}

function clean<T extends object>(slots: T): T {
  return Object.fromEntries(Object.entries(slots).filter(([, value]) => value !== undefined && value !== '')) as T;
}
