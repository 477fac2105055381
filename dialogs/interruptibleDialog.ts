/**
 * Base for the conversations that take free text: help, cancel, status, sign out and switch site work at every
 * step, before any prompt sees the message.
 */
import { ActivityTypes } from 'botbuilder';
import { ComponentDialog, DialogContext, DialogTurnResult, DialogTurnStatus } from './dialogsLib.js';
import type { Connector } from '../services/auth/types.js';
import { signOutMessage, statusMessage } from './accountCommands.js';
import { messages } from './messages.js';
import { recognizeCommand } from './recognizer.js';
import { requesterOf } from './requester.js';

export abstract class InterruptibleDialog extends ComponentDialog {
  constructor(
    id: string,
    protected readonly connector: Connector,
  ) {
    super(id);
  }

  /** Where the user is, in words, for the help text ("you are choosing the space"). */
  protected abstract describeStep(innerDc: DialogContext): string | undefined;

  /** What "cancel" drops, in words. */
  protected abstract describeCancellation(innerDc?: DialogContext): string;

  /** "switch site": go back to the site choice, keeping what does not depend on the site. */
  protected abstract switchSite(innerDc: DialogContext): Promise<DialogTurnResult>;

  override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const activity = innerDc.context.activity;
    if (activity.type !== ActivityTypes.Message || typeof activity.text !== 'string') return undefined;
    const command = recognizeCommand(activity.text);
    switch (command) {
      case 'help':
        await innerDc.context.sendActivity(messages.help(this.describeStep(innerDc)));
        return this.reprompt(innerDc);
      case 'cancel':
        await innerDc.context.sendActivity(messages.cancelled(this.describeCancellation(innerDc)));
        return innerDc.cancelAllDialogs(true);
      case 'status':
        await innerDc.context.sendActivity(await statusMessage(this.connector, requesterOf(innerDc.context)));
        return this.reprompt(innerDc);
      case 'sign-out':
        await innerDc.context.sendActivity(await signOutMessage(this.connector, requesterOf(innerDc.context)));
        return this.reprompt(innerDc);
      case 'switch-site':
        return this.switchSite(innerDc);
      case undefined:
        return undefined;
    }
  }

  protected async reprompt(innerDc: DialogContext): Promise<DialogTurnResult> {
    await innerDc.repromptDialog();
    return { status: DialogTurnStatus.waiting };
  }
}
