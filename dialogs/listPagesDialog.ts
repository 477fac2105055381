/**
 * List pages: authorize → site → space (ConfluenceDialog) → every page of the space through the v2 cursor
 * pagination → the count and the titles linked to Confluence, ten at a time, with "more" to continue.
 *
 * Only the current window of titles and one bookmark per chunk of 250 are kept between turns, so a space with
 * tens of thousands of pages costs a few kilobytes of dialog state.
 */
import { ActionTypes, ActivityTypes, InputHints, MessageFactory } from 'botbuilder';
import { DialogContext, DialogTurnResult, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import { ListingBookmark, PageKey, PageListing } from '../services/confluence/pageListing.js';
import type { PageSummary, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceDialog } from './confluenceDialog.js';
import { ConfluenceError } from './failures.js';
import { markdownLink } from './markdownText.js';
import { messages, PAGE_WINDOW, spaceHeading } from './messages.js';
import type { ConversationEnd } from './pageDraft.js';
import { showTyping } from './typing.js';
import type { SitePreference } from './sitePreference.js';
import type { SpaceDraft } from './spaceDraft.js';

export const LIST_PAGES_DIALOG = 'listPagesDialog';
const MORE_LOOP = 'listPagesMore';
const MORE_PROMPT = 'morePrompt';

export interface ListDraft extends SpaceDraft {
  /** Words every listed title must contain ("pages in ENG about release"). */
  filter?: string;
}

/** What the "more" loop needs between turns: where the matches are, not the matches themselves. */
interface ListingState {
  cloudId: string;
  space: Space;
  filter?: string;
  total: number;
  matched: number;
  offset: number;
  bookmarks: ListingBookmark[];
  /** The last title shown: the next window starts after it. */
  last: PageKey;
  /** The reader's locale, which ordered the titles; every window is cut from the same order. */
  locale?: string;
  /** The user said "more" and then had to sign in or retry: show the next titles without asking again. */
  resume?: boolean;
}

/** The list dialog ends with this; `reroute` when the user typed something other than "more": the caller routes it. */
type ListPagesResult = ConversationEnd;

export interface ListPagesOptions {
  /** How long a listing runs before progress messages are sent, and how often (default 3 s). */
  progressIntervalMs?: number;
}

export class ListPagesDialog extends ConfluenceDialog<ListDraft> {
  private readonly progressIntervalMs: number;

  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference, options: ListPagesOptions = {}) {
    super(LIST_PAGES_DIALOG, access, logger, sitePreference);
    this.progressIntervalMs = options.progressIntervalMs ?? 3000;
    this.addDialog(new TextAnswerPrompt(MORE_PROMPT));
    // After a sign-in or "Retry" at "more", the next titles come at once: the user already asked for them.
    this.addGuardedWaterfall(MORE_LOOP, [this.askMoreStep, this.moreStep], (step) =>
      step.replaceDialog(MORE_LOOP, { ...step.options, resume: true } satisfies ListingState),
    );
    this.addSteps([this.listStep]);
  }

  private async listStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const space = draft.space!;
    const cloudId = draft.site!.cloudId;
    const name = spaceHeading(space);
    const locale = step.context.activity.locale;
    await showTyping(step.context);

    const startedAt = Date.now();
    let reportedAt = startedAt;
    const onProgress = async (fetched: number) => {
      const now = Date.now();
      if (now - reportedAt < this.progressIntervalMs) return;
      reportedAt = now;
      await step.context.sendActivities([
        { type: ActivityTypes.Message, text: messages.listingProgress(fetched), inputHint: InputHints.IgnoringInput },
        { type: ActivityTypes.Typing },
      ]);
    };

    let summary;
    try {
      summary = await this.access.run(step.context, cloudId, (api, target) =>
        new PageListing(api).scan(target, space.id, { filter: draft.filter, windowSize: PAGE_WINDOW, locale, onProgress }),
      );
    } catch (error) {
      if (error instanceof ConfluenceError && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        await step.context.sendActivity(messages.cannotReadPages(name));
        return step.endDialog();
      }
      throw error;
    }
    this.logger.info('listed pages', { pages: summary.total, requests: summary.requests, ms: Date.now() - startedAt });

    if (summary.total === 0) {
      await step.context.sendActivity(messages.spaceHasNoPages(name));
      return step.endDialog();
    }
    if (summary.matched === 0) {
      await step.context.sendActivity(messages.noPageMatches(name, summary.total, draft.filter ?? ''));
      return step.endDialog();
    }
    const shown = summary.firstPages.length;
    await step.context.sendActivity(
      [messages.pageListHeading(name, summary.total, summary.matched, draft.filter, 1, shown), pageLines(summary.firstPages, 1)].join('\n\n'),
    );
    if (shown >= summary.matched) return step.endDialog({ reroute: false } satisfies ListPagesResult);
    const state: ListingState = {
      cloudId,
      space,
      filter: draft.filter,
      total: summary.total,
      matched: summary.matched,
      offset: shown,
      bookmarks: summary.bookmarks,
      last: pageKey(summary.firstPages[shown - 1]!),
      locale,
    };
    return step.replaceDialog(MORE_LOOP, state);
  }

  private async askMoreStep(step: WaterfallStepContext<ListingState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (state.resume) return step.next();
    const more = { type: ActionTypes.ImBack, title: messages.moreButton, value: 'more' };
    const prompt = MessageFactory.suggestedActions([more], messages.sayMore(state.matched - state.offset));
    return step.prompt(MORE_PROMPT, { prompt });
  }

  private async moreStep(step: WaterfallStepContext<ListingState>): Promise<DialogTurnResult> {
    const { resume, ...state } = step.options;
    const answer = String(step.result ?? '').trim().toLowerCase();
    if (!resume && !/^(more|next|more please|show more|continue|m)$/.test(answer)) {
      return step.endDialog({ reroute: true } satisfies ListPagesResult);
    }
    let pages: PageSummary[];
    try {
      pages = await this.access.run(step.context, state.cloudId, (api, target) =>
        new PageListing(api).window(target, state.space.id, state.bookmarks, {
          filter: state.filter,
          offset: state.offset,
          size: PAGE_WINDOW,
          after: state.last,
          locale: state.locale,
        }),
      );
    } catch (error) {
      if (error instanceof ConfluenceError && error.kind !== 'unauthorized') {
        await step.context.sendActivity(this.describeReadFailure(step, error));
        return step.replaceDialog(MORE_LOOP, state);
      }
      throw error;
    }
    const from = state.offset + 1;
    const to = state.offset + pages.length;
    await step.context.sendActivity([messages.pageListContinued(from, to, state.matched, state.filter), pageLines(pages, from)].join('\n\n'));
    if (pages.length === 0 || to >= state.matched) {
      await step.context.sendActivity(messages.endOfList);
      return step.endDialog({ reroute: false } satisfies ListPagesResult);
    }
    return step.replaceDialog(MORE_LOOP, { ...state, offset: to, last: pageKey(pages[pages.length - 1]!) });
  }

  protected withoutSite(draft: ListDraft): ListDraft {
    return { ...draft, site: undefined, space: undefined };
  }

  protected afterChangeRequested(draft: ListDraft): ListDraft {
    return { ...draft, space: undefined };
  }

  protected override stepDescriptions(): Record<string, string> {
    return { ...super.stepDescriptions(), [MORE_PROMPT]: messages.atStep.more };
  }

  protected describeCancellation(_innerDc?: DialogContext): string {
    return messages.listDropped;
  }
}

/**
 * The titles linked to Confluence, numbered in the text: Web Chat drops an ordered list's start number (items 11–20
 * would show as 1–10), so the number is escaped out of list syntax, and each line ends in a CommonMark hard break
 * (two spaces) because markdown-it, as Web Chat sets it up, joins plain lines. A title shows as it is, and only
 * http(s) links are made.
 */
function pageLines(pages: PageSummary[], firstNumber: number): string {
  return pages.map((page, index) => `${firstNumber + index}\\. ${markdownLink(page.title, page.webUrl)}`).join('  \n');
}

function pageKey(page: PageSummary): PageKey {
  return { id: page.id, title: page.title };
}
