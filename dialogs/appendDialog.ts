/**
 * Add to a page: … → which page (PageDialog) → the lines in Markdown → what will be added, to which version, and
 * a confirmation → the page updated to the next version with the lines at the end.
 *
 * Nothing anyone else saved is ever overwritten: the update is made to the version just read, and only when it is
 * the version the user confirmed. If the page changed in between (a newer version, or Confluence's 409 when it
 * changed during the update itself), the user is shown the new version and asked again.
 */
import { DialogTurnResult, FoundChoice, WaterfallStepContext } from './dialogsLib.js';
import type { ConfluenceApi, ConfluenceTarget, ContentDetail } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { ConfluenceError } from './failures.js';
import { messages } from './messages.js';
import type { ConversationEnd, PageChoice, PageDraft } from './pageDraft.js';
import { APPEND_DIALOG } from './pageFollowUps.js';
import { PageWritingDialog } from './pageWritingDialog.js';
import { choicesWithSynonyms } from './strictChoicePrompt.js';
import type { SitePreference } from './sitePreference.js';

export { APPEND_DIALOG } from './pageFollowUps.js';

const CONFIRM_SYNONYMS: Record<string, string[]> = { Add: ['yes', 'y', 'add it', 'confirm', 'go ahead'], Change: ['edit', 'change it'] };
/** Shown in the page history; says where the change came from without naming anyone's chat. */
const VERSION_MESSAGE = 'Added from chat';

/** Done, or not sent because the page has a newer version (`by`: who saved it, when their name can be read). */
type Outcome = { done: true; version: number; webUrl: string } | { done: false; now: ContentDetail; by?: string };

export class AppendDialog extends PageWritingDialog {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(APPEND_DIALOG, 'append', access, logger, sitePreference);
    this.addWritingSteps([this.confirmStep, this.appendStep]);
  }

  protected askText(page: PageChoice): string {
    return messages.askAddition(page.title);
  }

  protected describeWritingSteps() {
    return { text: messages.atStep.appendText, confirm: messages.atStep.appendConfirm };
  }

  private async confirmStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const asked = await this.takeText(step);
    if (asked !== undefined) return asked;
    const draft = this.draft(step);
    if (draft.confirmed && draft.confirmedVersion !== undefined) return step.next({ value: 'Add', index: 0, score: 1 } satisfies FoundChoice);
    const current = await this.read(step, draft);
    if (current === undefined) return step.endDialog({ reroute: false } satisfies ConversationEnd);
    this.values(step).version = current.version.number;
    return step.prompt(this.confirmPrompt, {
      prompt: messages.appendSummary(draft.page!, current.version.number, draft.text!),
      choices: choicesWithSynonyms(messages.appendChoices, CONFIRM_SYNONYMS),
    });
  }

  private async appendStep(step: WaterfallStepContext<PageDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const choice = (step.result as FoundChoice).value;
    if (choice === 'Change') return step.replaceDialog(this.waterfallId, { ...draft, text: undefined, confirmed: false, confirmedVersion: undefined });
    if (choice !== 'Add') {
      await step.context.sendActivity(messages.cancelled(messages.pageUnchanged));
      return step.endDialog({ reroute: false } satisfies ConversationEnd);
    }
    draft.confirmed = true;
    draft.confirmedVersion ??= this.values(step).version as number;
    const page = draft.page!;
    let outcome: Outcome | undefined;
    try {
      outcome = await this.access.run(step.context, draft.site!.cloudId, async (api, target): Promise<Outcome> => {
        let now = await api.getContent(target, { type: page.type, id: page.id });
        if (now.version.number === draft.confirmedVersion) {
          try {
            const appended = await api.appendToContent(target, { base: now, additionMarkdown: draft.text!, message: VERSION_MESSAGE });
            return { done: true, ...appended };
          } catch (error) {
            if (!(error instanceof ConfluenceError) || error.kind !== 'conflict') throw error;
            now = await api.getContent(target, { type: page.type, id: page.id });
          }
        }
        return { done: false, now, by: await nameOf(api, target, now.version.authorId) };
      });
    } catch (error) {
      if (error instanceof ConfluenceError && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        await step.context.sendActivity(await this.refusal(step, messages.cannotEdit));
        return step.endDialog({ reroute: false } satisfies ConversationEnd);
      }
      throw error;
    }
    if (!outcome.done) {
      // Someone saved a version since the user confirmed: show it and ask again; their lines are kept.
      this.logger.info('page changed before the addition', { confirmed: draft.confirmedVersion, now: outcome.now.version.number });
      await step.context.sendActivity(messages.pageChangedMeanwhile(page.title, outcome.now.version.number, outcome.by));
      return step.replaceDialog(this.waterfallId, { ...draft, confirmed: false, confirmedVersion: undefined });
    }
    await step.context.sendActivity(messages.appended(page.title, outcome.version, outcome.webUrl));
    return step.endDialog({ reroute: false } satisfies ConversationEnd);
  }

  /** The page as it is now; undefined (the user told) when it is gone. */
  private async read(step: WaterfallStepContext<PageDraft>, draft: PageDraft): Promise<ContentDetail | undefined> {
    const page = draft.page!;
    try {
      return await this.access.run(step.context, draft.site!.cloudId, (api, target) => api.getContent(target, { type: page.type, id: page.id }));
    } catch (error) {
      if (error instanceof ConfluenceError && (error.kind === 'not-found' || error.kind === 'forbidden')) {
        await step.context.sendActivity(messages.pageGone(page.title));
        return undefined;
      }
      throw error;
    }
  }

  protected override describeCancellation(): string {
    return messages.pageUnchanged;
  }
}

/** Who saved a version, when the connection may read people's names; a nicety, so any failure leaves it out. */
async function nameOf(api: ConfluenceApi, target: ConfluenceTarget, accountId: string | undefined): Promise<string | undefined> {
  if (accountId === undefined) return undefined;
  try {
    return (await api.userNames(target, [accountId])).get(accountId);
  } catch (error) {
    if (error instanceof ConfluenceError && error.kind !== 'unauthorized') return undefined;
    throw error;
  }
}
