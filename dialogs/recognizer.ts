/**
 * A small, deterministic recognizer for what people type to this bot (no cloud NLU): the intent, and the slots an
 * utterance already carries ("create a page called Release notes in ENG", "pages in ENG about release").
 * Slots are proposals: the dialogs validate them like typed answers.
 */
import type { ContentType } from '../services/confluence/types.js';
import { recognizePageRequest, type PageRequest } from './pageSentences.js';

export type { PageMention } from './pageSentences.js';

export type Recognized =
  | { intent: 'create-content'; type?: ContentType; title?: string; space?: string }
  | { intent: 'list-pages'; space?: string; filter?: string }
  | PageRequest
  | { intent: 'help' | 'cancel' | 'sign-in' | 'sign-out' | 'status' | 'switch-site' | 'greeting' | 'thanks' | 'acknowledgement' | 'unknown' };

type CommandIntent = 'help' | 'cancel' | 'sign-out' | 'status' | 'switch-site';

const MAX_UTTERANCE = 1000;

/** "thanks", "thank you so much", "ok, thanks", "great thx", "cheers", "no thanks". */
const THANKS =
  /^((ok(ay)?|great|cool|perfect|awesome|nice|no)[, ]+)?(thanks|thank (you|u)|thx|ty|cheers|many thanks|much appreciated)( (a lot|so much|very much|again|bot))?$/;
/** "ok", "okay", "got it", "cool", "yes", "no": nothing to act on, but not something to scold either. */
const ACKNOWLEDGEMENT =
  /^(ok(ay)?|k|kk|alright|all right|sure|fine|cool|great|nice|perfect|awesome|got it|understood|yes|yep|yeah|no|nope|👍)$/u;

/** "show page Getting started" reads one page; "show pages in ENG" and "show page list" list them. */
const ONE_PAGE = /^(show|open|read|view|display)( me)?( the)? page (?!(in|of|from|about|list)\b)/;

const COMMANDS: Array<[RegExp, CommandIntent]> = [
  [/^(help|\?|what can you do|commands)$/, 'help'],
  [/^(cancel|stop|quit|abort|never ?mind)$/, 'cancel'],
  [/^(sign ?out|log ?out|logout|signout|disconnect)$/, 'sign-out'],
  [/^(status|who am i|whoami|connection( status)?)$/, 'status'],
  [/^(switch|change|choose|select) (the )?site$/, 'switch-site'],
];

/** The account and navigation commands that work at any step of any dialog. */
export function recognizeCommand(text: string | undefined): CommandIntent | undefined {
  const said = normalise(text);
  return COMMANDS.find(([pattern]) => pattern.test(said))?.[1];
}

export function recognize(text: string | undefined): Recognized {
  const raw = (text ?? '').trim().slice(0, MAX_UTTERANCE);
  const said = normalise(raw);
  if (said === '') return { intent: 'unknown' };
  const command = recognizeCommand(said);
  if (command) return { intent: command };
  // Not a command at every step: inside a dialog, the dialog asks for a sign-in itself when it needs one.
  if (/^(sign ?in|log ?in|login|signin|connect( to confluence)?)$/.test(said)) return { intent: 'sign-in' };
  if (/^(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening))\b/.test(said)) return { intent: 'greeting' };
  // Small talk, recognized only here (no dialog running): inside a prompt "ok" or "yes" is that prompt's answer.
  if (THANKS.test(said)) return { intent: 'thanks' };
  if (ACKNOWLEDGEMENT.test(said)) return { intent: 'acknowledgement' };
  const pageRequest = recognizePageRequest(text!.trim());
  // "find pages in ENG" names no subject: that is the list of the space's pages.
  if (pageRequest?.intent === 'find' && pageRequest.text === undefined && pageRequest.space !== undefined) {
    return { intent: 'list-pages', space: pageRequest.space };
  }
  if (pageRequest !== undefined && (pageRequest.intent !== 'read' || !isListPages(said) || ONE_PAGE.test(said))) return pageRequest;
  if (isListPages(said)) return { intent: 'list-pages', ...listSlots(raw) };
  if (isCreate(said)) return { intent: 'create-content', ...createSlots(raw) };
  return { intent: 'unknown' };
}

function normalise(text: string | undefined): string {
  return (text ?? '').trim().toLowerCase().replace(/[.!]+$/, '').replace(/\s+/g, ' ');
}

function isListPages(said: string): boolean {
  return (
    /^(list|show|display|get|find|browse|see|view)\b.*\bpages?\b/.test(said) ||
    /^(all )?pages (in|of|from)\b/.test(said) ||
    /^what pages\b/.test(said) ||
    /^(list|show) (space|all)\b/.test(said)
  );
}

function isCreate(said: string): boolean {
  return (
    /^(please )?(create|new|add|write|make|start|post|publish|draft)\b.*\b(content|page|blog ?posts?|blog|article|post)\b/.test(said) ||
    /^(new )?(page|blog ?post)$/.test(said)
  );
}

function typeOf(said: string): ContentType | undefined {
  if (/\bblog ?posts?\b|\bblog\b|\bpost\b/.test(said)) return 'blogpost';
  if (/\bpages?\b|\barticle\b/.test(said)) return 'page';
  return undefined;
}

const TITLE_WORDS = '(?:called|titled|named|entitled|with (?:the )?title)';

/** "create a page called Release notes in ENG", "new blog post in DEMO titled Sprint 12", 'new page "Q3 plan" in ENG'. */
function createSlots(raw: string): { type?: ContentType; title?: string; space?: string } {
  let rest = raw;
  let title: string | undefined;
  const quoted = /["“”'‘’]([^"“”'‘’]+)["“”'‘’]/.exec(rest);
  if (quoted) {
    title = quoted[1]!.trim();
    rest = rest.replace(quoted[0], ' ');
  }
  let space: string | undefined;
  const spacePattern = new RegExp(`\\s+(?:in|into|to)\\s+(?:the\\s+)?(?:space\\s+)?(\\S+?)(?:\\s+space)?(?=\\s+${TITLE_WORDS}\\b|\\s*$)`, 'i');
  const spaceMatch = spacePattern.exec(rest);
  if (spaceMatch) {
    space = spaceMatch[1];
    rest = rest.slice(0, spaceMatch.index) + rest.slice(spaceMatch.index + spaceMatch[0].length);
  }
  if (title === undefined) {
    const titled = new RegExp(`\\b${TITLE_WORDS}\\s+(.+)$`, 'i').exec(rest);
    if (titled) title = titled[1]!.trim();
  }
  const type = typeOf(normalise(raw.replace(title ?? '\u0000', ' ')));
  return clean({ type, title: title === '' ? undefined : title, space });
}

/** "show all pages in ENG", "pages in space Engineering", "pages in ENG about release". */
function listSlots(raw: string): { space?: string; filter?: string } {
  const match = /\b(?:in|of|from)\s+(?:the\s+)?(?:space\s+)?(.+?)(?:\s+space)?(?:\s+(?:about|matching|containing|with|titled|called|named|on)\s+(.+))?$/i.exec(raw);
  if (!match) {
    const filterOnly = /\b(?:about|matching|containing)\s+(.+)$/i.exec(raw);
    return clean({ filter: filterOnly?.[1]?.trim() });
  }
  return clean({ space: match[1]!.trim(), filter: match[2]?.trim().replace(/^["“']|["”']$/g, '') });
}

function clean<T extends Record<string, unknown>>(slots: T): T {
  return Object.fromEntries(Object.entries(slots).filter(([, value]) => value !== undefined && value !== '')) as T;
}
