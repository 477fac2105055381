/**
 * What read, comment and add share: authorize → site → (a space only when one was named) → which page. A page
 * chosen from search results or read just before arrives in the draft; a title is looked up (pageLookup.ts), and
 * when several pages could be meant the user picks one.
 */
import { DialogContext, DialogTurnResult, FoundChoice, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceDialog } from './confluenceDialog.js';
import { messages } from './messages.js';
import type { PageChoice, PageDraft } from './pageDraft.js';
import { isSearchGone, lookUpPage, type PageLookup } from './pageLookup.js';
import { recognizePageRequest } from './pageSentences.js';
import { StrictChoicePrompt } from './strictChoicePrompt.js';
import type { SitePreference } from './sitePreference.js';

const PAGE_TITLE_PROMPT = 'pageTitlePrompt';
const PAGE_CHOICE_PROMPT = 'pageChoicePrompt';

type Step = (step: WaterfallStepContext<PageDraft>) => Promise<DialogTurnResult>;

export abstract class PageDialog extends ConfluenceDialog<PageDraft> {
  constructor(id: string, access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(id, access, logger, sitePreference);
    this.addDialog(new TextAnswerPrompt(PAGE_TITLE_PROMPT)).addDialog(new StrictChoicePrompt(PAGE_CHOICE_PROMPT));
  }

  protected addPageSteps(steps: Step[]): void {
    this.addSteps([this.findPageStep, this.choosePageStep, ...steps]);
  }

  protected override asksForSpace(): boolean {
    return false;
  }

  private async findPageStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.page) return step.next();
    if (draft.proposedTitle === undefined) return step.prompt(PAGE_TITLE_PROMPT, { prompt: messages.askPageTitle });
    const title = draft.proposedTitle;
    let found: PageLookup;
    try {
      found = await this.access.run(step.context, draft.site!.cloudId, (api, target) => lookUpPage(api, target, title, draft.space));
    } catch (error) {
      if (!isSearchGone(error)) throw error;
      // Without the search a title is found only in a named space (v2's title filter needs one).
      await step.context.sendActivity(messages.nameTheSpace(title.slice(0, 200)));
      return step.endDialog();
    }
    if (found.exact.length === 1) {
      draft.page = found.exact[0];
      draft.proposedTitle = undefined;
      return step.next();
    }
    const candidates = found.exact.length > 1 ? found.exact : found.close;
    if (candidates.length === 0) {
      await step.context.sendActivity(messages.noPageTitled(title.slice(0, 200), draft.space?.key));
      return step.endDialog();
    }
    this.values(step).candidates = candidates;
    const labels = candidates.map(candidateLabel);
    return step.prompt(PAGE_CHOICE_PROMPT, {
      prompt: found.exact.length > 1 ? messages.severalPagesTitled(title.slice(0, 200)) : messages.didYouMeanPage(title.slice(0, 200), draft.space?.key),
      choices: labels.map((value, index) => ({ value, synonyms: [String(index + 1), ...uniqueTitle(candidates, index)] })),
    });
  }

  private async choosePageStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.page) return step.next();
    const candidates = this.values(step).candidates as PageChoice[] | undefined;
    if (candidates !== undefined) {
      draft.page = candidates[(step.result as FoundChoice).index];
      draft.proposedTitle = undefined;
      return step.next();
    }
    // A typed title, maybe with its space ("Release notes in ENG"): looked up like one from the first sentence.
    const typed = String(step.result ?? '').trim();
    const named = recognizePageRequest(`show ${typed}`);
    const title = named?.intent === 'read' && named.title !== undefined ? named.title : typed;
    const space = named?.intent === 'read' ? named.space : undefined;
    const next: PageDraft = { ...draft, proposedTitle: title.slice(0, 1000) };
    if (space !== undefined) Object.assign(next, { space: undefined, proposedSpace: space });
    return step.replaceDialog(this.waterfallId, next);
  }

  protected withoutSite(draft: PageDraft): PageDraft {
    // A page belongs to its site: a chosen page is looked up again by its title on the new one.
    const title = draft.page?.title ?? draft.proposedTitle;
    return { ...draft, site: undefined, space: undefined, page: undefined, proposedTitle: title, confirmed: false };
  }

  protected afterChangeRequested(draft: PageDraft): PageDraft {
    return { ...draft, confirmed: false };
  }

  protected override stepDescriptions(): Record<string, string> {
    return { ...super.stepDescriptions(), [PAGE_TITLE_PROMPT]: messages.atStep.pageTitle, [PAGE_CHOICE_PROMPT]: messages.atStep.pageChoice };
  }

  protected describeCancellation(_innerDc?: DialogContext): string {
    return messages.listDropped;
  }
}

/** A candidate's title, as an answer that picks it, when no other candidate has the same one. */
function uniqueTitle(candidates: PageChoice[], index: number): string[] {
  const title = candidates[index]!.title.toLowerCase();
  return candidates.filter((candidate) => candidate.title.toLowerCase() === title).length === 1 ? [candidates[index]!.title] : [];
}

/** "1. Release notes (ENG), blog post": a button, and the whole answer that picks it. */
function candidateLabel(page: PageChoice, index: number): string {
  const where = page.spaceKey ?? page.spaceName;
  const label = `${index + 1}. ${page.title}${where ? ` (${where})` : ''}${page.type === 'blogpost' ? ', blog post' : ''}`;
  return label.length > 100 ? `${label.slice(0, 99)}…` : label;
}
