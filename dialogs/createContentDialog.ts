/**
 * Create Content: authorize → site → space (ConfluenceDialog) → page or blog post → title → body → confirm →
 * create → link. Slots from the utterance (type, title, space) arrive as a draft; a typed answer is checked the same
 * way, by the step that asks (each Confluence check once, in a guarded step; the prompts only recognize).
 */
import { Activity, InputHints, MessageFactory, TurnContext } from 'botbuilder';
import {
  DialogContext,
  DialogTurnResult,
  FoundChoice,
  PromptOptions,
  WaterfallStepContext,
} from './dialogsLib.js';
import type { ContentType, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { createContentFormCard, createdContentCard, FormErrors, formIdOf, FormValues, parseFormSubmission, rendersCards } from './cards.js';
import { TextAnswerPrompt } from './answerPrompt.js';
import { ConfluenceDialog, OfferedSpaces, SpaceResolution } from './confluenceDialog.js';
import { allows, creatableSpaces, refusedContent, rightsIn } from './creatableSpaces.js';
import { ConfluenceError } from './failures.js';
import { ContentDraft, DraftField, typeLabel, withoutField } from './draft.js';
import { createFailure, MAX_TITLE_LENGTH, messages } from './messages.js';
import { choicesWithSynonyms, StrictChoicePrompt } from './strictChoicePrompt.js';
import { claimTurn } from './turnClaim.js';
import { rememberUsedForm, wasFormUsed } from './usedForms.js';
import type { SitePreference } from './sitePreference.js';

export const CREATE_CONTENT_DIALOG = 'createContentDialog';

const TYPE_PROMPT = 'typePrompt';
const TITLE_PROMPT = 'titlePrompt';
const BODY_PROMPT = 'bodyPrompt';
const CONFIRM_PROMPT = 'confirmPrompt';
const CHANGE_PROMPT = 'changePrompt';

/** Confluence's request limit; the storage format is a little larger than the Markdown, so this is a first check. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Clients whose send box starts a new line on Shift+Enter (Web Chat with sendBoxTextWrap, Teams). */
const SHIFT_ENTER_CHANNELS = new Set(['webchat', 'msteams']);

/** NUL and other control characters cannot be stored in a title (and would not survive XML). */
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/**
 * Whole answers that mean a choice besides its button's word (StrictChoicePrompt). Only words that cannot mean
 * another choice: "no" is not Cancel, since cancelling drops the draft. "cancel" is a command at every step.
 */
const CONFIRM_SYNONYMS: Record<string, string[]> = { Create: ['yes', 'yes please', 'y', 'create it', 'confirm', 'go ahead'], Change: ['edit', 'change it'] };
const CHANGE_SYNONYMS: Record<string, string[]> = {
  Space: ['the space'],
  Type: ['the type'],
  Title: ['the title'],
  Body: ['the body', 'content', 'the content'],
};
const TYPE_SYNONYMS: Record<string, string[]> = { Page: ['a page'], 'Blog post': ['blog', 'blogpost', 'blog-post', 'a blog post', 'post'] };

/** Where a title must be free. */
interface TitleTarget {
  cloudId: string;
  space: Space;
  type: ContentType;
}

export class CreateContentDialog extends ConfluenceDialog<ContentDraft> {
  constructor(access: ConfluenceAccess, logger: Logger, sitePreference: SitePreference) {
    super(CREATE_CONTENT_DIALOG, access, logger, sitePreference);
    this.addDialog(new StrictChoicePrompt(TYPE_PROMPT))
      .addDialog(new TextAnswerPrompt(TITLE_PROMPT))
      .addDialog(new TextAnswerPrompt(BODY_PROMPT))
      .addDialog(new StrictChoicePrompt(CONFIRM_PROMPT))
      .addDialog(new StrictChoicePrompt(CHANGE_PROMPT));
    this.addSteps([this.typeStep, this.titleStep, this.bodyStep, this.confirmStep, this.decideStep, this.changeStep]);
  }

  private async typeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    if (this.draft(step).type) return step.next();
    return step.prompt(TYPE_PROMPT, {
      prompt: messages.chooseType,
      choices: choicesWithSynonyms(['Page', 'Blog post'], TYPE_SYNONYMS),
    });
  }

  private async titleStep(step: WaterfallStepContext<ContentDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.type) draft.type = (step.result as FoundChoice).index === 0 ? 'page' : 'blogpost';
    if (draft.title !== undefined) return step.next();
    if (draft.proposedTitle !== undefined) {
      const proposed = draft.proposedTitle.trim();
      const target: TitleTarget = { cloudId: draft.site!.cloudId, space: draft.space!, type: draft.type };
      // Still proposed while it is checked: after a sign-in in the middle of the check, it is checked again, not lost.
      const problem = await this.titleProblem(step.context, target, proposed);
      draft.proposedTitle = undefined;
      if (problem === undefined) {
        draft.title = proposed;
        return step.next();
      }
      await step.context.sendActivity(problem);
    }
    return step.prompt(TITLE_PROMPT, { prompt: messages.askTitle(typeLabel(draft.type)) });
  }

  private async bodyStep(step: WaterfallStepContext<ContentDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.title === undefined) {
      // A typed title is checked like one from the first sentence: once, by titleStep, which asks again if need be.
      return step.replaceDialog(this.waterfallId, { ...draft, proposedTitle: step.result as string });
    }
    if (draft.body !== undefined) return step.next();
    const howToWrite = { newLineKey: SHIFT_ENTER_CHANNELS.has(step.context.activity.channelId), formShown: draft.formShown === true };
    return step.prompt(BODY_PROMPT, { prompt: messages.askBody(howToWrite) });
  }

  private async confirmStep(step: WaterfallStepContext<ContentDraft>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.body === undefined) {
      const text = step.result as string;
      // Confluence refuses bodies over 5 MB; say so now rather than after the confirmation, and ask again.
      const bytes = Buffer.byteLength(text, 'utf8');
      if (bytes > MAX_BODY_BYTES) {
        await step.context.sendActivity(messages.bodyTooLarge(bytes));
        return step.replaceDialog(this.waterfallId, draft);
      }
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
      choices: choicesWithSynonyms(messages.confirmChoices, CONFIRM_SYNONYMS),
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
      rememberUsedForm(step.context, draft.formId);
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
      // Refused in that space: the title is kept, to be checked again in the space chosen next.
      if (field === 'space') return step.replaceDialog(this.waterfallId, { ...withoutField(draft, field), proposedTitle: draft.title });
      if (field) return step.replaceDialog(this.waterfallId, withoutField(draft, field));
      return this.offerRetry(step);
    }
  }

  private promptChange(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt(CHANGE_PROMPT, {
      prompt: messages.whatToChange,
      choices: choicesWithSynonyms(messages.changeChoices, CHANGE_SYNONYMS),
    });
  }

  private applyChange(step: WaterfallStepContext, choice: string): Promise<DialogTurnResult> {
    const field = choice.toLowerCase() as DraftField;
    return step.replaceDialog(this.waterfallId, withoutField(this.draft(step), field));
  }

  /**
   * On channels that render cards, the space question comes with the whole form as an alternative. A form sent
   * back with its problems marked is the question on its own.
   */
  protected override async spacePrompt(step: WaterfallStepContext<ContentDraft>, spaces: Space[]): Promise<PromptOptions> {
    const draft = this.draft(step);
    const returned = draft.returnedForm;
    if (returned !== undefined) {
      draft.returnedForm = undefined;
      const card = MessageFactory.attachment(createContentFormCard(spaces, returned.values, returned.errors));
      return { prompt: card, retryPrompt: card };
    }
    const options = await super.spacePrompt(step, spaces);
    if (!rendersCards(step.context.activity.channelId) || draft.title !== undefined) return options;
    const question = options.prompt as Partial<Activity>;
    const prompt = MessageFactory.suggestedActions(question.suggestedActions?.actions ?? [], `${question.text} ${messages.orUseTheForm}`);
    prompt.attachments = [createContentFormCard(spaces, { type: draft.type, title: draft.proposedTitle, body: draft.body })];
    draft.formShown = true;
    return { ...options, prompt };
  }

  /** Only spaces the user can create in (for the type, once chosen) are offered. */
  protected override async offeredSpaces(step: WaterfallStepContext<ContentDraft>, spaces: Space[], max: number): Promise<OfferedSpaces> {
    const draft = this.draft(step);
    return creatableSpaces(this.access, this.logger, step.context, draft.site!.cloudId, spaces, draft.type, max);
  }

  protected override nothingToOffer(): string {
    return messages.noCreatableSpaces;
  }

  protected override async spaceRefusal(context: TurnContext, draft: ContentDraft, space: Space): Promise<SpaceResolution | undefined> {
    const rights = await rightsIn(this.access, this.logger, context, draft.site!.cloudId, space);
    if (rights === undefined || allows(rights, draft.type)) return undefined;
    const what = refusedContent(draft.type);
    return { problem: messages.readOnlySpace(space.key, what), readOnly: { spaceKey: space.key, what } };
  }

  protected override readForm(value: unknown): FormValues | undefined {
    const form = parseFormSubmission(value);
    return form && { ...form, formId: formIdOf(value) };
  }

  /**
   * A form submission, checked as a whole. Its Create button is the confirmation: a valid form goes straight to
   * creating; otherwise the form comes back with the values kept and the problems marked.
   */
  protected override async takeForm(step: WaterfallStepContext<ContentDraft>, spaces: Space[], values: FormValues): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const cloudId = draft.site!.cloudId;
    const errors: FormErrors = {};
    let space: Space | undefined;
    if (!values.spaceKey) errors.spaceKey = messages.formChooseSpace;
    else {
      const resolution = await this.resolveSpace(step.context, { ...draft, type: values.type ?? 'page' }, spaces, values.spaceKey);
      if ('problem' in resolution) {
        errors.spaceKey = resolution.readOnly
          ? messages.formReadOnlySpace(resolution.readOnly.spaceKey, resolution.readOnly.what)
          : messages.formUnknownSpace(values.spaceKey);
      }
      else space = resolution.space;
    }
    const type = values.type ?? 'page';
    const title = (values.title ?? '').trim();
    // Without a space only the title's own rules can be checked; its uniqueness is checked once a space is known.
    const titleProblem = space ? await this.titleProblem(step.context, { cloudId, space, type }, title) : this.titleRuleProblem(title);
    if (titleProblem) errors.title = titleProblem;
    if (Object.keys(errors).length > 0 || !space) {
      return step.replaceDialog(this.waterfallId, { ...draft, returnedForm: { values, errors } } satisfies ContentDraft);
    }
    // Its Create button is the confirmation, unless that form already created content: then ask, never duplicate silently.
    const confirmed = !wasFormUsed(step.context, values.formId);
    Object.assign(draft, { space, type, title, body: values.body ?? '', confirmed, formId: values.formId } satisfies ContentDraft);
    return step.next();
  }

  /** Why this title cannot be used, or undefined when it can. Throws NotConnectedError when the token died. */
  private async titleProblem(context: TurnContext, where: TitleTarget, title: string): Promise<string | undefined> {
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
      [TYPE_PROMPT]: messages.atStep.type,
      [TITLE_PROMPT]: messages.atStep.title,
      [BODY_PROMPT]: messages.atStep.body,
      [CONFIRM_PROMPT]: messages.atStep.confirm,
      [CHANGE_PROMPT]: messages.atStep.change,
    };
  }

  protected describeCancellation(_innerDc?: DialogContext): string {
    return messages.draftDropped;
  }
}
