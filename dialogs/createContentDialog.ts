/**
 * Create Content: authorize → site → space (ConfluenceDialog) → page or blog post → title → body → confirm →
 * create → link. Slots from the utterance (type, title, space) arrive as a draft and are validated like answers.
 */
import { Activity, InputHints, MessageFactory, TurnContext } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  DialogContext,
  DialogTurnResult,
  FoundChoice,
  ListStyle,
  PromptOptions,
  PromptValidatorContext,
  TextPrompt,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import { ConfluenceError } from '../services/confluence/errors.js';
import type { ContentType, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import { ConfluenceAccess, NotConnectedError } from './confluenceAccess.js';
import { createContentFormCard, createdContentCard, FormErrors, FormValues, parseFormSubmission, rendersCards } from './cards.js';
import { ConfluenceDialog, markAnswered, SpaceAnswer, SpacePromptContext } from './confluenceDialog.js';
import { ContentDraft, DraftField, typeLabel, withoutField } from './draft.js';
import { createFailure, MAX_TITLE_LENGTH, messages } from './messages.js';
import { claimTurn } from './turnClaim.js';
import type { SitePreference } from './sitePreference.js';

export const CREATE_CONTENT_DIALOG = 'createContentDialog';

const TYPE_PROMPT = 'typePrompt';
const TITLE_PROMPT = 'titlePrompt';
const BODY_PROMPT = 'bodyPrompt';
const CONFIRM_PROMPT = 'confirmPrompt';
const CHANGE_PROMPT = 'changePrompt';

/** Confluence's request limit; the storage format is a little larger than the Markdown, so this is a first check. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** NUL and other control characters cannot be stored in a title (and would not survive XML). */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Sent through the title prompt when the token died while checking the title: re-run authorization. */
const RECONNECT = '\u0000reconnect';

interface TitlePromptContext {
  cloudId: string;
  space: Space;
  type: ContentType;
}

export class CreateContentDialog extends ConfluenceDialog<ContentDraft> {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(CREATE_CONTENT_DIALOG, access, logger, sitePreference);
    this.addDialog(new ChoicePrompt(TYPE_PROMPT))
      .addDialog(new TextPrompt(TITLE_PROMPT, this.validateTitle.bind(this)))
      .addDialog(new TextPrompt(BODY_PROMPT, this.validateBody.bind(this)))
      .addDialog(new ChoicePrompt(CONFIRM_PROMPT))
      .addDialog(new ChoicePrompt(CHANGE_PROMPT));
    this.addSteps([this.typeStep, this.titleStep, this.bodyStep, this.confirmStep, this.decideStep, this.changeStep]);
  }

  private async typeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.draft(step).type) return step.next();
    return step.prompt(TYPE_PROMPT, {
      prompt: messages.chooseType,
      choices: ChoiceFactory.toChoices(['Page', 'Blog post']),
      style: ListStyle.suggestedAction,
    });
  }

  private async titleStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.type) draft.type = (step.result as FoundChoice).index === 0 ? 'page' : 'blogpost';
    if (draft.title !== undefined) return step.next();
    const context: TitlePromptContext = { cloudId: draft.site!.cloudId, space: draft.space!, type: draft.type };
    if (draft.proposedTitle !== undefined) {
      const proposed = draft.proposedTitle;
      draft.proposedTitle = undefined;
      const problem = await this.titleProblem(step.context, context, proposed.trim());
      if (problem === undefined) {
        draft.title = proposed.trim();
        return step.next();
      }
      await step.context.sendActivity(problem);
    }
    return step.prompt(TITLE_PROMPT, { prompt: messages.askTitle(typeLabel(draft.type)), validations: context });
  }

  private async bodyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.title === undefined) {
      const answer = (step.result as string).trim();
      if (answer === RECONNECT) return step.replaceDialog(this.waterfallId, draft);
      draft.title = answer;
    }
    if (draft.body !== undefined) return step.next();
    return step.prompt(BODY_PROMPT, { prompt: messages.askBody });
  }

  private async confirmStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.body === undefined) {
      const text = (step.result as string) ?? '';
      draft.body = /^\s*skip\s*$/i.test(text) ? '' : text;
    }
    if (draft.confirmed) return step.next({ value: 'Create', index: 0, score: 1 } satisfies FoundChoice);
    if (draft.changeRequested) {
      this.values(step).awaiting = 'change';
      return this.promptChange(step);
    }
    this.values(step).awaiting = 'confirm';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: messages.summary(draft),
      choices: ChoiceFactory.toChoices(messages.confirmChoices),
      style: ListStyle.suggestedAction,
    });
  }

  private async decideStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const choice = (step.result as FoundChoice).value;
    if (this.values(step).awaiting === 'change') return this.applyChange(step, choice);
    if (choice === 'Cancel') {
      await step.context.sendActivity(messages.cancelled(messages.draftDropped));
      return step.endDialog();
    }
    if (choice === 'Change') return this.promptChange(step);
    return this.create(step, this.draft(step));
  }

  private async changeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.applyChange(step, (step.result as FoundChoice).value);
  }

  private async create(step: WaterfallStepContext, draft: ContentDraft): Promise<DialogTurnResult> {
    const label = typeLabel(draft.type!);
    // Said once: after a sign-in or a retry the waterfall comes straight back here instead of asking again.
    draft.confirmed = true;
    await step.context.sendActivity(messages.creating(label), undefined, InputHints.IgnoringInput);
    // From here on this turn creates: no other turn of the conversation may act on the same confirmation.
    await claimTurn(step.context);
    try {
      const created = await this.access.run(step.context, draft.site!.cloudId, (api, target) =>
        api.createContent(target, { spaceId: draft.space!.id, type: draft.type!, title: draft.title!, bodyMarkdown: draft.body ?? '' }),
      );
      const space = draft.space!;
      await step.context.sendActivity(
        rendersCards(step.context.activity.channelId)
          ? MessageFactory.attachment(createdContentCard(messages.createdSummary(label, created.title, space.name, space.key), created.webUrl))
          : messages.created(label, created.title, space.name, space.key, created.webUrl),
      );
      return step.endDialog(created);
    } catch (error) {
      if (!(error instanceof ConfluenceError)) throw error;
      this.logger.warn('create content failed', { kind: error.kind, status: error.status });
      await step.context.sendActivity(createFailure(error.kind, draft, error.retryAfterSeconds));
      const fieldToAskAgain: Partial<Record<typeof error.kind, DraftField>> = {
        'duplicate-title': 'title',
        'not-found': 'space',
        forbidden: 'space',
        'too-large': 'body',
      };
      const field = fieldToAskAgain[error.kind];
      if (field) return step.replaceDialog(this.waterfallId, withoutField(draft, field));
      return this.offerRetry(step);
    }
  }

  private promptChange(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(CHANGE_PROMPT, {
      prompt: messages.whatToChange,
      choices: ChoiceFactory.toChoices(messages.changeChoices),
      style: ListStyle.suggestedAction,
    });
  }

  private applyChange(step: WaterfallStepContext, choice: string): Promise<DialogTurnResult> {
    const field = choice.toLowerCase() as DraftField;
    return step.replaceDialog(this.waterfallId, withoutField(this.draft(step), field));
  }

  /** On channels that render cards, the space question comes with the whole form as an alternative. */
  protected override async spacePrompt(step: WaterfallStepContext, spaces: Space[], validations: SpacePromptContext): Promise<PromptOptions> {
    const options = await super.spacePrompt(step, spaces, validations);
    const draft = this.draft(step);
    if (!rendersCards(step.context.activity.channelId) || draft.title !== undefined) return options;
    const question = options.prompt as Partial<Activity>;
    const prompt = MessageFactory.suggestedActions(question.suggestedActions?.actions ?? [], `${question.text} ${messages.orUseTheForm}`);
    prompt.attachments = [createContentFormCard(spaces, { type: draft.type, title: draft.proposedTitle })];
    return { ...options, prompt };
  }

  /** A form submission: validated as a whole; problems come back on a new card with the values kept. */
  protected override async validateSubmission(prompt: PromptValidatorContext<string>, value: unknown): Promise<boolean | undefined> {
    const values = parseFormSubmission(value);
    if (values === undefined) return undefined;
    const { spaces, cloudId } = prompt.options.validations as SpacePromptContext;
    const errors: FormErrors = {};
    try {
      let space: Space | undefined;
      if (!values.spaceKey) errors.spaceKey = messages.formChooseSpace;
      else {
        const resolution = await this.resolveSpace(prompt.context, cloudId, spaces, values.spaceKey);
        if ('problem' in resolution) errors.spaceKey = messages.formUnknownSpace(values.spaceKey);
        else space = resolution.space;
      }
      const type = values.type ?? 'page';
      const title = (values.title ?? '').trim();
      // Without a space only the title's own rules can be checked; its uniqueness is checked once a space is known.
      const titleProblem = space ? await this.titleProblem(prompt.context, { cloudId, space, type }, title) : this.titleRuleProblem(title);
      if (titleProblem) errors.title = titleProblem;
      if (Object.keys(errors).length > 0 || !space) {
        await prompt.context.sendActivity(MessageFactory.attachment(createContentFormCard(spaces, values, errors)));
        markAnswered(prompt);
        return false;
      }
      const form: FormValues = { type, title, body: values.body ?? '' };
      return this.accept(prompt, JSON.stringify({ space, extra: form } satisfies SpaceAnswer));
    } catch (error) {
      if (error instanceof NotConnectedError) return this.accept(prompt, JSON.stringify({ reconnect: true } satisfies SpaceAnswer));
      throw error;
    }
  }

  /** The form's Create button is the confirmation: the draft goes straight to creating. */
  protected override applySubmission(draft: ContentDraft, extra: unknown): void {
    const form = extra as FormValues;
    draft.type = form.type;
    draft.title = form.title;
    draft.body = form.body ?? '';
    draft.confirmed = true;
  }

  /** Why this title cannot be used, or undefined when it can. Throws NotConnectedError when the token died. */
  private async titleProblem(context: TurnContext, where: TitlePromptContext, title: string): Promise<string | undefined> {
    const ruleProblem = this.titleRuleProblem(title);
    if (ruleProblem) return ruleProblem;
    try {
      const taken = await this.access.run(context, where.cloudId, (api, target) =>
        api.titleExists(target, where.space.id, where.type, title),
      );
      return taken ? messages.titleTaken(title, where.space.key) : undefined;
    } catch (error) {
      if (!(error instanceof ConfluenceError)) throw error;
      // The duplicate check is a courtesy; Confluence checks again when creating, so a failed check is not fatal.
      this.logger.warn('title check failed', { kind: error.kind });
      return undefined;
    }
  }

  private titleRuleProblem(title: string): string | undefined {
    if (title === '') return messages.titleBlank;
    if (title.length > MAX_TITLE_LENGTH) return messages.titleTooLong(title.length);
    if (CONTROL_CHARACTERS.test(title)) return messages.titleControlCharacters;
    return undefined;
  }

  /** Confluence refuses bodies over 5 MB; say so now rather than after the confirmation. */
  private async validateBody(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!prompt.recognized.succeeded) return false;
    const bytes = Buffer.byteLength(prompt.recognized.value ?? '', 'utf8');
    if (bytes > MAX_BODY_BYTES) {
      await prompt.context.sendActivity(messages.bodyTooLarge(bytes));
      return false;
    }
    return true;
  }

  private async validateTitle(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!prompt.recognized.succeeded) return false;
    const title = prompt.recognized.value!.trim();
    try {
      const problem = await this.titleProblem(prompt.context, prompt.options.validations as TitlePromptContext, title);
      if (problem !== undefined) {
        await prompt.context.sendActivity(problem);
        return false;
      }
    } catch (error) {
      if (error instanceof NotConnectedError) return this.accept(prompt, RECONNECT);
      throw error;
    }
    return this.accept(prompt, title);
  }

  protected override offersChange(): boolean {
    return true;
  }

  protected withoutSite(draft: ContentDraft): ContentDraft {
    return withoutField(draft, 'site');
  }

  protected afterChangeRequested(draft: ContentDraft): ContentDraft {
    return { ...draft, confirmed: false, changeRequested: true };
  }

  protected override stepDescriptions(): Record<string, string> {
    return {
      ...super.stepDescriptions(),
      [TYPE_PROMPT]: 'you are choosing between a page and a blog post.',
      [TITLE_PROMPT]: 'you are typing the title (1 to 255 characters, not already used in the space).',
      [BODY_PROMPT]: 'you are typing the content in Markdown, or "skip" for none.',
      [CONFIRM_PROMPT]: 'you are confirming: Create, Change or Cancel.',
      [CHANGE_PROMPT]: 'you are choosing what to change.',
    };
  }

  protected describeCancellation(_innerDc?: DialogContext): string {
    return messages.draftDropped;
  }
}
