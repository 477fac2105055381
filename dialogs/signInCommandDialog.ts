/** "sign in": connect now, before asking for anything (and the way to sign in for use in a group chat). */
import { ComponentDialog, DialogTurnResult, WaterfallDialog, WaterfallStepContext } from './dialogsLib.js';
import type { Connector } from '../services/auth/types.js';
import { messages } from './messages.js';
import { requesterOf } from './requester.js';
import { inSharedConversation } from './sharedConversation.js';
import { SignInDialog, SignInResult } from './signInDialog.js';

export const SIGN_IN_COMMAND_DIALOG = 'signInCommandDialog';
const SIGN_IN = 'signInCommandSignIn';

export class SignInCommandDialog extends ComponentDialog {
  constructor(private readonly connector: Connector) {
    super(SIGN_IN_COMMAND_DIALOG);
    this.addDialog(new SignInDialog(SIGN_IN, connector)).addDialog(
      new WaterfallDialog(`${SIGN_IN_COMMAND_DIALOG}Steps`, [this.checkStep.bind(this), this.doneStep.bind(this)]),
    );
    this.initialDialogId = `${SIGN_IN_COMMAND_DIALOG}Steps`;
  }

  private async checkStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const connection = await this.connector.getConnection(requesterOf(step.context));
    if (connection.status === 'connected') {
      await step.context.sendActivity(messages.alreadySignedIn(connection.mode, connection.sites.map((site) => site.name)));
      return step.endDialog();
    }
    if (connection.status === 'admin-action-required') {
      // Nothing is being drafted here, so the status sentence, not the "say retry" one.
      await step.context.sendActivity(messages.sharedConnectionStatus(connection.reason));
      return step.endDialog();
    }
    if (inSharedConversation(step.context)) {
      await step.context.sendActivity(messages.signInPrivately);
      return step.endDialog();
    }
    return step.beginDialog(SIGN_IN, { reason: connection.reason });
  }

  private async doneStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if ((step.result as SignInResult | undefined)?.signedIn) await step.context.sendActivity(messages.whatNow);
    return step.endDialog();
  }
}
