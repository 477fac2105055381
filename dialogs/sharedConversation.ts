/**
 * Teams group chats and channels are seen by everyone in them. A sign-in link posted there could be opened by
 * someone else, whose Atlassian account would then act for the person who asked; sign-in happens in 1:1 chats.
 */
import type { TurnContext } from 'botbuilder';

const SHARED_CONVERSATION_TYPES = new Set(['groupChat', 'channel']);

export function inSharedConversation(context: TurnContext): boolean {
  return SHARED_CONVERSATION_TYPES.has(context.activity.conversation?.conversationType ?? '');
}
