/**
 * Before an action that must happen at most once (creating a page), a dialog claims the turn: the bot makes sure no
 * other turn of this conversation, on this instance or another, has moved on since this one began. If one has, the
 * claim throws the storage's conflict error and the bot runs this turn again on the fresh state, where the action
 * is either already done or no longer asked for. Without a bot behind the dialog (dialog tests), it does nothing.
 */
import type { TurnContext } from 'botbuilder';

export const TURN_CLAIM = Symbol('turnClaim');

export type TurnClaim = () => Promise<void>;

export async function claimTurn(context: TurnContext): Promise<void> {
  const claim = context.turnState.get(TURN_CLAIM) as TurnClaim | undefined;
  if (claim !== undefined) await claim();
}
