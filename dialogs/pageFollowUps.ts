/**
 * What the user's next message means after search results or a page card: "open 2", "2", "comment on 2: …",
 * "add to 2: …", or after a page card "comment", "add to this page: …". Anything else is a new request.
 */
import type { ConfluenceSite } from '../services/confluence/types.js';
import type { ConversationEnd, PageChoice } from './pageDraft.js';
import type { PageRequest } from './pageSentences.js';
import { recognize, type Recognized } from './recognizer.js';

export const READ_PAGE_DIALOG = 'readPageDialog';
export const COMMENT_DIALOG = 'commentDialog';
export const APPEND_DIALOG = 'appendDialog';

type FollowUp = NonNullable<ConversationEnd['followUp']>;

/**
 * The conversation the answer starts, 'unknown-number' for a result number that was not shown, or undefined for a
 * new request. `numbered` finds a shown result by its number; `current` is the page on screen, if any.
 */
export function followUpFor(
  answer: string,
  numbered: (number: number) => PageChoice | undefined,
  site: ConfluenceSite | undefined,
  current?: PageChoice,
): FollowUp | 'unknown-number' | undefined {
  const said = meaningOf(answer);
  if (said.intent !== 'read' && said.intent !== 'comment' && said.intent !== 'append') return undefined;
  // A title or space named is a page of its own: a new request, looked up from the start.
  if (said.title !== undefined || said.space !== undefined) return undefined;
  const page = said.result !== undefined ? numbered(said.result) : current;
  if (page === undefined) return said.result !== undefined ? 'unknown-number' : undefined;
  const dialogId = dialogFor(said.intent);
  const text = said.intent === 'read' ? undefined : said.text;
  return { dialogId, draft: { site, page, ...(text === undefined ? {} : { text }) } };
}

/** The conversation that reads, comments on or adds to a page. */
export function dialogFor(intent: 'read' | 'comment' | 'append'): string {
  return intent === 'read' ? READ_PAGE_DIALOG : intent === 'comment' ? COMMENT_DIALOG : APPEND_DIALOG;
}

/** "2" alone opens the second result; "add" alone adds to the page on screen. */
function meaningOf(answer: string): Recognized {
  const trimmed = answer.trim();
  const plainNumber = /^#?(\d{1,4})$/.exec(trimmed);
  if (plainNumber) return { intent: 'read', result: Number(plainNumber[1]) } satisfies PageRequest;
  if (/^(add|append|add more|add lines?)$/i.test(trimmed)) return { intent: 'append' } satisfies PageRequest;
  return recognize(answer);
}
