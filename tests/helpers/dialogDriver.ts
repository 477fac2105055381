/** Talks to a dialog under DialogTestClient the way a person would, collecting every reply of a turn. */
import type { Activity } from 'botbuilder';
import { AutoSaveStateMiddleware, ConversationState, MemoryStorage, Storage, UserState } from 'botbuilder';
import type { Dialog } from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { SIGN_IN_COMPLETED_EVENT, SignInCompletedValue } from '../../dialogs/signInDialog.js';
import { SitePreference, UserStateSitePreference } from '../../dialogs/sitePreference.js';
import { readCard } from './cardText.js';

/** Builds the dialog under test with the driver's own user-state site preference. */
export type DialogFactory = (sitePreference: SitePreference) => Dialog;

export interface Turn {
  activities: Partial<Activity>[];
  /** Every reply's text (hero cards: their text), joined by newlines. */
  text: string;
  /** The titles of buttons offered (suggested actions and card buttons). */
  buttons: string[];
  /** The sign-in link, when a sign-in card was sent. */
  signInLink?: string;
  /** URLs of open-URL buttons on cards (sign-in links, "Open in Confluence"). */
  urls: string[];
  /** Adaptive Cards sent, as JSON. */
  adaptiveCards: Array<Record<string, unknown>>;
}

export class DialogDriver {
  readonly client: DialogTestClient;
  typingCount = 0;

  constructor(
    build: DialogFactory,
    options?: unknown,
    private readonly userId = 'user1',
    storage: Storage = new MemoryStorage(),
  ) {
    const conversationState = new ConversationState(storage);
    const userState = new UserState(storage);
    const dialog = build(new UserStateSitePreference(userState.createProperty<string | undefined>('preferredSiteId')));
    this.client = new DialogTestClient('emulator', dialog, options, [new AutoSaveStateMiddleware(userState)], conversationState);
  }

  /** Submits an Adaptive Card (Action.Submit): the activity carries `value`, and no text. */
  async submit(value: Record<string, unknown>): Promise<Turn> {
    return this.turn(await this.client.sendActivity({ type: 'message', value, from: this.from }));
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
    const urls: string[] = [];
    const adaptiveCards: Array<Record<string, unknown>> = [];
    let signInLink: string | undefined;
    for (const activity of activities) {
      if (activity.text) texts.push(activity.text);
      if (activity.type === 'typing') this.typingCount++;
      for (const action of activity.suggestedActions?.actions ?? []) buttons.push(String(action.title));
      for (const attachment of activity.attachments ?? []) {
        const reading = readCard(attachment.content);
        texts.push(...reading.texts);
        buttons.push(...reading.buttons);
        urls.push(...reading.urls);
        if (attachment.contentType === 'application/vnd.microsoft.card.hero' && reading.urls.length > 0) signInLink = reading.urls[0];
        if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') adaptiveCards.push(attachment.content as Record<string, unknown>);
      }
    }
    return { activities, text: texts.join('\n'), buttons, signInLink, urls, adaptiveCards };
  }
}
