/**
 * What comment and add share: which page (PageDialog) → the Markdown text (from the sentence, or asked for) → the
 * subclass's confirmation and write. "Change" after a failure, or at the confirmation, asks for the text again.
 */
import type { DialogTurnResult, WaterfallStepContext } from './dialogsLib.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import { PageDialog } from './pageDialog.js';
import type { PageChoice, PageDraft } from './pageDraft.js';
import { StrictChoicePrompt } from './strictChoicePrompt.js';
import type { SitePreference } from './sitePreference.js';

type Step = (step: WaterfallStepContext<PageDraft>) => Promise<DialogTurnResult>;

/** Confluence's request limit; the storage format is a little larger than the Markdown, so this is a first check. */
const MAX_TEXT_BYTES = 5 * 1024 * 1024;

export abstract class PageWritingDialog extends PageDialog {
  private readonly textPrompt: string;
  protected readonly confirmPrompt: string;

  /** `name` prefixes the prompts' ids ("comment" → commentTextPrompt, commentConfirmPrompt). */
  constructor(id: string, name: string, access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(id, access, logger, sitePreference);
    this.textPrompt = `${name}TextPrompt`;
    this.confirmPrompt = `${name}ConfirmPrompt`;
    this.addDialog(new TextAnswerPrompt(this.textPrompt)).addDialog(new StrictChoicePrompt(this.confirmPrompt));
  }

  /** The steps after the text: the first receives the typed text, if one was asked for, through `takeText`. */
  protected addWritingSteps(steps: Step[]): void {
    this.addPageSteps([this.textStep, ...steps]);
  }

  /** The question that asks for the text. */
  protected abstract askText(page: PageChoice): string;

  /** What the help text says at the text and confirmation prompts. */
  protected abstract describeWritingSteps(): { text: string; confirm: string };

  private async textStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.text !== undefined) return step.next();
    return step.prompt(this.textPrompt, { prompt: this.askText(draft.page!) });
  }

  /**
   * Takes a typed answer into the draft. Undefined when the draft has its text; otherwise the turn's result after
   * saying why an answer cannot be used and asking again.
   */
  protected async takeText(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult | undefined> {
    const draft = this.draft(step);
    if (draft.text !== undefined) return undefined;
    const text = String(step.result ?? '');
    const bytes = Buffer.byteLength(text, 'utf8');
    const problem = text.trim() === '' ? messages.textBlank : bytes > MAX_TEXT_BYTES ? messages.textTooLarge(bytes) : undefined;
    if (problem === undefined) {
      draft.text = text;
      return undefined;
    }
    await step.context.sendActivity(problem);
    return step.replaceDialog(this.waterfallId, draft);
  }

  /**
   * What to say when Confluence refused the write with 404 or 403. It answers 404 both for content that is gone and
   * for content the user may read but not change (a read-only space), so the page is read again to tell which.
   */
  protected async refusal(step: WaterfallStepContext<PageDraft>, cannot: (title: string) => string): Promise<string> {
    const page = this.draft(step).page!;
    try {
      await this.access.run(step.context, this.draft(step).site!.cloudId, (api, target) => api.getContent(target, { type: page.type, id: page.id }));
      return cannot(page.title);
    } catch (error) {
      if (error instanceof ConfluenceError && error.kind !== 'unauthorized') return messages.pageGone(page.title);
      throw error;
    }
  }

  protected override offersChange(): boolean {
    return true;
  }

  protected override afterChangeRequested(draft: PageDraft): PageDraft {
    return { ...draft, text: undefined, confirmed: false, confirmedVersion: undefined };
  }

  protected override stepDescriptions(): Record<string, string> {
    const { text, confirm } = this.describeWritingSteps();
    return { ...super.stepDescriptions(), [this.textPrompt]: text, [this.confirmPrompt]: confirm };
  }
}
