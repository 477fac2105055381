/**
 * Waits for the user to sign in to Confluence. Sends a sign-in card whose link starts the OAuth flow; the OAuth
 * callback resumes this conversation with a SIGN_IN_COMPLETED event (see bots/signInResumer.ts), so the dialog,
 * not the route handler, decides what comes next.
 *
 * When the browser could not prove it belongs to this chat user (services/auth/confirmationPolicy.ts), the sign-in
 * waits for the 6-digit code from the Connected page: typed here, or handed over by Teams in `signin/verifyState`
 * (the Teams pop-up passes it to `notifySuccess`). Only the person in this chat can bring it here.
 */
import { ActivityTypes, CardFactory, MessageFactory, TurnContext, verifyStateOperationName } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from './dialogsLib.js';
import { codeIn } from '../services/auth/signInConfirmations.js';
import type { ConfirmOutcome, Connector } from '../services/auth/types.js';
import { conversationAddressOf } from './conversationAddress.js';
import { messages } from './messages.js';
import { requesterOf } from './requester.js';

export const SIGN_IN_COMPLETED_EVENT = 'confluence/signInCompleted';

export interface SignInCompletedValue {
  /** `confirm-code`: the browser finished, and the Connected page shows the code to type here. */
  outcome: 'signed-in' | 'denied' | 'failed' | 'confirm-code';
}

export interface SignInResult {
  signedIn: boolean;
}

interface SignInOptions {
  /** Why we ask: a first sign-in, or a refused refresh token (then the draft is mentioned). */
  reason: 'no-token' | 'refresh-refused';
}

export class SignInDialog extends Dialog<SignInOptions> {
  constructor(
    id: string,
    private readonly connector: Connector,
  ) {
    super(id);
  }

  override async beginDialog(dc: DialogContext, options?: SignInOptions): Promise<DialogTurnResult> {
    const intro = options?.reason === 'refresh-refused' ? messages.signInAgain : messages.signInPrompt;
    await this.sendSignInCard(dc.context, intro);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    if (activity.type === ActivityTypes.Event && activity.name === SIGN_IN_COMPLETED_EVENT) {
      const value = activity.value as SignInCompletedValue | undefined;
      if (value?.outcome === 'signed-in') return this.signedIn(dc);
      if (value?.outcome === 'confirm-code') {
        await dc.context.sendActivity(messages.enterSignInCode);
        return Dialog.EndOfTurn;
      }
      await dc.context.sendActivity(value?.outcome === 'denied' ? messages.signInDeclined : messages.signInFailed);
      return dc.endDialog({ signedIn: false } satisfies SignInResult);
    }
    if (activity.type === ActivityTypes.Invoke && activity.name === verifyStateOperationName) {
      // Teams sends this from the real user with whatever the pop-up passed to notifySuccess: our code.
      const state = (activity.value as { state?: unknown } | undefined)?.state;
      const code = typeof state === 'string' ? codeIn(state) : undefined;
      if (code !== undefined) {
        const outcome = await this.confirm(dc, code);
        if (outcome.kind === 'signed-in') return this.signedIn(dc);
        if (outcome.kind === 'wrong-code') return this.answerWrongCode(dc, outcome.attemptsLeft);
      }
      // A sign-in the callback could bind at once (Emulator mode) is simply there. Whichever of this and the
      // callback's event comes second finds this dialog already ended, and is ignored.
      const connection = await this.connector.getConnection(requesterOf(dc.context));
      return connection.status === 'connected' ? this.signedIn(dc) : Dialog.EndOfTurn;
    }
    if (activity.type === ActivityTypes.Message) {
      const code = codeIn(activity.text ?? '');
      if (code === undefined) {
        await this.sendSignInCard(dc.context, messages.stillWaitingForSignIn);
        return Dialog.EndOfTurn;
      }
      const outcome = await this.confirm(dc, code);
      if (outcome.kind === 'signed-in') return this.signedIn(dc);
      if (outcome.kind === 'wrong-code') return this.answerWrongCode(dc, outcome.attemptsLeft);
      await this.sendSignInCard(dc.context, messages.noSignInCodeWaiting);
    }
    return Dialog.EndOfTurn;
  }

  private confirm(dc: DialogContext, code: string): Promise<ConfirmOutcome> {
    return this.connector.confirmSignIn(requesterOf(dc.context), dc.context.activity.conversation.id, code);
  }

  private async answerWrongCode(dc: DialogContext, attemptsLeft: number): Promise<DialogTurnResult> {
    if (attemptsLeft > 0) await dc.context.sendActivity(messages.wrongSignInCode(attemptsLeft));
    else await this.sendSignInCard(dc.context, messages.wrongSignInCode(0));
    return Dialog.EndOfTurn;
  }

  private async signedIn(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.context.sendActivity(messages.signedIn);
    return dc.endDialog({ signedIn: true } satisfies SignInResult);
  }

  override async repromptDialog(context: TurnContext): Promise<void> {
    await this.sendSignInCard(context, messages.stillWaitingForSignIn);
  }

  private async sendSignInCard(context: TurnContext, text: string): Promise<void> {
    const link = await this.connector.startSignIn({ requester: requesterOf(context), conversation: conversationAddressOf(context.activity) });
    // The link is our own short /oauth/start link, which never carries the OAuth state. Teams opens a `signin`
    // action in its authentication pop-up, whose last page can hand the confirmation code to Teams; elsewhere an
    // openUrl button opens a browser tab.
    const card =
      context.activity.channelId === 'msteams'
        ? CardFactory.signinCard(messages.signInButton, link.url, text)
        : CardFactory.heroCard('Confluence', text, undefined, [{ type: 'openUrl', title: messages.signInButton, value: link.url }]);
    await context.sendActivity(MessageFactory.attachment(card));
  }
}
