/**
 * Asks for a space and recognizes the answer as a typed value: the text the user typed, or the values of a submitted
 * Create Content form (which names its space among the other fields). Whether that space exists is a question for
 * Confluence, so it is the next step's to check (ConfluenceDialog.receiveSpaceStep), not the prompt's.
 */
import { InputHints, TurnContext } from 'botbuilder';
import { AnswerPrompt, questionOf } from './answerPrompt.js';
import type { PromptOptions, PromptRecognizerResult } from './dialogsLib.js';
import type { FormValues } from './cards.js';

export type SpaceAnswer = { kind: 'typed'; text: string } | { kind: 'form'; form: FormValues };

/** The values of a submission this conversation takes at the space question, or undefined. */
type FormReader = (value: unknown) => FormValues | undefined;

export class SpacePrompt extends AnswerPrompt<SpaceAnswer> {
  constructor(
    dialogId: string,
    private readonly readForm: FormReader,
  ) {
    super(dialogId);
  }

  protected async onPrompt(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
    const question = questionOf(options, isRetry);
    if (question) await context.sendActivity(question, undefined, InputHints.ExpectingInput);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<SpaceAnswer>> {
    const { value, text } = context.activity;
    if (value !== undefined && value !== null) {
      const form = this.readForm(value);
      if (form !== undefined) return { succeeded: true, value: { kind: 'form', form } };
    }
    const typed = typeof text === 'string' ? text.trim() : '';
    return typed === '' ? { succeeded: false } : { succeeded: true, value: { kind: 'typed', text: typed } };
  }
}
