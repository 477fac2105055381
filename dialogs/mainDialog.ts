/** The root dialog: reads what the user asked for (with the slots the utterance carries) and starts it. */
import {
  ComponentDialog,
  DialogSet,
  DialogState,
  DialogTurnResult,
  DialogTurnStatus,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Connector } from '../services/auth/types.js';
import { signOutMessage, statusMessage } from './accountCommands.js';
import { formIdOf, FormValues, parseFormSubmission } from './cards.js';
import { CREATE_CONTENT_DIALOG, CreateContentDialog } from './createContentDialog.js';
import type { ContentDraft } from './draft.js';
import { LIST_PAGES_DIALOG, ListDraft, ListPagesDialog, ListPagesResult } from './listPagesDialog.js';
import { messages } from './messages.js';
import { recognize } from './recognizer.js';
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
    attachUsedForms(context, (await accessor.get(context, { dialogStack: [] })) as RootDialogState);
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && context.activity.type === 'message') {
      await dc.beginDialog(this.id);
    }
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
      case 'status':
        await step.context.sendActivity(await statusMessage(this.connector, requesterOf(step.context)));
        return step.endDialog();
      case 'sign-out':
        await step.context.sendActivity(await signOutMessage(this.connector, requesterOf(step.context)));
        return step.endDialog();
      case 'help':
        await step.context.sendActivity(messages.help(undefined));
        return step.endDialog();
      case 'cancel':
        await step.context.sendActivity(messages.nothingToCancel);
        return step.endDialog();
      case 'greeting':
        await step.context.sendActivity(messages.greeting);
        return step.endDialog();
      case 'thanks':
        await step.context.sendActivity(messages.youAreWelcome);
        return step.endDialog();
      case 'acknowledgement':
        await step.context.sendActivity(messages.acknowledged);
        return step.endDialog();
      case 'unknown':
        await step.context.sendActivity(messages.didNotUnderstand);
        return step.endDialog();
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
