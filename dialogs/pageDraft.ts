/** What the find, read, comment and add conversations know so far. It lives in dialog state, so it survives restarts. */
import type { ContentType } from '../services/confluence/types.js';
import type { SpaceDraft } from './spaceDraft.js';

/** A page or blog post the user chose: enough to read it, name it and link to it. */
export interface PageChoice {
  type: ContentType;
  id: string;
  title: string;
  spaceKey?: string;
  spaceName?: string;
  webUrl?: string;
}

export interface PageDraft extends SpaceDraft {
  /** The page, once known: a search result, the page just read, or found by its title. */
  page?: PageChoice;
  /** A title named in the sentence or typed, looked up before anything is asked. */
  proposedTitle?: string;
  /** Comment and add: the Markdown the user wrote. */
  text?: string;
  /** The user confirmed: after a sign-in or "Retry", go straight on. */
  confirmed?: boolean;
  /** Add: the version of the page the user saw when they confirmed; a newer one is shown to them again first. */
  confirmedVersion?: number;
}

export interface FindDraft extends SpaceDraft {
  /** What to look for, as typed. */
  text?: string;
}

/**
 * How a conversation that ends hands the user's next message on: `reroute` when it is a new request for the root
 * dialog to read, or `followUp` when it already knows which conversation comes next (after "open 2", "comment").
 */
export interface ConversationEnd {
  reroute?: boolean;
  followUp?: { dialogId: string; draft: PageDraft };
}
