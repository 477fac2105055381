/**
 * The parts of botbuilder-dialogs this bot uses, loaded from their own modules: the package's index also loads
 * every prompt it ships (number, date-time, confirm…) and with them @microsoft/recognizers-text-*, about 30 MiB
 * and 0.3–0.5 s at start-up that no turn here uses. (The package has no "exports" map, so these paths are public.)
 * Its prompts' base class loads the number recognizer too, so the prompts have their own (answerPrompt.ts).
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog, DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
export { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
export { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export { ChoiceFactory } from 'botbuilder-dialogs/lib/choices/choiceFactory.js';
export type {
  Choice,
  DialogContext,
  DialogInstance,
  DialogReason,
  DialogState,
  DialogStateManagerConfiguration,
  DialogTurnResult,
  FoundChoice,
  PromptOptions,
  PromptRecognizerResult,
  WaterfallStep,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
