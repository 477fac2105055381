/** The root dialog: reads what the user asked for (with the slots the utterance carries) and starts it. */
import {
  ComponentDialog,
  DialogSet,
  DialogState,
  DialogTurnResult,
  DialogTurnStatus,
  WaterfallDialog,
  WaterfallStepContext,
} from './dialogsLib.js';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Connector } from '../services/auth/types.js';
import { signOutMessage, statusMessage } from './accountCommands.js';
import { formIdOf, FormValues, parseFormSubmission } from './cards.js';
import { keepDialogMemoryConfiguration, reuseDialogMemoryConfiguration } from './dialogMemory.js';
import { AppendDialog } from './appendDialog.js';
import { CommentDialog } from './commentDialog.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { CREATE_CONTENT_DIALOG, CreateContentDialog } from './createContentDialog.js';
import type { ContentDraft } from './draft.js';
import { FIND_DIALOG, FindDialog } from './findDialog.js';
import { LIST_PAGES_DIALOG, ListDraft, ListPagesDialog } from './listPagesDialog.js';
import { messages } from './messages.js';
import type { ConversationEnd, FindDraft, PageDraft } from './pageDraft.js';
import { dialogFor } from './pageFollowUps.js';
import { ReadPageDialog } from './readPageDialog.js';
import { recognize, type Recognized } from './recognizer.js';
import { requesterOf } from './requester.js';
import { SIGN_IN_COMMAND_DIALOG, SignInCommandDialog } from './signInCommandDialog.js';
import type { SitePreference } from './sitePreference.js';
import { SWITCH_SITE_DIALOG, SwitchSiteDialog } from './switchSiteDialog.js';
import { attachUsedForms, RootDialogState, wasFormUsed } from './usedForms.js';
import type { Logger } from '../services/logging/logger.js';

const MAIN_DIALOG = 'mainDialog';
const MAIN_WATERFALL = 'mainWaterfall';

/** How the root waterfall is started again: with the conversation a finished one handed on, if any. */
interface RouteOptions {
  followUp?: ConversationEnd['followUp'];
}

/** Every conversation the bot has, on the same services. */
export function createMainDialog(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference): MainDialog {
  return new MainDialog(access.connector, [
    new CreateContentDialog(access, logger, sitePreference),
    new ListPagesDialog(access, logger, sitePreference),
    new FindDialog(access, logger, sitePreference),
    new ReadPageDialog(access, logger, sitePreference),
    new CommentDialog(access, logger, sitePreference),
    new AppendDialog(access, logger, sitePreference),
    new SwitchSiteDialog(access.connector, sitePreference),
  ]);
}

export class MainDialog extends ComponentDialog {
  constructor(
    private readonly connector: Connector,
    conversations: Array<ComponentDialog>,
  ) {
    super(MAIN_DIALOG);
    for (const conversation of conversations) this.addDialog(conversation);
    this.addDialog(new SignInCommandDialog(connector))
      .addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.routeStep.bind(this), this.afterStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  /**
   * Runs the dialog stack for one turn. Like botbuilder-dialogs' runDialog, except that only a message starts a
   * conversation: an event (a sign-in completing) can only resume one that is waiting for it.
   */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const state = (await accessor.get(context, { dialogStack: [] })) as RootDialogState;
    attachUsedForms(context, state);
    // Nothing waits for an answer and the message takes one reply (help, status, thanks…): it is answered here,
    // without building the dialog machinery (about a tenth of such a turn's CPU) for a turn that leaves no state.
    if (state.dialogStack.length === 0 && context.activity.type === 'message' && (await this.answerAtOnce(context))) return;
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    reuseDialogMemoryConfiguration(context);
    const dc = await dialogSet.createContext(context);
    keepDialogMemoryConfiguration(dc);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && context.activity.type === 'message') {
      await dc.beginDialog(this.id);
    }
  }

  /** Sends the one reply a request takes when it starts no dialog; false when it needs one (or is a form). */
  private async answerAtOnce(context: TurnContext): Promise<boolean> {
    if (parseFormSubmission(context.activity.value) !== undefined) return false;
    const reply = await this.oneReply(context, recognize(context.activity.text));
    if (reply === undefined) return false;
    await context.sendActivity(reply);
    return true;
  }

  private async routeStep(step: WaterfallStepContext<RouteOptions>): Promise<DialogTurnResult> {
    const followUp = step.options?.followUp;
    if (followUp !== undefined) return step.beginDialog(followUp.dialogId, followUp.draft);
    const form = parseFormSubmission(step.context.activity.value);
    if (form !== undefined) return this.lateForm(step, form, formIdOf(step.context.activity.value));
    const recognized = recognize(step.context.activity.text);
    switch (recognized.intent) {
      case 'create-content': {
        const draft: ContentDraft = { type: recognized.type, proposedTitle: recognized.title, proposedSpace: recognized.space };
        return step.beginDialog(CREATE_CONTENT_DIALOG, draft);
      }
      case 'list-pages': {
        const draft: ListDraft = { proposedSpace: recognized.space, filter: recognized.filter };
        return step.beginDialog(LIST_PAGES_DIALOG, draft);
      }
      case 'find': {
        const draft: FindDraft = { text: recognized.text, proposedSpace: recognized.space };
        return step.beginDialog(FIND_DIALOG, draft);
      }
      case 'read':
      case 'comment':
      case 'append': {
        if (recognized.result !== undefined) {
          // "open 2" reaches here only when no search results are waiting for it.
          await step.context.sendActivity(messages.openResultWithoutSearch);
          return step.endDialog();
        }
        const text = recognized.intent === 'read' ? undefined : recognized.text;
        const draft: PageDraft = { proposedTitle: recognized.title, proposedSpace: recognized.space, ...(text === undefined ? {} : { text }) };
        return step.beginDialog(dialogFor(recognized.intent), draft);
      }
      case 'switch-site':
        return step.beginDialog(SWITCH_SITE_DIALOG);
      case 'sign-in':
        return step.beginDialog(SIGN_IN_COMMAND_DIALOG);
      default: {
        // Reached when a list hands over a request that takes one reply (ConversationEnd.reroute).
        const reply = await this.oneReply(step.context, recognized);
        if (reply !== undefined) await step.context.sendActivity(reply);
        return step.endDialog();
      }
    }
  }

  /** The reply to a request that starts no dialog; undefined for one that does. */
  private async oneReply(context: TurnContext, recognized: Recognized): Promise<string | undefined> {
    switch (recognized.intent) {
      case 'create-content':
      case 'list-pages':
      case 'find':
      case 'read':
      case 'comment':
      case 'append':
      case 'switch-site':
      case 'sign-in':
        return undefined;
      case 'status':
        return statusMessage(this.connector, requesterOf(context));
      case 'sign-out':
        return signOutMessage(this.connector, requesterOf(context));
      case 'help':
        return messages.help(undefined);
      case 'cancel':
        return messages.nothingToCancel;
      case 'greeting':
        return messages.greeting;
      case 'thanks':
        return messages.youAreWelcome;
      case 'acknowledgement':
        return messages.acknowledged;
      case 'unknown':
        return messages.didNotUnderstand;
    }
  }

  /**
   * A form's Create pressed when no dialog waits for it (its request was cancelled or replaced): a new request with
   * its values, which asks for confirmation since the user did not see them checked. A form whose content was
   * already created is not created again.
   */
  private async lateForm(step: WaterfallStepContext, form: FormValues, formId: string | undefined): Promise<DialogTurnResult> {
    if (wasFormUsed(step.context, formId)) {
      await step.context.sendActivity(messages.formAlreadyUsed);
      return step.endDialog();
    }
    await step.context.sendActivity(messages.formRestarted);
    const draft: ContentDraft = {
      type: form.type ?? 'page',
      proposedTitle: form.title?.trim() ? form.title : undefined,
      proposedSpace: form.spaceKey,
      body: form.body ?? '',
      formId,
      formShown: true,
    };
    return step.beginDialog(CREATE_CONTENT_DIALOG, draft);
  }

  /**
   * A list, search results or a page card end when the user types something other than what they offer: that
   * message is a new request. "open 2", "comment" and the like name the conversation that comes next.
   */
  private async afterStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const end = step.result as ConversationEnd | undefined;
    if (end?.followUp !== undefined) return step.replaceDialog(MAIN_WATERFALL, { followUp: end.followUp } satisfies RouteOptions);
    if (end?.reroute) return step.replaceDialog(MAIN_WATERFALL);
    return step.endDialog();
  }
}
