/** Turn handling: welcomes new members, runs the dialogs for messages and events, saves state after every turn. */
import { ActivityHandler, ConversationState, StatePropertyAccessor, TurnContext, UserState } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { Connector } from '../services/auth/types.js';
import type { MainDialog } from '../dialogs/mainDialog.js';
import { connectionLine, messages } from '../dialogs/messages.js';
import { TurnQueue } from './turnQueue.js';

export class ConfluenceBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly turns = new TurnQueue();

  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    private readonly dialog: MainDialog,
    private readonly connector: Connector,
  ) {
    super();
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');

    this.onMessage(async (context, next) => {
      await this.dialog.run(context, this.dialogState);
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

  override async run(context: TurnContext): Promise<void> {
    const conversation = `${context.activity.channelId}/${context.activity.conversation?.id}`;
    await this.turns.run(conversation, async () => {
      await super.run(context);
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
    });
  }
}
