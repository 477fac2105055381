/**
 * Comment: … → which page (PageDialog) → the comment in Markdown → confirm → a footer comment → its link.
 */
import { DialogTurnResult, FoundChoice, WaterfallStepContext } from './dialogsLib.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import type { ConversationEnd, PageChoice, PageDraft } from './pageDraft.js';
import { COMMENT_DIALOG } from './pageFollowUps.js';
import { PageWritingDialog } from './pageWritingDialog.js';
import { choicesWithSynonyms } from './strictChoicePrompt.js';
import type { SitePreference } from './sitePreference.js';

export { COMMENT_DIALOG } from './pageFollowUps.js';

const CONFIRM_SYNONYMS: Record<string, string[]> = { Post: ['yes', 'y', 'post it', 'confirm', 'go ahead', 'send'], Change: ['edit', 'change it'] };

export class CommentDialog extends PageWritingDialog {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(COMMENT_DIALOG, 'comment', access, logger, sitePreference);
    this.addWritingSteps([this.confirmStep, this.postStep]);
  }

  protected askText(page: PageChoice): string {
    return messages.askComment(page.title);
  }

  protected describeWritingSteps() {
    return { text: messages.atStep.commentText, confirm: messages.atStep.commentConfirm };
  }

  private async confirmStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const asked = await this.takeText(step);
    if (asked !== undefined) return asked;
    const draft = this.draft(step);
    if (draft.confirmed) return step.next({ value: 'Post', index: 0, score: 1 } satisfies FoundChoice);
    return step.prompt(this.confirmPrompt, {
      prompt: messages.commentSummary(draft.page!, draft.text!),
      choices: choicesWithSynonyms(messages.commentChoices, CONFIRM_SYNONYMS),
    });
  }

  private async postStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const choice = (step.result as FoundChoice).value;
    if (choice === 'Change') return step.replaceDialog(this.waterfallId, { ...draft, text: undefined, confirmed: false });
    if (choice !== 'Post') {
      await step.context.sendActivity(messages.cancelled(messages.nothingPosted));
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    }
    draft.confirmed = true;
    const page = draft.page!;
    try {
      const comment = await this.access.run(step.context, draft.site!.cloudId, (api, target) =>
        api.addFooterComment(target, { on: { type: page.type, id: page.id }, bodyMarkdown: draft.text! }),
      );
      await step.context.sendActivity(messages.commented(page.title, comment.webUrl ?? page.webUrl));
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    } catch (error) {
      if (error instanceof ConfluenceError && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        await step.context.sendActivity(await this.refusal(step, messages.cannotComment));
        return step.endDialog({ reroute: false } satisfies ConversationEnd);
      }
      throw error;
    }
  }

  protected override describeCancellation(): string {
    return messages.nothingPosted;
  }
}
