/**
 * The base of this bot's prompts: ask, read the answer, end with it or ask again. It does what botbuilder's `Prompt`
 * does for a waterfall, without validators (no prompt here uses one) and without adaptive dialogs' hooks. botbuilder's
 * base class is not used because its module loads the Microsoft number recognizer for choice recognition that every
 * prompt here replaces with its own: about 9 MiB of memory and 90 ms of every start.
 */
import { ActivityTypes, InputHints, TurnContext } from 'botbuilder';
import { Dialog, type DialogContext, type DialogInstance, type DialogReason, type DialogTurnResult } from './dialogsLib.js';
import type { PromptOptions, PromptRecognizerResult } from './dialogsLib.js';

interface AnswerPromptState {
  options: PromptOptions;
}

export abstract class AnswerPrompt<T> extends Dialog<PromptOptions> {
  /** Sends the question, or with `isRetry` the question again after an answer that could not be used. */
  protected abstract onPrompt(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void>;

  /** Reads the user's message as an answer. */
  protected abstract onRecognize(context: TurnContext, options: PromptOptions): Promise<PromptRecognizerResult<T>>;

  override async beginDialog(dc: DialogContext, options?: PromptOptions): Promise<DialogTurnResult> {
    const state: AnswerPromptState = { options: expectingInput(options) };
    dc.activeDialog!.state = state;
    await this.onPrompt(dc.context, state.options, false);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    // Typing indicators, events and the like are not answers.
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const { options } = dc.activeDialog!.state as AnswerPromptState;
    const recognized = await this.onRecognize(dc.context, options);
    if (recognized.succeeded) return dc.endDialog(recognized.value);
    if (!dc.context.responded) await this.onPrompt(dc.context, options, true);
    return Dialog.EndOfTurn;
  }

  /** A dialog started on top of the prompt ended: ask again rather than end without an answer. */
  override async resumeDialog(dc: DialogContext, _reason: DialogReason, _result?: unknown): Promise<DialogTurnResult> {
    await this.repromptDialog(dc.context, dc.activeDialog!);
    return Dialog.EndOfTurn;
  }

  override async repromptDialog(context: TurnContext, instance: DialogInstance): Promise<void> {
    await this.onPrompt(context, (instance.state as AnswerPromptState).options, false);
  }
}

/** A question given as an activity says it waits for an answer, as botbuilder's prompts mark it. */
function expectingInput(options: PromptOptions = {}): PromptOptions {
  const marked = { ...options };
  for (const key of ['prompt', 'retryPrompt'] as const) {
    const question = marked[key];
    if (question && typeof question === 'object' && typeof question.inputHint !== 'string') marked[key] = { ...question, inputHint: InputHints.ExpectingInput };
  }
  return marked;
}

/** The question, or the retry wording after an unusable answer, marked as expecting input. */
export function questionOf(options: PromptOptions, isRetry: boolean): PromptOptions['prompt'] {
  return isRetry && options.retryPrompt ? options.retryPrompt : options.prompt;
}

/** Any non-empty message, as typed. */
export class TextAnswerPrompt extends AnswerPrompt<string> {
  protected async onPrompt(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
    const question = questionOf(options, isRetry);
    if (question) await context.sendActivity(question, undefined, InputHints.ExpectingInput);
  }

  protected async onRecognize(context: TurnContext): Promise<PromptRecognizerResult<string>> {
    const text = context.activity.text;
    return typeof text === 'string' && text.length > 0 ? { succeeded: true, value: text } : { succeeded: false };
  }
}
