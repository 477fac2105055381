/**
 * After the OAuth callback, resumes the conversation that asked for the sign-in: a proactive turn carrying a
 * SIGN_IN_COMPLETED event runs through the bot like any other activity, so the waiting dialog decides what's next.
 */
import { ActivityTypes, CloudAdapter, ConversationReference, TurnContext } from 'botbuilder';
import type { CallbackOutcome } from '../services/auth/types.js';
import type { Logger } from '../services/logging/logger.js';
import { SIGN_IN_COMPLETED_EVENT, SignInCompletedValue } from '../dialogs/signInDialog.js';

export function createSignInResumer(
  adapter: CloudAdapter,
  botAppId: string,
  runTurn: (context: TurnContext) => Promise<void>,
  logger: Logger,
): (outcome: CallbackOutcome) => Promise<void> {
  return async (outcome) => {
    if (outcome.kind === 'preauthorized') {
      logger.info('shared connection authorized', { profile: outcome.profileName, sites: outcome.sites.map((s) => s.name) });
      return;
    }
    if (outcome.kind === 'rejected' || outcome.kind === 'preauthorization-confirmation-required') return;
    if (outcome.conversation === undefined) return;
    // In Teams the pop-up hands the code to Teams, which sends it in `signin/verifyState`: no need to ask for it.
    if (outcome.kind === 'user-confirmation-required' && outcome.conversation.channelId === 'msteams') return;
    const value: SignInCompletedValue = {
      outcome:
        outcome.kind === 'user-signed-in'
          ? 'signed-in'
          : outcome.kind === 'user-confirmation-required'
            ? 'confirm-code'
            : outcome.reason === 'denied'
              ? 'denied'
              : 'failed',
    };
    await adapter.continueConversationAsync(botAppId, outcome.conversation as Partial<ConversationReference>, async (context) => {
      // continueConversationAsync invents an id for this turn, and every reply would name it as its replyToId: an
      // activity the client never received, which Web Chat waits seconds for before it shows the reply.
      delete context.activity.id;
      context.activity.type = ActivityTypes.Event;
      context.activity.name = SIGN_IN_COMPLETED_EVENT;
      context.activity.value = value;
      await runTurn(context);
    });
  };
}
