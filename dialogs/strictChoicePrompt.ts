/**
 * A choice prompt that acts only on an unambiguous answer: a button (its value comes back as the message text in
 * Teams, Web Chat and the Emulator), the choice's name, or one of its synonyms, each compared with the whole
 * answer. Botbuilder's own recognizer also reads ordinals and numbers ("first", "1") and single words inside a
 * sentence, so a stray "- first item" or "I do not want to create it yet" would pick a choice: at the confirmation
 * that creates a page. Anything else repeats the question and names the answers it expects.
 */
import { TurnContext } from 'botbuilder';
import { AnswerPrompt, questionOf } from './answerPrompt.js';
import { Choice, ChoiceFactory, FoundChoice, PromptOptions, PromptRecognizerResult } from './dialogsLib.js';
import { messages } from './messages.js';

/**
 * Not botbuilder's ChoicePrompt, whose recognizer this replaces (and whose module loads the Microsoft text
 * recognizers, 13 MiB). The choices are always offered as buttons (suggested actions), as every question here does.
 */
export class StrictChoicePrompt extends AnswerPrompt<FoundChoice> {
  protected override async onRecognize(context: TurnContext, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const answer = comparable(context.activity.text ?? '');
    if (answer === '') return { succeeded: false };
    const choices = ChoiceFactory.toChoices(options.choices ?? []);
    const index = choices.findIndex((choice) => wordsFor(choice).includes(answer));
    if (index < 0) return { succeeded: false };
    return { succeeded: true, value: { value: choices[index]!.value, index, score: 1 } };
  }

  protected override async onPrompt(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
    if (!isRetry || options.retryPrompt !== undefined) return this.sendQuestion(context, options, isRetry);
    const labels = ChoiceFactory.toChoices(options.choices ?? []).map((choice) => String(choice.action?.title ?? choice.value));
    const question = typeof options.prompt === 'string' ? options.prompt : options.prompt?.text;
    const retryPrompt = [messages.answerWithOneOf(labels), question].filter(Boolean).join('\n\n');
    return this.sendQuestion(context, { ...options, retryPrompt }, isRetry);
  }

  /** The question with one button per choice; a question given as an activity keeps its other fields. */
  private async sendQuestion(context: TurnContext, options: PromptOptions, isRetry: boolean): Promise<void> {
    const question = questionOf(options, isRetry);
    const text = typeof question === 'string' ? question : (question?.text ?? '');
    const withButtons = ChoiceFactory.suggestedAction(ChoiceFactory.toChoices(options.choices ?? []), text);
    await context.sendActivity(typeof question === 'object' ? { ...question, text: withButtons.text, suggestedActions: withButtons.suggestedActions } : withButtons);
  }
}

/** A choice's button title, value and synonyms, as whole answers. */
function wordsFor(choice: Choice): string[] {
  return [choice.value, choice.action?.title, ...(choice.synonyms ?? [])]
    .filter((word): word is string => typeof word === 'string')
    .map(comparable);
}

/** Case, spacing, surrounding quotes and a closing full stop or exclamation mark do not change an answer. */
function comparable(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/^[\s"'“”‘’]+|[\s"'“”‘’.!]+$/g, '');
}

/** The choices for `labels`, each also answered by the words given for it (only ones that cannot mean another). */
export function choicesWithSynonyms(labels: string[], synonyms: Record<string, string[]>): Choice[] {
  return labels.map((value) => ({ value, synonyms: synonyms[value] ?? [] }));
}
