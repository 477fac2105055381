/** Talks to a dialog under DialogTestClient the way a person would, collecting every reply of a turn. */
import type { Activity } from 'botbuilder';
import { ConversationState, MemoryStorage, Storage } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { SIGN_IN_COMPLETED_EVENT, SignInCompletedValue } from '../../dialogs/signInDialog.js';

export interface Turn {
  activities: Partial<Activity>[];
  /** Every reply's text (hero cards: their text), joined by newlines. */
  text: string;
  /** The titles of buttons offered (suggested actions and card buttons). */
  buttons: string[];
  /** The sign-in link, when a sign-in card was sent. */
  signInLink?: string;
}

export class DialogDriver {
  readonly client: DialogTestClient;

  constructor(
    dialog: Dialog,
    options?: unknown,
    private readonly userId = 'user1',
    storage: Storage = new MemoryStorage(),
  ) {
    this.client = new DialogTestClient('emulator', dialog, options, [], new ConversationState(storage));
  }

  async say(text: string): Promise<Turn> {
    return this.turn(await this.client.sendActivity({ type: 'message', text, from: this.from }));
  }

  private get from() {
    return { id: this.userId, name: this.userId };
  }

  async signInCompleted(outcome: SignInCompletedValue['outcome'] = 'signed-in'): Promise<Turn> {
    return this.turn(
      await this.client.sendActivity({ type: 'event', from: this.from, name: SIGN_IN_COMPLETED_EVENT, value: { outcome } satisfies SignInCompletedValue }),
    );
  }

  get status(): string {
    return String(this.client.dialogTurnResult?.status);
  }

  private turn(first: Partial<Activity> | undefined): Turn {
    const activities: Partial<Activity>[] = [];
    for (let reply = first; reply !== undefined; reply = this.client.getNextReply()) activities.push(reply);
    const texts: string[] = [];
    const buttons: string[] = [];
    let signInLink: string | undefined;
    for (const activity of activities) {
      if (activity.text) texts.push(activity.text);
      for (const action of activity.suggestedActions?.actions ?? []) buttons.push(String(action.title));
      for (const attachment of activity.attachments ?? []) {
        const content = attachment.content as { text?: string; buttons?: Array<{ type: string; title: string; value: string }> };
        if (content.text) texts.push(content.text);
        for (const button of content.buttons ?? []) {
          buttons.push(button.title);
          if (button.type === 'openUrl' || button.type === 'signin') signInLink = button.value;
        }
      }
    }
    return { activities, text: texts.join('\n'), buttons, signInLink };
  }
}
