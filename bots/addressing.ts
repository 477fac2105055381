/**
 * Who a message is for. In Teams group chats and channels people talk to each other; the bot answers only what is
 * addressed to it with an @mention, and reads the message without that mention ("<at>Confluence</at> create page"
 * is "create page" to the dialogs).
 */
import { Activity, TurnContext } from 'botbuilder';
import { isSharedConversation } from '../dialogs/sharedConversation.js';


/**
 * Removes every @mention of the bot from the message text and says whether there was one. Changes the activity
 * in place, so every dialog of the turn sees the same text.
 */
export function removeBotMentions(activity: Partial<Activity>): boolean {
  const botId = activity.recipient?.id;
  const mentions = TurnContext.getMentions(activity).filter((mention) => botId !== undefined && mention.mentioned?.id === botId);
  if (mentions.length === 0) return false;
  let text = activity.text ?? '';
  for (const mention of mentions) {
    if (mention.text) text = text.split(mention.text).join(' ');
  }
  // Teams' mention markup is often followed by a non-breaking space.
  activity.text = text.replace(/[\s\u00a0]+/g, ' ').trim();
  return true;
}

/** An Adaptive Card submission: its data is in `value` and it has no text (Teams sends it without a mention). */
export function isCardSubmission(activity: Partial<Activity>): boolean {
  return activity.value !== undefined && activity.value !== null && !activity.text?.trim();
}

/**
 * Whether the bot should answer this message: always in personal chats (and on other channels); in group chats
 * and channels only when it is @mentioned or a card of ours is submitted. Strips the mention either way.
 */
export function takeAddressedMessage(activity: Partial<Activity>): boolean {
  const mentioned = removeBotMentions(activity);
  if (!isSharedConversation(activity)) return true;
  return mentioned || isCardSubmission(activity);
}
