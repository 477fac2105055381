import type { TurnContext } from 'botbuilder';
import type { Requester } from '../services/auth/types.js';

/** The channel-neutral identity the services key tokens by. */
export function requesterOf(context: TurnContext): Requester {
  return { channelId: context.activity.channelId, userId: context.activity.from?.id ?? 'anonymous' };
}
