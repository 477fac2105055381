/**
 * The ids of forms already used to create content in this conversation, so a second press of an old form's Create
 * button does not create the same page again. Kept next to the dialog stack, in the root dialog state: the
 * create dialog that used the form has ended by then, and that state is the one store every turn already loads
 * and saves. MainDialog.run puts it in the turn; where a turn runs without it (a dialog under test on its own),
 * nothing is remembered and the confirmation question still guards against a silent duplicate.
 */
import type { TurnContext } from 'botbuilder';
import type { DialogState } from './dialogsLib.js';

/** Enough for any form a person still has on screen; the oldest are forgotten first. */
const REMEMBERED_FORMS = 50;

const USED_FORMS = Symbol('usedForms');

export interface RootDialogState extends DialogState {
  usedFormIds?: string[];
}

export function attachUsedForms(context: TurnContext, state: RootDialogState): void {
  context.turnState.set(USED_FORMS, state);
}

export function rememberUsedForm(context: TurnContext, formId: string | undefined): void {
  const state = context.turnState.get(USED_FORMS) as RootDialogState | undefined;
  if (state === undefined || formId === undefined) return;
  state.usedFormIds = [...(state.usedFormIds ?? []).filter((id) => id !== formId), formId].slice(-REMEMBERED_FORMS);
}

export function wasFormUsed(context: TurnContext, formId: string | undefined): boolean {
  const state = context.turnState.get(USED_FORMS) as RootDialogState | undefined;
  return formId !== undefined && (state?.usedFormIds ?? []).includes(formId);
}
