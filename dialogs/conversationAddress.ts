import { Activity, TurnContext } from 'botbuilder';
import type { ConversationAddress } from '../services/auth/types.js';

/**
 * Where to continue this conversation later (after a sign-in): the documented ConversationReference fields only.
 * No `activityId`: a message sent minutes later answers nothing, and Web Chat would wait for an activity it may
 * never have seen before showing it.
 */
export function conversationAddressOf(activity: Partial<Activity>): ConversationAddress {
  const reference = TurnContext.getConversationReference(activity);
  const conversation = reference.conversation;
  return {
    channelId: reference.channelId ?? '',
    serviceUrl: reference.serviceUrl ?? '',
    locale: reference.locale,
    conversation: {
      id: conversation?.id ?? '',
      isGroup: conversation?.isGroup,
      conversationType: conversation?.conversationType,
      tenantId: conversation?.tenantId,
    },
    user: { id: reference.user?.id ?? '', name: reference.user?.name, aadObjectId: reference.user?.aadObjectId, role: reference.user?.role },
    bot: { id: reference.bot?.id ?? '', name: reference.bot?.name, role: reference.bot?.role },
  };
}
