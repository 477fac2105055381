/**
 * Turn handling: welcomes new members, runs the dialogs for messages, events and Teams' sign-in verification,
 * and saves state after every turn. In Teams group chats and channels it answers only when @mentioned.
 */
import {
  BotState,
  SigninStateVerificationQuery,
  StatePropertyAccessor,
  TeamsActivityHandler,
  TurnContext,
  UserState,
} from 'botbuilder';
import type { DialogState } from '../dialogs/dialogsLib.js';
import type { Connector } from '../services/auth/types.js';
import { Logger, silentLogger } from '../services/logging/logger.js';
import type { MainDialog } from '../dialogs/mainDialog.js';
import { connectionLine, messages } from '../dialogs/messages.js';
import { takeAddressedMessage } from './addressing.js';
import { TURN_CLAIM, type TurnClaim } from '../dialogs/turnClaim.js';
import { isClaimable, isStateConflict } from './etagGuardedState.js';
import { Outbox } from './outbox.js';
import { TurnQueue } from './turnQueue.js';

/** A turn refused twice because another turn of the conversation saved first gives up (see `run`). */
const MAX_ATTEMPTS = 2;

export class ConfluenceBot extends TeamsActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly turns = new TurnQueue();

  constructor(
    /** Where dialog state lives: PrivateConversationState, so in a group chat each person has their own dialog. */
    private readonly conversationState: BotState,
    private readonly userState: UserState,
    private readonly dialog: MainDialog,
    private readonly connector: Connector,
    private readonly logger: Logger = silentLogger,
  ) {
    super();
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');

    this.onMessage(async (context, next) => {
      // In a group chat, a person in the middle of a conversation with the bot answers its prompts (often by a
      // button, which carries no @mention); anyone else must @mention the bot.
      if (takeAddressedMessage(context.activity) || (await this.isMidConversation(context))) {
        await this.dialog.run(context, this.dialogState);
      }
      await next();
    });

    this.onEvent(async (context, next) => {
      await this.dialog.run(context, this.dialogState);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const newcomers = (context.activity.membersAdded ?? []).filter((member) => member.id !== context.activity.recipient.id);
      if (newcomers.length > 0) {
        await context.sendActivity(messages.welcome(connectionLine(await this.connector.describe())));
      }
      await next();
    });
  }

  /**
   * Teams sends `signin/verifyState` when a sign-in popup reports success. Our sign-in card opens the browser
   * instead and the OAuth callback resumes the conversation itself, so this is at most a hint: the waiting
   * sign-in dialog checks the stored connection, never the payload, and nothing else reacts to it (see
   * SignInDialog). Teams always gets a 200, whatever happens here.
   */
  protected override async handleTeamsSigninVerifyState(context: TurnContext, _query: SigninStateVerificationQuery): Promise<void> {
    try {
      await this.dialog.run(context, this.dialogState);
    } catch (error) {
      this.logger.error('signin/verifyState could not continue the conversation', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  private async isMidConversation(context: TurnContext): Promise<boolean> {
    const state = await this.dialogState.get(context);
    return (state?.dialogStack?.length ?? 0) > 0;
  }

  /** Resolves when no turn is running or queued, proactive ones included. */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  /**
   * One turn, its state saved, then its replies delivered (outbox.ts). Turns of one conversation run one at a time
   * in this process (turnQueue.ts); another instance may still run one at the same moment, and then the state saved
   * second is refused (etagGuardedState.ts). The turn that lost runs once more on the fresh state, its first replies
   * unsent; losing twice, it says so plainly instead of acting on a conversation it cannot keep up with.
   */
  override async run(context: TurnContext): Promise<void> {
    const conversation = `${context.activity.channelId}/${context.activity.conversation?.id}`;
    await this.turns.run(conversation, async () => {
      const outbox = new Outbox(context);
      context.turnState.set(TURN_CLAIM, (() => this.claim(context)) satisfies TurnClaim);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.waitWhileClaimedElsewhere(context);
          await super.run(context);
          // User state first: it changes rarely, and re-applying a turn's change to it (a preferred site) is harmless,
          // whereas a turn whose conversation state was saved must not run again.
          await this.userState.saveChanges(context, false);
          await this.conversationState.saveChanges(context, false);
          break;
        } catch (error) {
          if (!isStateConflict(error)) {
            outbox.discard();
            await this.releaseClaim(context);
            throw error;
          }
          outbox.restart();
          if (attempt >= MAX_ATTEMPTS) {
            this.logger.warn('conversation kept changing elsewhere; asked the user to send the message again', { attempts: attempt });
            await outbox.flush();
            await context.sendActivity(messages.changedMeanwhile);
            return;
          }
          this.logger.info('another turn changed this conversation first; running this one again on the fresh state');
          await this.conversationState.load(context, true);
          await this.userState.load(context, true);
        }
      }
      await outbox.flush();
    });
  }

  private async claim(context: TurnContext): Promise<void> {
    if (isClaimable(this.conversationState)) await this.conversationState.claim(context);
  }

  /** Best effort: if it fails too, the mark lapses on its own (CLAIM_HOLD_MS). */
  private async releaseClaim(context: TurnContext): Promise<void> {
    if (!isClaimable(this.conversationState)) return;
    await this.conversationState.releaseClaim(context).catch((error: unknown) => this.logger.warn('could not release the turn claim', { error }));
  }

  /** Another instance's turn is creating something in this conversation: act on the state it leaves, not the one before. */
  private async waitWhileClaimedElsewhere(context: TurnContext): Promise<void> {
    const state = this.conversationState;
    if (!isClaimable(state)) return;
    await state.load(context);
    for (let until = state.busyElsewhereUntil(context); until !== undefined; until = state.busyElsewhereUntil(context)) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(10, Math.min(100, until - Date.now()))));
      await state.load(context, true);
    }
  }
}
