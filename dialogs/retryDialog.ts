/** After a failure: Retry, Change or Cancel. Its answer reaches the parent's next step as a RetryDecision. */
import { ChoiceFactory, ChoicePrompt, ComponentDialog, FoundChoice, ListStyle, WaterfallDialog, WaterfallStepContext } from 'botbuilder-dialogs';
import { messages } from './messages.js';

export const RETRY_DECISION = 'retry-decision';

export interface RetryDecision {
  kind: typeof RETRY_DECISION;
  decision: 'retry' | 'change' | 'cancel';
}

const CHOICE = 'retryChoice';

export class RetryDialog extends ComponentDialog {
  constructor(id: string) {
    super(id);
    this.addDialog(new ChoicePrompt(CHOICE)).addDialog(
      new WaterfallDialog(`${id}Steps`, [
        (step: WaterfallStepContext) =>
          step.prompt(CHOICE, {
            prompt: 'What would you like to do?',
            choices: ChoiceFactory.toChoices(messages.retryChoices),
            style: ListStyle.suggestedAction,
          }),
        (step: WaterfallStepContext) => {
          const decision = (step.result as FoundChoice).value.toLowerCase() as RetryDecision['decision'];
          return step.endDialog({ kind: RETRY_DECISION, decision } satisfies RetryDecision);
        },
      ]),
    );
    this.initialDialogId = `${id}Steps`;
  }
}
