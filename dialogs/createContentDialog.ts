/**
 * Create Content: authorize → site → space → page or blog post → title → body → confirm → create → link.
 *
 * Every step fills one field of the draft and is skipped when the field is already known, so "change", "retry"
 * and a sign-in in the middle all restart the waterfall with the draft (replaceDialog) instead of bespoke loops.
 */
import { ActionTypes, MessageFactory } from 'botbuilder';
import {
  ChoiceFactory,
  ChoicePrompt,
  DialogContext,
  DialogTurnResult,
  FoundChoice,
  ListStyle,
  PromptValidatorContext,
  TextPrompt,
  WaterfallDialog,
  WaterfallStep,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import type { Logger } from '../services/logging/logger.js';
import { AuthConfigurationError } from '../services/auth/authService.js';
import { OAuthUnavailableError } from '../services/auth/oauthClient.js';
import { ConfluenceError } from '../services/confluence/errors.js';
import type { ConfluenceSite, Space } from '../services/confluence/types.js';
import { CancelAndHelpDialog } from './cancelAndHelpDialog.js';
import { ConfluenceAccess, NotConnectedError } from './confluenceAccess.js';
import { ContentDraft, DraftField, typeLabel, withoutField } from './draft.js';
import { createFailure, MAX_TITLE_LENGTH, messages, readFailure } from './messages.js';
import { RETRY_DECISION, RetryDecision, RetryDialog } from './retryDialog.js';
import { requesterOf } from './requester.js';
import { SignInDialog, SignInResult } from './signInDialog.js';
import { closeMatches, findSpace } from './spaceMatching.js';

export const CREATE_CONTENT_DIALOG = 'createContentDialog';

const WATERFALL = 'createContentWaterfall';
const SIGN_IN = 'createContentSignIn';
const RETRY = 'createContentRetry';
const SITE_PROMPT = 'sitePrompt';
const SPACE_PROMPT = 'spacePrompt';
const TYPE_PROMPT = 'typePrompt';
const TITLE_PROMPT = 'titlePrompt';
const BODY_PROMPT = 'bodyPrompt';
const CONFIRM_PROMPT = 'confirmPrompt';
const CHANGE_PROMPT = 'changePrompt';

const SPACE_BUTTONS = 10;

const STEP_DESCRIPTIONS: Record<string, string> = {
  [SIGN_IN]: 'I am waiting for you to sign in to Confluence with the button above.',
  [SITE_PROMPT]: 'you are choosing the Confluence site.',
  [SPACE_PROMPT]: 'you are choosing the space (type its key, like DEMO).',
  [TYPE_PROMPT]: 'you are choosing between a page and a blog post.',
  [TITLE_PROMPT]: 'you are typing the title (1 to 255 characters, not already used in the space).',
  [BODY_PROMPT]: 'you are typing the content in Markdown, or "skip" for none.',
  [CONFIRM_PROMPT]: 'you are confirming: Create, Change or Cancel.',
  [CHANGE_PROMPT]: 'you are choosing what to change.',
  [RETRY]: 'something failed; say Retry, Change or Cancel.',
};

interface SpacePromptContext {
  spaces: Space[];
  cloudId: string;
}

interface TitlePromptContext {
  cloudId: string;
  space: Space;
  type: 'page' | 'blogpost';
}

/** A prompt validator hands on what it resolved as the recognized text, JSON-encoded. */
type SpaceAnswer = { space: Space } | { reconnect: true };

export class CreateContentDialog extends CancelAndHelpDialog {
  constructor(
    private readonly access: ConfluenceAccess,
    private readonly logger: Logger,
  ) {
    super(CREATE_CONTENT_DIALOG);
    this.addDialog(new SignInDialog(SIGN_IN, access.connector))
      .addDialog(new RetryDialog(RETRY))
      .addDialog(new ChoicePrompt(SITE_PROMPT))
      .addDialog(new TextPrompt(SPACE_PROMPT, this.validateSpace.bind(this)))
      .addDialog(new ChoicePrompt(TYPE_PROMPT))
      .addDialog(new TextPrompt(TITLE_PROMPT, this.validateTitle.bind(this)))
      .addDialog(new TextPrompt(BODY_PROMPT))
      .addDialog(new ChoicePrompt(CONFIRM_PROMPT))
      .addDialog(new ChoicePrompt(CHANGE_PROMPT))
      .addDialog(
        new WaterfallDialog(
          WATERFALL,
          [
            this.authorizeStep,
            this.siteStep,
            this.spaceStep,
            this.typeStep,
            this.titleStep,
            this.bodyStep,
            this.confirmStep,
            this.decideStep,
            this.changeStep,
          ].map((step) => this.guarded(step.bind(this))),
        ),
      );
    this.initialDialogId = WATERFALL;
  }

  private async authorizeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    values(step).draft = { ...((step.options as ContentDraft | undefined) ?? {}) };
    const connection = await this.access.connector.getConnection(requesterOf(step.context));
    if (connection.status !== 'connected') throw new NotConnectedError(connection);
    return step.next();
  }

  private async siteStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const connection = await this.access.connector.getConnection(requesterOf(step.context));
    if (connection.status !== 'connected') throw new NotConnectedError(connection);
    const sites = connection.sites;
    values(step).sites = sites;
    if (draft.site && sites.some((site) => site.cloudId === draft.site!.cloudId)) return step.next();
    if (sites.length === 0) {
      await step.context.sendActivity(messages.noSites);
      return step.endDialog();
    }
    if (sites.length === 1) {
      draft.site = sites[0];
      return step.next();
    }
    return step.prompt(SITE_PROMPT, {
      prompt: messages.chooseSite,
      choices: ChoiceFactory.toChoices(sites.map((site) => site.name)),
      style: ListStyle.suggestedAction,
    });
  }

  private async spaceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.site) {
      const sites = values(step).sites!;
      draft.site = sites[(step.result as FoundChoice).index];
    }
    if (draft.space) return step.next();
    const cloudId = draft.site!.cloudId;
    const spaces = await this.access.run(requesterOf(step.context), cloudId, (api, target) => api.listSpaces(target));
    if (spaces.length === 0) {
      await step.context.sendActivity(messages.noSpaces);
      return step.endDialog();
    }
    const shown = spaces.slice(0, SPACE_BUTTONS);
    const prompt = MessageFactory.suggestedActions(
      shown.map((space) => ({ type: ActionTypes.ImBack, title: `${space.name} (${space.key})`, value: space.key })),
      messages.chooseSpace(shown.length, spaces.length),
    );
    const validations: SpacePromptContext = { spaces, cloudId };
    return step.prompt(SPACE_PROMPT, { prompt, retryPrompt: prompt, validations });
  }

  private async typeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.space) {
      const answer = JSON.parse(step.result as string) as SpaceAnswer;
      if ('reconnect' in answer) return step.replaceDialog(WATERFALL, draft);
      draft.space = answer.space;
    }
    if (draft.type) return step.next();
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
    const validations: TitlePromptContext = { cloudId: draft.site!.cloudId, space: draft.space!, type: draft.type };
    return step.prompt(TITLE_PROMPT, { prompt: messages.askTitle(typeLabel(draft.type)), validations });
  }

  private async bodyStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.title === undefined) {
      const answer = (step.result as string).trim();
      if (answer === RECONNECT) return step.replaceDialog(WATERFALL, draft);
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
      values(step).awaiting = 'change';
      return this.promptChange(step);
    }
    values(step).awaiting = 'confirm';
    return step.prompt(CONFIRM_PROMPT, {
      prompt: messages.summary(draft),
      choices: ChoiceFactory.toChoices(messages.confirmChoices),
      style: ListStyle.suggestedAction,
    });
  }

  private async decideStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    const choice = (step.result as FoundChoice).value;
    if (values(step).awaiting === 'change') return this.applyChange(step, choice);
    if (choice === 'Cancel') {
      await step.context.sendActivity(messages.cancelled(messages.draftDropped));
      return step.endDialog();
    }
    if (choice === 'Change') return this.promptChange(step);
    return this.create(step, draft);
  }

  private async changeStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return this.applyChange(step, (step.result as FoundChoice).value);
  }

  private async create(step: WaterfallStepContext, draft: ContentDraft): Promise<DialogTurnResult> {
    const label = typeLabel(draft.type!);
    // Said once: after a sign-in or a retry the waterfall comes straight back here instead of asking again.
    draft.confirmed = true;
    await step.context.sendActivity(messages.creating(label));
    try {
      const created = await this.access.run(requesterOf(step.context), draft.site!.cloudId, (api, target) =>
        api.createContent(target, { spaceId: draft.space!.id, type: draft.type!, title: draft.title!, bodyMarkdown: draft.body ?? '' }),
      );
      await step.context.sendActivity(messages.created(label, created.title, draft.space!.name, draft.space!.key, created.webUrl));
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
      if (field) return step.replaceDialog(WATERFALL, withoutField(draft, field));
      return step.beginDialog(RETRY);
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
    return step.replaceDialog(WATERFALL, withoutField(this.draft(step), field));
  }

  /**
   * Wraps a step so the whole flow handles the same outcomes the same way: a needed sign-in, a Confluence failure
   * while reading, and the answer of the sign-in or retry dialogs those start (which arrives at the next step).
   */
  private guarded(step: (s: WaterfallStepContext) => Promise<DialogTurnResult>): WaterfallStep {
    return async (s) => {
      const result = s.result as SignInResult | RetryDecision | undefined;
      if (isSignInResult(result)) {
        return result.signedIn ? s.replaceDialog(WATERFALL, this.draft(s)) : s.endDialog();
      }
      if (isRetryDecision(result)) return this.onRetryDecision(s, result);
      try {
        return await step(s);
      } catch (error) {
        if (error instanceof NotConnectedError) return this.onNotConnected(s, error);
        if (error instanceof ConfluenceError) {
          this.logger.warn('confluence read failed', { kind: error.kind, status: error.status });
          await s.context.sendActivity(readFailure(error.kind));
          return s.beginDialog(RETRY);
        }
        if (error instanceof OAuthUnavailableError) {
          this.logger.warn('atlassian sign-in service unavailable', { error });
          await s.context.sendActivity(messages.authUnavailable);
          return s.beginDialog(RETRY);
        }
        if (error instanceof AuthConfigurationError) {
          this.logger.error('authorization is misconfigured', { error });
          await s.context.sendActivity(messages.authMisconfigured);
          return s.beginDialog(RETRY);
        }
        throw error;
      }
    };
  }

  private async onNotConnected(step: WaterfallStepContext, error: NotConnectedError): Promise<DialogTurnResult> {
    const connection = error.connection;
    if (connection.status === 'sign-in-required') {
      return step.beginDialog(SIGN_IN, { reason: connection.reason });
    }
    if (connection.reason === 'no-shared-token') {
      await step.context.sendActivity(messages.adminMustAuthorize);
      return step.endDialog();
    }
    this.logger.warn(messages.adminAttentionLog, { profile: connection.profileName });
    await step.context.sendActivity(messages.adminMustReauthorize);
    return step.beginDialog(RETRY);
  }

  private async onRetryDecision(step: WaterfallStepContext, decision: RetryDecision): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    switch (decision.decision) {
      case 'retry':
        return step.replaceDialog(WATERFALL, draft);
      case 'change':
        return step.replaceDialog(WATERFALL, { ...draft, confirmed: false, changeRequested: true });
      case 'cancel':
        await step.context.sendActivity(messages.cancelled(messages.draftDropped));
        return step.endDialog();
    }
  }

  private async validateSpace(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!prompt.recognized.succeeded) return false;
    const typed = prompt.recognized.value!.trim();
    const { spaces, cloudId } = prompt.options.validations as SpacePromptContext;
    let space = findSpace(spaces, typed);
    if (!space) {
      try {
        space = await this.access.run(requesterOf(prompt.context), cloudId, (api, target) => api.getSpaceByKey(target, typed));
      } catch (error) {
        if (error instanceof NotConnectedError) return this.accept(prompt, JSON.stringify({ reconnect: true }));
        if (error instanceof ConfluenceError) {
          await prompt.context.sendActivity(readFailure(error.kind));
          return false;
        }
        throw error;
      }
    }
    if (!space) {
      const matches = closeMatches(spaces, typed).map((match) => match.key);
      await prompt.context.sendActivity(messages.unknownSpace(typed.slice(0, 100), matches));
      return false;
    }
    return this.accept(prompt, JSON.stringify({ space } satisfies SpaceAnswer));
  }

  private async validateTitle(prompt: PromptValidatorContext<string>): Promise<boolean> {
    if (!prompt.recognized.succeeded) return false;
    const title = prompt.recognized.value!.trim();
    if (title === '') {
      await prompt.context.sendActivity(messages.titleBlank);
      return false;
    }
    if (title.length > MAX_TITLE_LENGTH) {
      await prompt.context.sendActivity(messages.titleTooLong(title.length));
      return false;
    }
    const { cloudId, space, type } = prompt.options.validations as TitlePromptContext;
    try {
      const taken = await this.access.run(requesterOf(prompt.context), cloudId, (api, target) =>
        api.titleExists(target, space.id, type, title),
      );
      if (taken) {
        await prompt.context.sendActivity(messages.titleTaken(title, space.key));
        return false;
      }
    } catch (error) {
      if (error instanceof NotConnectedError) return this.accept(prompt, RECONNECT);
      if (!(error instanceof ConfluenceError)) throw error;
      // The duplicate check is a courtesy; Confluence checks again when creating, so a failed check is not fatal.
      this.logger.warn('title check failed', { kind: error.kind });
    }
    return this.accept(prompt, title);
  }

  private accept(prompt: PromptValidatorContext<string>, value: string): boolean {
    prompt.recognized.value = value;
    return true;
  }

  private draft(step: WaterfallStepContext): ContentDraft {
    return values(step).draft;
  }

  protected describeStep(innerDc: DialogContext): string | undefined {
    const active = innerDc.activeDialog?.id;
    return active ? STEP_DESCRIPTIONS[active] : undefined;
  }

  protected describeCancellation(innerDc: DialogContext): string {
    return messages.draftDropped;
  }
}

/** Per-run scratch data of the waterfall (dialog state, so it survives restarts). */
interface StepValues {
  draft: ContentDraft;
  sites?: ConfluenceSite[];
  awaiting?: 'confirm' | 'change';
}

function values(step: WaterfallStepContext): StepValues {
  return step.values as StepValues;
}

/** Sent through the title prompt when the token died while checking the title: re-run authorization. */
const RECONNECT = '\u0000reconnect';

function isSignInResult(value: unknown): value is SignInResult {
  return typeof value === 'object' && value !== null && 'signedIn' in value;
}

function isRetryDecision(value: unknown): value is RetryDecision {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === RETRY_DECISION;
}
