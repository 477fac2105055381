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
import { CREATE_CONTENT_DIALOG, CreateContentDialog } from './createContentDialog.js';
import type { ContentDraft } from './draft.js';
import { LIST_PAGES_DIALOG, ListDraft, ListPagesDialog, ListPagesResult } from './listPagesDialog.js';
import { messages } from './messages.js';
import { recognize, type Recognized } from './recognizer.js';
import { requesterOf } from './requester.js';
import { SIGN_IN_COMMAND_DIALOG, SignInCommandDialog } from './signInCommandDialog.js';
import { SWITCH_SITE_DIALOG, SwitchSiteDialog } from './switchSiteDialog.js';
import { attachUsedForms, RootDialogState, wasFormUsed } from './usedForms.js';

const MAIN_DIALOG = 'mainDialog';
const MAIN_WATERFALL = 'mainWaterfall';

export class MainDialog extends ComponentDialog {
  constructor(
    private readonly connector: Connector,
    createContent: CreateContentDialog,
    listPages: ListPagesDialog,
    switchSite: SwitchSiteDialog,
  ) {
    super(MAIN_DIALOG);
    this.addDialog(createContent)
      .addDialog(listPages)
      .addDialog(switchSite)
      .addDialog(new SignInCommandDialog(connector))
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

  private async routeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
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
      case 'switch-site':
        return step.beginDialog(SWITCH_SITE_DIALOG);
      case 'sign-in':
        return step.beginDialog(SIGN_IN_COMMAND_DIALOG);
      default: {
        // Reached when a list hands over a request that takes one reply (ListPagesResult.reroute).
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

  /** A list ends when the user types something other than "more": that message is a new request. */
  private async afterStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as ListPagesResult | undefined)?.reroute) return step.replaceDialog(MAIN_WATERFALL);
    return step.endDialog();
  }
}
