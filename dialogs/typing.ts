/**
 * "The bot is typing…" as soon as a turn starts something slow (a call to Confluence is a network round trip, and
 * Atlassian may take seconds), once per turn. It goes out at once, ahead of the turn's held replies (bots/outbox.ts).
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';

const TYPING_SENT = Symbol('typingSent');

export async function showTyping(context: TurnContext): Promise<void> {
  if (context.turnState.get(TYPING_SENT) === true) return;
  context.turnState.set(TYPING_SENT, true);
  await context.sendActivities([{ type: ActivityTypes.Typing }]);
}
