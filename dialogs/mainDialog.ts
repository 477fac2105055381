/** The root dialog: reads what the user asked for and starts the matching conversation. */
import {
  ComponentDialog,
  DialogSet,
  DialogState,
  DialogTurnStatus,
  WaterfallDialog,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { CREATE_CONTENT_DIALOG, CreateContentDialog } from './createContentDialog.js';
import type { ContentDraft } from './draft.js';
import { recognizeIntent, typeFromUtterance } from './intents.js';
import { messages } from './messages.js';

export const MAIN_DIALOG = 'mainDialog';
const MAIN_WATERFALL = 'mainWaterfall';

export class MainDialog extends ComponentDialog {
  constructor(createContent: CreateContentDialog) {
    super(MAIN_DIALOG);
    this.addDialog(createContent).addDialog(new WaterfallDialog(MAIN_WATERFALL, [this.routeStep.bind(this)]));
    this.initialDialogId = MAIN_WATERFALL;
  }

  /**
   * Runs the dialog stack for one turn. Like botbuilder-dialogs' runDialog, except that only a message starts a
   * conversation: an event (a sign-in completing) can only resume one that is waiting for it.
   */
  async run(context: TurnContext, accessor: StatePropertyAccessor<DialogState>): Promise<void> {
    const dialogSet = new DialogSet(accessor);
    dialogSet.add(this);
    const dc = await dialogSet.createContext(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty && context.activity.type === 'message') {
      await dc.beginDialog(this.id);
    }
  }

  private async routeStep(step: WaterfallStepContext) {
    const text = step.context.activity.text;
    switch (recognizeIntent(text)) {
      case 'create-content': {
        const draft: ContentDraft = { type: typeFromUtterance(text) };
        return step.beginDialog(CREATE_CONTENT_DIALOG, draft);
      }
      case 'help':
        await step.context.sendActivity(messages.help(undefined));
        return step.endDialog();
      case 'cancel':
        await step.context.sendActivity(messages.nothingToCancel);
        return step.endDialog();
      default:
        await step.context.sendActivity(messages.didNotUnderstand);
        return step.endDialog();
    }
  }
}
