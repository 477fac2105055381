/**
 * What every Confluence conversation shares: authorize → site → space, then the subclass's own steps.
 *
 * Each step fills one field of the draft and is skipped when the field is known, so a sign-in in the middle,
 * "retry", "change" and "switch site" all restart the waterfall with the draft (replaceDialog) instead of bespoke
 * loops. Every step is guarded the same way: a needed sign-in, a Confluence or Atlassian failure, and the answer
 * of the sign-in or retry dialog those start (which arrives at the next step).
 */
import { ActionTypes, MessageFactory, TurnContext } from 'botbuilder';
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
  WaterfallDialog,
  WaterfallStep,
  WaterfallStepContext,
} from 'botbuilder-dialogs';
import { AuthConfigurationError } from '../services/auth/authService.js';
import { OAuthUnavailableError } from '../services/auth/oauthClient.js';
import { ConfluenceError } from '../services/confluence/errors.js';
import type { ConfluenceSite, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import { ConfluenceAccess, NotConnectedError } from './confluenceAccess.js';
import { InterruptibleDialog } from './interruptibleDialog.js';
import { messages, readFailure } from './messages.js';
import { requesterOf } from './requester.js';
import { inSharedConversation } from './sharedConversation.js';
import { RETRY_DECISION, RetryDecision, RetryDialog, RetryOptions } from './retryDialog.js';
import { SignInDialog, SignInResult } from './signInDialog.js';
import type { SitePreference } from './sitePreference.js';
import type { SpaceDraft } from './spaceDraft.js';
import { closeMatches, findSpace } from './spaceMatching.js';

export const SIGN_IN = 'signIn';
export const RETRY = 'retry';
export const SITE_PROMPT = 'sitePrompt';
export const SPACE_PROMPT = 'spacePrompt';

const SPACE_BUTTONS = 10;

export interface SpacePromptContext {
  spaces: Space[];
  cloudId: string;
}

/**
 * A prompt validator hands on what it resolved as the recognized text, JSON-encoded. `extra` carries what a
 * subclass's own submission (a card form) supplied besides the space.
 */
export type SpaceAnswer = { space: Space; extra?: unknown } | { reconnect: true };

/** Set by a validator that already answered the user (with a card), so the prompt does not repeat itself. */
const ALREADY_ANSWERED = 'alreadyAnswered';

class SpaceTextPrompt extends TextPrompt {
  protected override async onPrompt(context: TurnContext, state: Record<string, unknown>, options: PromptOptions, isRetry: boolean): Promise<void> {
    if (isRetry && state[ALREADY_ANSWERED]) {
      delete state[ALREADY_ANSWERED];
      return;
    }
    await super.onPrompt(context, state, options, isRetry);
  }
}

/** For validators of the space prompt: the reply is already sent, do not send the retry prompt after it. */
export function markAnswered(prompt: PromptValidatorContext<string>): void {
  (prompt.state as Record<string, unknown>)[ALREADY_ANSWERED] = true;
}

export type SpaceResolution = { space: Space } | { problem: string };

/** Per-run scratch data of the waterfall (dialog state, so it survives restarts). */
export interface StepValues<D> {
  draft: D;
  sites?: ConfluenceSite[];
  [more: string]: unknown;
}

export abstract class ConfluenceDialog<D extends SpaceDraft> extends InterruptibleDialog {
  protected readonly waterfallId: string;

  constructor(
    id: string,
    protected readonly access: ConfluenceAccess,
    protected readonly logger: Logger,
    private readonly sitePreference: SitePreference,
  ) {
    super(id, access.connector);
    this.waterfallId = `${id}Waterfall`;
    this.addDialog(new SignInDialog(SIGN_IN, access.connector))
      .addDialog(new RetryDialog(RETRY))
      .addDialog(new ChoicePrompt(SITE_PROMPT))
      .addDialog(new SpaceTextPrompt(SPACE_PROMPT, this.validateSpace.bind(this)));
  }

  /** The waterfall: the shared steps, then the subclass's. */
  protected addSteps(steps: Array<(step: WaterfallStepContext) => Promise<DialogTurnResult>>): void {
    const all = [this.authorizeAndSiteStep, this.spaceStep, this.receiveSpaceStep, ...steps];
    this.addDialog(new WaterfallDialog(this.waterfallId, all.map((step) => this.guarded(step.bind(this)))));
    this.initialDialogId = this.waterfallId;
  }

  /** The draft without its site (and whatever depends on it), for "switch site". */
  protected abstract withoutSite(draft: D): D;

  /** What "Change" after a failure means for this conversation. */
  protected abstract afterChangeRequested(draft: D): D;

  /** The prompt that asks for the space; a subclass may add a card. */
  protected async spacePrompt(step: WaterfallStepContext, spaces: Space[], validations: SpacePromptContext): Promise<PromptOptions> {
    const shown = spaces.slice(0, SPACE_BUTTONS);
    const prompt = MessageFactory.suggestedActions(
      shown.map((space) => ({ type: ActionTypes.ImBack, title: `${space.name} (${space.key})`, value: space.key })),
      messages.chooseSpace(shown.length, spaces.length),
    );
    return { prompt, retryPrompt: prompt, validations };
  }

  /** A non-text answer to the space prompt (a card submission); undefined: not one this dialog handles. */
  protected async validateSubmission(_prompt: PromptValidatorContext<string>, _value: unknown): Promise<boolean | undefined> {
    return undefined;
  }

  /** One connection look-up serves both: a missing sign-in surfaces here, and the sites come with the token. */
  private async authorizeAndSiteStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = { ...((step.options as D | undefined) ?? {}) } as D;
    this.values(step).draft = draft;
    const sites = (await this.connected(step.context)).sites;
    this.values(step).sites = sites;
    if (draft.site && sites.some((site) => site.cloudId === draft.site!.cloudId)) return step.next();
    if (sites.length === 0) {
      await step.context.sendActivity(messages.noSites);
      return step.endDialog();
    }
    if (sites.length === 1) {
      draft.site = sites[0];
      return step.next();
    }
    const preferred = draft.chooseSite ? undefined : await this.sitePreference.get(step.context);
    const known = sites.find((site) => site.cloudId === preferred);
    if (known) {
      draft.site = known;
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
      draft.site = this.values(step).sites![(step.result as FoundChoice).index];
      draft.chooseSite = false;
      await this.sitePreference.set(step.context, draft.site!.cloudId);
    }
    if (draft.space) return step.next();
    const cloudId = draft.site!.cloudId;
    const spaces = await this.access.run(step.context, cloudId, (api, target) => api.listSpaces(target));
    if (spaces.length === 0) {
      await step.context.sendActivity(messages.noSpaces);
      return step.endDialog();
    }
    if (draft.proposedSpace !== undefined) {
      const proposed = draft.proposedSpace;
      draft.proposedSpace = undefined;
      const resolution = await this.resolveSpace(step.context, cloudId, spaces, proposed);
      if ('space' in resolution) {
        draft.space = resolution.space;
        return step.next();
      }
      await step.context.sendActivity(resolution.problem);
    }
    return step.prompt(SPACE_PROMPT, await this.spacePrompt(step, spaces, { spaces, cloudId }));
  }

  private async receiveSpaceStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.space) {
      const answer = JSON.parse(step.result as string) as SpaceAnswer;
      if ('reconnect' in answer) return step.replaceDialog(this.waterfallId, draft);
      draft.space = answer.space;
      if (answer.extra !== undefined) this.applySubmission(draft, answer.extra);
    }
    return step.next();
  }

  /** Takes what validateSubmission accepted besides the space into the draft. */
  protected applySubmission(_draft: D, _extra: unknown): void {}

  /** The space the user means by `typed`, or the sentence that says why there is none. */
  protected async resolveSpace(context: TurnContext, cloudId: string, spaces: Space[], typed: string): Promise<SpaceResolution> {
    const wanted = typed.trim();
    const found =
      findSpace(spaces, wanted) ??
      (await this.access.run(context, cloudId, (api, target) => api.getSpaceByKey(target, wanted)));
    if (found) return { space: found };
    const matches = closeMatches(spaces, wanted).map((match) => match.key);
    return { problem: messages.unknownSpace(wanted.slice(0, 100), matches) };
  }

  private async validateSpace(prompt: PromptValidatorContext<string>): Promise<boolean> {
    const submitted = prompt.context.activity.value;
    if (submitted !== undefined && submitted !== null) {
      const handled = await this.validateSubmission(prompt, submitted);
      if (handled !== undefined) return handled;
    }
    if (!prompt.recognized.succeeded) return false;
    const { spaces, cloudId } = prompt.options.validations as SpacePromptContext;
    try {
      const resolution = await this.resolveSpace(prompt.context, cloudId, spaces, prompt.recognized.value!);
      if ('problem' in resolution) {
        await prompt.context.sendActivity(resolution.problem);
        return false;
      }
      return this.accept(prompt, JSON.stringify({ space: resolution.space } satisfies SpaceAnswer));
    } catch (error) {
      if (error instanceof NotConnectedError) return this.accept(prompt, JSON.stringify({ reconnect: true } satisfies SpaceAnswer));
      if (error instanceof ConfluenceError) {
        await prompt.context.sendActivity(readFailure(error.kind));
        return false;
      }
      throw error;
    }
  }

  protected accept(prompt: PromptValidatorContext<string>, value: string): boolean {
    prompt.recognized.value = value;
    return true;
  }

  protected async connected(context: TurnContext) {
    const connection = await this.connector.getConnection(requesterOf(context));
    if (connection.status !== 'connected') throw new NotConnectedError(connection);
    return connection;
  }

  private guarded(step: (s: WaterfallStepContext) => Promise<DialogTurnResult>): WaterfallStep {
    return async (s) => {
      const result = s.result as SignInResult | RetryDecision | undefined;
      if (isSignInResult(result)) {
        return result.signedIn ? s.replaceDialog(this.waterfallId, this.draft(s)) : s.endDialog();
      }
      if (isRetryDecision(result)) return this.onRetryDecision(s, result);
      try {
        return await step(s);
      } catch (error) {
        return this.onFailure(s, error);
      }
    };
  }

  private async onFailure(step: WaterfallStepContext, error: unknown): Promise<DialogTurnResult> {
    if (error instanceof NotConnectedError) return this.onNotConnected(step, error);
    if (error instanceof ConfluenceError) {
      this.logger.warn('confluence request failed', { kind: error.kind, status: error.status });
      await step.context.sendActivity(this.describeReadFailure(step, error));
      return this.offerRetry(step);
    }
    if (error instanceof OAuthUnavailableError) {
      this.logger.warn('atlassian sign-in service unavailable', { error });
      await step.context.sendActivity(messages.authUnavailable);
      return this.offerRetry(step);
    }
    if (error instanceof AuthConfigurationError) {
      this.logger.error('authorization is misconfigured', { error });
      await step.context.sendActivity(messages.authMisconfigured);
      return this.offerRetry(step);
    }
    throw error;
  }

  /** The sentence for a Confluence failure outside the subclass's own handling. */
  protected describeReadFailure(_step: WaterfallStepContext, error: ConfluenceError): string {
    return readFailure(error.kind);
  }

  protected offerRetry(step: WaterfallStepContext, options: RetryOptions = { allowChange: this.offersChange() }): Promise<DialogTurnResult> {
    return step.beginDialog(RETRY, options);
  }

  /** Whether "Change" makes sense after a failure (there is a draft the user may want to edit). */
  protected offersChange(): boolean {
    return false;
  }

  private async onNotConnected(step: WaterfallStepContext, error: NotConnectedError): Promise<DialogTurnResult> {
    const connection = error.connection;
    if (connection.status === 'sign-in-required') {
      if (inSharedConversation(step.context)) {
        await step.context.sendActivity(messages.signInPrivately);
        return step.endDialog();
      }
      return step.beginDialog(SIGN_IN, { reason: connection.reason });
    }
    if (connection.reason === 'no-shared-token') {
      await step.context.sendActivity(messages.adminMustAuthorize);
      return step.endDialog();
    }
    this.logger.warn(messages.adminAttentionLog, { profile: connection.profileName });
    await step.context.sendActivity(messages.adminMustReauthorize);
    return this.offerRetry(step);
  }

  private async onRetryDecision(step: WaterfallStepContext, decision: RetryDecision): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    switch (decision.decision) {
      case 'retry':
        return step.replaceDialog(this.waterfallId, draft);
      case 'change':
        return step.replaceDialog(this.waterfallId, this.afterChangeRequested(draft));
      case 'cancel':
        await step.context.sendActivity(messages.cancelled(this.describeCancellation()));
        return step.endDialog();
    }
  }

  protected override async switchSite(innerDc: DialogContext): Promise<DialogTurnResult> {
    let sites: ConfluenceSite[];
    try {
      sites = (await this.connected(innerDc.context)).sites;
    } catch {
      await innerDc.context.sendActivity(messages.switchSiteNeedsSignIn);
      return this.reprompt(innerDc);
    }
    if (sites.length <= 1) {
      await innerDc.context.sendActivity(messages.onlyOneSite(sites[0]?.name));
      return this.reprompt(innerDc);
    }
    const draft = this.draftIn(innerDc) ?? ({} as D);
    await innerDc.cancelAllDialogs();
    return innerDc.beginDialog(this.waterfallId, { ...this.withoutSite(draft), chooseSite: true });
  }

  protected override describeStep(innerDc: DialogContext): string | undefined {
    const active = innerDc.activeDialog?.id;
    return active ? this.stepDescriptions()[active] : undefined;
  }

  protected stepDescriptions(): Record<string, string> {
    return {
      [SIGN_IN]: 'I am waiting for you to sign in to Confluence with the button above.',
      [SITE_PROMPT]: 'you are choosing the Confluence site.',
      [SPACE_PROMPT]: 'you are choosing the space (type its key, like DEMO).',
      [RETRY]: 'something failed; say Retry or Cancel.',
    };
  }

  protected draftIn(innerDc: DialogContext): D | undefined {
    const instance = innerDc.stack.find((entry) => entry.id === this.waterfallId);
    return (instance?.state as { values?: { draft?: D } } | undefined)?.values?.draft;
  }

  protected values(step: WaterfallStepContext): StepValues<D> {
    return step.values as StepValues<D>;
  }

  protected draft(step: WaterfallStepContext): D {
    return this.values(step).draft;
  }
}

function isSignInResult(value: unknown): value is SignInResult {
  return typeof value === 'object' && value !== null && 'signedIn' in value;
}

function isRetryDecision(value: unknown): value is RetryDecision {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === RETRY_DECISION;
}
