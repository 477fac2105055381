/**
 * Waits for the user to sign in to Confluence. Sends a sign-in card whose link starts the OAuth flow; the OAuth
 * callback resumes this conversation with a SIGN_IN_COMPLETED event (see bots/signInResumer.ts), so the dialog,
 * not the route handler, decides what comes next. Teams' `signin/verifyState` invoke also counts, but only once
 * the stored connection confirms it.
 */
import { ActivityTypes, CardFactory, MessageFactory, TurnContext, verifyStateOperationName } from 'botbuilder';
import { Dialog, DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import type { Connector } from '../services/auth/types.js';
import { messages } from './messages.js';
import { requesterOf } from './requester.js';

export const SIGN_IN_COMPLETED_EVENT = 'confluence/signInCompleted';

export interface SignInCompletedValue {
  outcome: 'signed-in' | 'denied' | 'failed';
}

export interface SignInResult {
  signedIn: boolean;
}

export interface SignInOptions {
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
      await dc.context.sendActivity(value?.outcome === 'denied' ? messages.signInDeclined : messages.signInFailed);
      return dc.endDialog({ signedIn: false } satisfies SignInResult);
    }
    if (activity.type === ActivityTypes.Invoke && activity.name === verifyStateOperationName) {
      // Its payload is whatever the client says; only a token stored by our own OAuth callback proves a sign-in.
      // Whichever of this and the callback's event comes second finds this dialog already ended, and is ignored.
      const connection = await this.connector.getConnection(requesterOf(dc.context));
      return connection.status === 'connected' ? this.signedIn(dc) : Dialog.EndOfTurn;
    }
    if (activity.type === ActivityTypes.Message) {
      await this.sendSignInCard(dc.context, messages.stillWaitingForSignIn);
    }
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
    const link = await this.connector.startSignIn({
      requester: requesterOf(context),
      conversation: TurnContext.getConversationReference(context.activity),
    });
    // An openUrl button behaves the same in Teams, Web Chat and the Emulator: it opens a browser tab on our own
    // short /oauth/start link, which never carries the OAuth state.
    const card = CardFactory.heroCard('Confluence', text, undefined, [
      { type: 'openUrl', title: messages.signInButton, value: link.url },
    ]);
    await context.sendActivity(MessageFactory.attachment(card));
  }
}
