/** After a failure: Retry, (Change,) Cancel. Its answer reaches the parent's next step as a RetryDecision. */
import { ComponentDialog, FoundChoice, WaterfallDialog, WaterfallStepContext } from './dialogsLib.js';
import { messages } from './messages.js';
import { choicesWithSynonyms, StrictChoicePrompt } from './strictChoicePrompt.js';

export const RETRY_DECISION = 'retry-decision';

export interface RetryDecision {
  kind: typeof RETRY_DECISION;
  decision: 'retry' | 'change' | 'cancel';
}

export interface RetryOptions {
  /** Offer "Change" too (when there is a draft the user might want to edit). */
  allowChange: boolean;
}

const CHOICE = 'retryChoice';

/** Besides the buttons' words; "cancel" and its kin are commands that work at every step. */
const SYNONYMS: Record<string, string[]> = { Retry: ['try again', 'again', 'retry it'], Change: ['edit'] };

export class RetryDialog extends ComponentDialog {
  constructor(id: string) {
    super(id);
    this.addDialog(new StrictChoicePrompt(CHOICE)).addDialog(
      new WaterfallDialog<RetryOptions>(`${id}Steps`, [
        (step: WaterfallStepContext<RetryOptions>) => {
          const { allowChange } = step.options ?? { allowChange: false };
          return step.prompt(CHOICE, {
            prompt: messages.whatNext,
            choices: choicesWithSynonyms(allowChange ? messages.retryChoices : messages.retryOrCancel, SYNONYMS),
          });
        },
        (step: WaterfallStepContext) => {
          const decision = (step.result as FoundChoice).value.toLowerCase() as RetryDecision['decision'];
          return step.endDialog({ kind: RETRY_DECISION, decision } satisfies RetryDecision);
        },
      ]),
    );
    this.initialDialogId = `${id}Steps`;
  }
}
