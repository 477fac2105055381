/** After a failure: Retry, (Change,) Cancel. Its answer reaches the parent's next step as a RetryDecision. */
import { ChoiceFactory, ChoicePrompt, ComponentDialog, FoundChoice, ListStyle, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { messages } from './messages.js';

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

export class RetryDialog extends ComponentDialog {
  constructor(id: string) {
    super(id);
    this.addDialog(new ChoicePrompt(CHOICE)).addDialog(
      new WaterfallDialog(`${id}Steps`, [
        (step: WaterfallStepContext) => {
          const { allowChange } = (step.options as RetryOptions | undefined) ?? { allowChange: false };
          return step.prompt(CHOICE, {
            prompt: messages.whatNext,
            choices: ChoiceFactory.toChoices(allowChange ? messages.retryChoices : messages.retryOrCancel),
            style: ListStyle.suggestedAction,
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
