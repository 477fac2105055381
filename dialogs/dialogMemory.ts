/**
 * botbuilder-dialogs' memory (the `turn.`, `dialog.`, `settings.` scopes behind DialogStateManager) is configured
 * afresh on every turn that does not already carry a configuration: a service collection, nine scope objects, five
 * path resolvers and a failing schema parse, a few percent of a `help` turn's CPU. The configuration holds no state
 * of a turn (each scope reads the turn it is given), so the first one built is kept and handed to every later turn.
 */
import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogStateManagerConfiguration } from './dialogsLib.js';

/** Where DialogStateManager looks for a turn's configuration (botbuilder-dialogs' dialogStateManager.js). */
const CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

let kept: DialogStateManagerConfiguration | undefined;

/** Call before the turn's first DialogContext is created. */
export function reuseDialogMemoryConfiguration(context: TurnContext): void {
  if (kept !== undefined && !context.turnState.has(CONFIGURATION_KEY)) context.turnState.set(CONFIGURATION_KEY, kept);
}

/** Call with the turn's first DialogContext: keeps the configuration it was given or built. */
export function keepDialogMemoryConfiguration(dc: DialogContext): void {
  kept ??= dc.state.configuration;
}
