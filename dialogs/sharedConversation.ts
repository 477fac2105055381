/**
 * Teams group chats and channels are seen by everyone in them. There the bot answers only when addressed
 * (bots/addressing.ts), and never posts a sign-in link: someone else could open it, and their Atlassian account
 * would then act for the person who asked. Sign-in happens in 1:1 chats.
 */
import type { Activity, TurnContext } from 'botbuilder';

/** Teams' `conversation.conversationType` for conversations with more than one person in them. */
const SHARED_CONVERSATION_TYPES = new Set(['groupChat', 'channel']);

export function isSharedConversation(activity: Partial<Activity>): boolean {
  return SHARED_CONVERSATION_TYPES.has(activity.conversation?.conversationType ?? '');
}

export function inSharedConversation(context: TurnContext): boolean {
  return isSharedConversation(context.activity);
}
