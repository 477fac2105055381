/**
 * Base for dialogs that take free text: "help" and "cancel" work at every step, before any prompt sees them.
 */
import { ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus } from 'botbuilder-dialogs';
import { ActivityTypes } from 'botbuilder';
import { messages } from './messages.js';

export abstract class CancelAndHelpDialog extends ComponentDialog {
  /** Where the user is, in words, for the help text ("you're choosing the space"). */
  protected abstract describeStep(innerDc: DialogContext): string | undefined;

  /** What "cancel" drops, in words. */
  protected abstract describeCancellation(innerDc: DialogContext): string;

  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const activity = innerDc.context.activity;
    if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') return undefined;
    const text = activity.text.trim().toLowerCase().replace(/[.!]+$/, '');
    if (text === 'help' || text === '?') {
      await innerDc.context.sendActivity(messages.help(this.describeStep(innerDc)));
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    if (text === 'cancel' || text === 'stop' || text === 'quit') {
      const dropped = this.describeCancellation(innerDc);
      await innerDc.context.sendActivity(messages.cancelled(dropped));
      return innerDc.cancelAllDialogs(true);
    }
    return undefined;
  }
}
