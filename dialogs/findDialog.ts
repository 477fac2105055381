/**
 * Find: authorize → site → (a space only when one was named) → what to look for → Confluence's search, five
 * results at a time on a card, "more" through the search's own cursor, and "open 2", "comment on 2: …" or
 * "add to 2: …" to act on a result.
 *
 * Between turns only the query, the cursor and the results shown so far (ids and titles) are kept.
 */
import { ActionTypes, Activity, MessageFactory } from 'botbuilder';
import { DialogContext, DialogTurnResult, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import { searchWords } from '../services/confluence/cql.js';
import type { SearchHit, SearchQuery, SearchResults } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceDialog } from './confluenceDialog.js';
import { rendersCards } from './cards.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import { searchResultsCard, searchResultsText } from './pageCards.js';
import type { ConversationEnd, FindDraft, PageChoice } from './pageDraft.js';
import { followUpFor } from './pageFollowUps.js';
import { recognizePageRequest } from './pageSentences.js';
import { isSearchGone, toChoice } from './pageLookup.js';
import type { SitePreference } from './sitePreference.js';

export const FIND_DIALOG = 'findDialog';
const RESULTS_LOOP = 'findResults';
const TEXT_PROMPT = 'findTextPrompt';
const NEXT_PROMPT = 'findNextPrompt';

export const RESULTS_WINDOW = 5;
/**
 * The results "open N" can name; later ones are still shown, and opened by their button. Each is kept in dialog
 * state, which every turn of the conversation writes, so ten cards' worth.
 */
const REMEMBERED_RESULTS = 50;
/** Longer than anyone types a search; the words are cut to 32 anyway (cql.ts). */
const MAX_SEARCH_TEXT = 500;

interface ResultsState {
  draft: FindDraft;
  query: SearchQuery;
  next?: string;
  totalSize?: number;
  /** The results "open N" can name (the first REMEMBERED_RESULTS shown). */
  shown: PageChoice[];
  /** How many results have been shown in all. */
  count: number;
  /** The number of the first result on the card just shown. */
  windowStart: number;
  /** The user said "more" and then had to sign in or retry: show the next results without asking again. */
  resume?: boolean;
}

export class FindDialog extends ConfluenceDialog<FindDraft> {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(FIND_DIALOG, access, logger, sitePreference);
    this.addDialog(new TextAnswerPrompt(TEXT_PROMPT)).addDialog(new TextAnswerPrompt(NEXT_PROMPT));
    this.addGuardedWaterfall(RESULTS_LOOP, [this.askNextStep, this.nextStep], (step) =>
      step.replaceDialog(RESULTS_LOOP, { ...step.options, resume: true } satisfies ResultsState),
    );
    this.addSteps([this.askTextStep, this.searchStep]);
  }

  protected override asksForSpace(): boolean {
    return false;
  }

  private async askTextStep(step: WaterfallStepContext<FindDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.text !== undefined && searchWords(draft.text).length > 0) return step.next();
    const question = draft.text === undefined ? messages.askSearchText : messages.nothingSearchable(draft.text.slice(0, 100));
    draft.text = undefined;
    return step.prompt(TEXT_PROMPT, { prompt: question });
  }

  private async searchStep(step: WaterfallStepContext<FindDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.text === undefined) {
      // A typed answer is read like the first sentence ("onboarding in TEAM") and checked by askTextStep.
      const typed = String(step.result ?? '').slice(0, MAX_SEARCH_TEXT);
      const said = recognizePageRequest(`find ${typed}`);
      const named = said?.intent === 'find' ? said : { text: typed, space: undefined };
      const next: FindDraft = { ...draft, text: named.text ?? typed };
      if (named.space !== undefined) Object.assign(next, { space: undefined, proposedSpace: named.space });
      return step.replaceDialog(this.waterfallId, next);
    }
    const query: SearchQuery = { text: draft.text, ...(draft.space ? { spaceKey: draft.space.key } : {}) };
    let results: SearchResults;
    try {
      results = await this.search(step, draft, query);
    } catch (error) {
      if (!isSearchGone(error)) throw error;
      this.logger.warn('confluence search is gone (410)');
      await step.context.sendActivity(messages.searchGone);
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    }
    if (results.hits.length === 0) {
      await step.context.sendActivity(this.noResults(draft));
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    }
    await this.sendResults(step, draft, results, 1);
    return this.continueWith(step, { draft, query, next: results.next, totalSize: results.totalSize, shown: [], count: 0, windowStart: 1 }, results.hits);
  }

  private async askNextStep(step: WaterfallStepContext<ResultsState>): Promise<DialogTurnResult> {
    const state = step.options;
    if (state.resume) return step.next('more');
    const [first, last] = [state.windowStart, state.count];
    const buttons = [
      ...(state.next === undefined ? [] : [{ type: ActionTypes.ImBack, title: messages.moreButton, value: 'more' }]),
      { type: ActionTypes.ImBack, title: messages.openButton(first), value: `open ${first}` },
    ];
    return step.prompt(NEXT_PROMPT, { prompt: MessageFactory.suggestedActions(buttons, messages.afterResults(first, last, state.next !== undefined)) });
  }

  private async nextStep(step: WaterfallStepContext<ResultsState>): Promise<DialogTurnResult> {
    const { resume, ...state } = step.options;
    const answer = String(step.result ?? '').trim();
    if (!/^(more|next|more please|show more|continue|m)$/i.test(answer)) {
      const followUp = followUpFor(answer, (number) => state.shown[number - 1], state.draft.site);
      if (followUp === 'unknown-number') {
        await step.context.sendActivity(messages.noSuchResult(state.count, state.shown.length));
        return step.replaceDialog(RESULTS_LOOP, state);
      }
      return step.endDialog(followUp === undefined ? ({ reroute: true } satisfies ConversationEnd) : ({ followUp } satisfies ConversationEnd));
    }
    if (state.next === undefined) {
      await step.context.sendActivity(messages.endOfResults);
      return step.replaceDialog(RESULTS_LOOP, state);
    }
    let results: SearchResults;
    try {
      results = await this.access.run(step.context, state.draft.site!.cloudId, (api, target) =>
        api.searchContent(target, state.query, RESULTS_WINDOW, state.next),
      );
    } catch (error) {
      if (error instanceof ConfluenceError && error.kind === 'invalid-request') {
        // The cursor no longer fits the search (Confluence changed its links): start the search again.
        await step.context.sendActivity(messages.searchExpired);
        return step.replaceDialog(this.waterfallId, state.draft);
      }
      throw error;
    }
    if (results.hits.length === 0) {
      await step.context.sendActivity(messages.endOfResults);
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    }
    const windowStart = state.count + 1;
    await this.sendResults(step, state.draft, results, windowStart);
    return this.continueWith(step, { ...state, next: results.next, totalSize: results.totalSize ?? state.totalSize, windowStart }, results.hits);
  }

  private async search(step: WaterfallStepContext, draft: FindDraft, query: SearchQuery): Promise<SearchResults> {
    return this.access.run(step.context, draft.site!.cloudId, (api, target) => api.searchContent(target, query, RESULTS_WINDOW));
  }

  private async sendResults(step: WaterfallStepContext, draft: FindDraft, results: SearchResults, firstNumber: number): Promise<void> {
    const lastNumber = firstNumber + results.hits.length - 1;
    const heading = messages.resultsHeading(draft.text!, draft.space?.key, firstNumber, lastNumber, results.totalSize);
    if (rendersCards(step.context.activity.channelId)) {
      await step.context.sendActivity(MessageFactory.attachment(searchResultsCard(heading, results.hits, firstNumber)));
    } else {
      await step.context.sendActivity(searchResultsText(heading, results.hits, firstNumber));
    }
  }

  private async continueWith(step: WaterfallStepContext, state: ResultsState, hits: SearchHit[]): Promise<DialogTurnResult> {
    const shown = [...state.shown, ...hits.map(toChoice)].slice(0, REMEMBERED_RESULTS);
    return step.replaceDialog(RESULTS_LOOP, { ...state, shown, count: state.count + hits.length } satisfies ResultsState);
  }

  /** What to try next: other words, and in one space a button that searches them all (quoted: taken whole). */
  private noResults(draft: FindDraft): Partial<Activity> {
    const text = messages.noResults(draft.text!, draft.space?.key);
    if (draft.space === undefined) return MessageFactory.text(text);
    const everywhere = `find "${searchWords(draft.text!).join(' ')}"`;
    return MessageFactory.suggestedActions([{ type: ActionTypes.ImBack, title: messages.searchAllSpacesButton, value: everywhere }], text);
  }

  protected withoutSite(draft: FindDraft): FindDraft {
    return { ...draft, site: undefined, space: undefined };
  }

  protected afterChangeRequested(draft: FindDraft): FindDraft {
    return { ...draft, text: undefined };
  }

  protected override stepDescriptions(): Record<string, string> {
    return { ...super.stepDescriptions(), [TEXT_PROMPT]: messages.atStep.searchText, [NEXT_PROMPT]: messages.atStep.results };
  }

  protected describeCancellation(_innerDc?: DialogContext): string {
    return messages.listDropped;
  }
}
