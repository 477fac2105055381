/**
 * What every Confluence conversation shares: authorize → site → space, then the subclass's own steps.
 *
 * Each step fills one field of the draft and is skipped when the field is known, so a sign-in in the middle,
 * "retry", "change" and "switch site" all restart the waterfall with the draft (replaceDialog) instead of bespoke
 * loops. Every step is guarded the same way: a needed sign-in, a Confluence or Atlassian failure, and the answer
 * of the sign-in or retry dialog those start (which arrives at the next step, so every waterfall ends with one more
 * guarded step: see addGuardedWaterfall).
 */
import { ActionTypes, MessageFactory, TurnContext } from 'botbuilder';
import {
  ChoiceFactory,
  DialogContext,
  DialogTurnResult,
  FoundChoice,
  PromptOptions,
  WaterfallDialog,
  WaterfallStep,
  WaterfallStepContext,
} from './dialogsLib.js';
import type { ConfluenceSite, Space } from '../services/confluence/types.js';
import type { Logger } from '../services/logging/logger.js';
import type { ConfluenceAccess } from './confluenceAccess.js';
import { AuthConfigurationError, ConfluenceError, MissingPermissionError, NotConnectedError, OAuthUnavailableError } from './failures.js';
import { InterruptibleDialog } from './interruptibleDialog.js';
import { messages, missingPermission, readFailure } from './messages.js';
import { requesterOf } from './requester.js';
import { inSharedConversation } from './sharedConversation.js';
import { RETRY_DECISION, RetryDecision, RetryDialog, RetryOptions } from './retryDialog.js';
import { SignInDialog, SignInResult } from './signInDialog.js';
import { StrictChoicePrompt } from './strictChoicePrompt.js';
import { SpaceAnswer, SpacePrompt } from './spacePrompt.js';
import type { FormValues } from './cards.js';
import type { SitePreference } from './sitePreference.js';
import type { SpaceDraft } from './spaceDraft.js';
import { closeMatches, findSpace } from './spaceMatching.js';

const SIGN_IN = 'signIn';
const RETRY = 'retry';
const SITE_PROMPT = 'sitePrompt';
const SPACE_PROMPT = 'spacePrompt';

const SPACE_BUTTONS = 10;

type Step<O extends object = object> = (step: WaterfallStepContext<O>) => Promise<DialogTurnResult>;

/** How a waterfall goes on after a sign-in or a retry decision; `change`: the user chose "Change". */
type Resume<O extends object = object> = (step: WaterfallStepContext<O>, change: boolean) => Promise<DialogTurnResult>;

/** `readOnly`: the user can see the space but not create what this conversation would create there. */
export type SpaceResolution = { space: Space } | { problem: string; readOnly?: { spaceKey: string; what: string } };

/** What the space question offers: the spaces to show, and how many the user has to choose from in all. */
export interface OfferedSpaces {
  spaces: Space[];
  total: number;
}

/** Per-run scratch data of the waterfall (dialog state, so it survives restarts). */
interface StepValues<D> {
  draft: D;
  sites?: ConfluenceSite[];
  /** The spaces the user can see, for the step that checks a typed answer. */
  spaces?: Space[];
  /** How many spaces the question could offer in all (see offeredSpaces). */
  spaceTotal?: number;
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
      .addDialog(new StrictChoicePrompt(SITE_PROMPT))
      .addDialog(new SpacePrompt(SPACE_PROMPT, (value) => this.readForm(value)));
  }

  /** The waterfall: the shared steps, then the subclass's. A sign-in or "Retry" runs it again with the draft. */
  protected addSteps(steps: Array<Step<D>>): void {
    this.addGuardedWaterfall(this.waterfallId, [this.authorizeAndSiteStep, this.spaceStep, this.receiveSpaceStep, ...steps], (step, change) =>
      step.replaceDialog(this.waterfallId, change ? this.afterChangeRequested(this.draft(step)) : this.draft(step)),
    );
    this.initialDialogId = this.waterfallId;
  }

  /**
   * A waterfall whose every step is guarded, and which ends with one more guarded step. A child dialog's answer
   * arrives at the step after the one that started it, so without that last step a sign-in or retry started by the
   * last step of the conversation would end it unheard. `resume` runs the conversation again once signed in or on
   * "Retry" (`change`: on "Change").
   */
  protected addGuardedWaterfall<O extends object>(id: string, steps: Array<Step<O>>, resume: Resume<O>): void {
    const all: Array<Step<O>> = [...steps, this.answerStep];
    this.addDialog(new WaterfallDialog<O>(id, all.map((step) => this.guarded(step.bind(this), resume))));
  }

  /** Reached with the answer of a sign-in or retry (taken by the guard), or the value the last step passed on. */
  private async answerStep(step: WaterfallStepContext<object>): Promise<DialogTurnResult> {
    return step.endDialog(step.result);
  }

  /** The draft without its site (and whatever depends on it), for "switch site". */
  protected abstract withoutSite(draft: D): D;

  /** What "Change" after a failure means for this conversation. */
  protected abstract afterChangeRequested(draft: D): D;

  /** The prompt that asks for the space, after why the one named is not it (one message); a subclass may add a card. */
  protected async spacePrompt(step: WaterfallStepContext<D>, spaces: Space[]): Promise<PromptOptions> {
    const draft = this.draft(step);
    const problem = draft.spaceProblem;
    draft.spaceProblem = undefined;
    const shown = spaces.slice(0, SPACE_BUTTONS);
    const buttons = shown.map((space) => ({ type: ActionTypes.ImBack, title: `${space.name} (${space.key})`, value: space.key }));
    const question = messages.chooseSpace(shown.length, this.values(step).spaceTotal ?? spaces.length);
    const prompt = MessageFactory.suggestedActions(buttons, problem === undefined ? question : `${problem}\n\n${question}`);
    return { prompt, retryPrompt: MessageFactory.suggestedActions(buttons, question) };
  }

  /**
   * The spaces the question offers (the first `max` as buttons, all on a form), out of all the user can see. All by
   * default; a conversation that creates offers only spaces the user can create in.
   */
  protected async offeredSpaces(_step: WaterfallStepContext<D>, spaces: Space[], _max: number): Promise<OfferedSpaces> {
    return { spaces, total: spaces.length };
  }

  /**
   * Whether this conversation asks for a space when none was named. A search or a page named by title can do
   * without one; a space named in the sentence is still checked.
   */
  protected asksForSpace(_draft: D): boolean {
    return true;
  }

  /** Said when offeredSpaces leaves nothing to offer. */
  protected nothingToOffer(): string {
    return messages.noSpaces;
  }

  /** Why the user cannot use this space they can see for this conversation, or undefined when they can. */
  protected async spaceRefusal(_context: TurnContext, _draft: D, _space: Space): Promise<SpaceResolution | undefined> {
    return undefined;
  }

  /** The form values in a card submission that this conversation takes at the space question (none by default). */
  protected readForm(_value: unknown): FormValues | undefined {
    return undefined;
  }

  /** A submitted form (see readForm): check it and take it into the draft, or ask again. */
  protected async takeForm(step: WaterfallStepContext<D>, _spaces: Space[], _form: FormValues): Promise<DialogTurnResult> {
    return step.replaceDialog(this.waterfallId, this.draft(step));
  }

  /** One connection look-up serves both: a missing sign-in surfaces here, and the sites come with the token. */
  private async authorizeAndSiteStep(step: WaterfallStepContext<D>): Promise<DialogTurnResult> {
    const draft = { ...step.options };
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
    });
  }

  private async spaceStep(step: WaterfallStepContext<D>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (!draft.site) {
      draft.site = this.values(step).sites![(step.result as FoundChoice).index];
      draft.chooseSite = false;
      await this.sitePreference.set(step.context, draft.site!.cloudId);
    }
    if (draft.space || (draft.proposedSpace === undefined && !this.asksForSpace(draft))) return step.next();
    const cloudId = draft.site!.cloudId;
    const spaces = await this.access.run(step.context, cloudId, (api, target) => api.listSpaces(target));
    if (spaces.length === 0) {
      await step.context.sendActivity(messages.noSpaces);
      return step.endDialog();
    }
    this.values(step).spaces = spaces;
    if (draft.proposedSpace !== undefined && (await this.takeProposedSpace(step, spaces))) return step.next();
    const offered = await this.offeredSpaces(step, spaces, SPACE_BUTTONS);
    if (offered.spaces.length === 0) {
      await step.context.sendActivity(this.nothingToOffer());
      return step.endDialog();
    }
    this.values(step).spaceTotal = offered.total;
    return step.prompt(SPACE_PROMPT, await this.spacePrompt(step, offered.spaces));
  }

  private async receiveSpaceStep(step: WaterfallStepContext<D>): Promise<DialogTurnResult> {
    const draft = this.draft(step);
    if (draft.space || step.result === undefined) return step.next();
    const answer = step.result as SpaceAnswer;
    const spaces = this.values(step).spaces ?? [];
    if (answer.kind === 'form') return this.takeForm(step, spaces, answer.form);
    draft.proposedSpace = answer.text;
    // Asked again with a fresh list of spaces, after the sentence that says why this one is not it.
    return (await this.takeProposedSpace(step, spaces)) ? step.next() : step.replaceDialog(this.waterfallId, draft);
  }

  /**
   * Puts the space the user named (typed, or in the first sentence) into the draft, or says why there is none. It
   * stays proposed while it is checked: after a sign-in in the middle of the check, it is checked again, not lost.
   */
  private async takeProposedSpace(step: WaterfallStepContext<D>, spaces: Space[]): Promise<boolean> {
    const draft = this.draft(step);
    const resolution = await this.resolveSpace(step.context, draft, spaces, draft.proposedSpace!);
    draft.proposedSpace = undefined;
    if ('problem' in resolution) {
      draft.spaceProblem = resolution.problem;
      return false;
    }
    draft.space = resolution.space;
    return true;
  }

  /** The space the user means by `typed`, or the sentence that says why there is none. */
  protected async resolveSpace(context: TurnContext, draft: D, spaces: Space[], typed: string): Promise<SpaceResolution> {
    const wanted = typed.trim();
    const found =
      findSpace(spaces, wanted) ??
      (await this.access.run(context, draft.site!.cloudId, (api, target) => api.getSpaceByKey(target, wanted)));
    if (found) return (await this.spaceRefusal(context, draft, found)) ?? { space: found };
    const matches = closeMatches(spaces, wanted).map((match) => match.key);
    return { problem: messages.unknownSpace(wanted.slice(0, 100), matches) };
  }

  protected async connected(context: TurnContext) {
    const connection = await this.connector.getConnection(requesterOf(context));
    if (connection.status !== 'connected') throw new NotConnectedError(connection);
    return connection;
  }

  private guarded<O extends object>(step: Step<O>, resume: Resume<O>): WaterfallStep<O> {
    return async (s) => {
      const result = s.result as SignInResult | RetryDecision | undefined;
      if (isSignInResult(result)) return result.signedIn ? resume(s, false) : s.endDialog();
      if (isRetryDecision(result)) return this.onRetryDecision(s, result, resume);
      try {
        return await step(s);
      } catch (error) {
        return this.onFailure(s, error);
      }
    };
  }

  private async onFailure(step: WaterfallStepContext, error: unknown): Promise<DialogTurnResult> {
    if (error instanceof NotConnectedError) return this.onNotConnected(step, error);
    if (error instanceof MissingPermissionError) {
      this.logger.warn('confluence token lacks a scope', { scope: error.scope, mode: error.mode });
      await step.context.sendActivity(missingPermission(error.scope, error.mode));
      return this.offerRetry(step);
    }
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
    // AuthService logged the command for the administrator when the refresh was refused.
    await step.context.sendActivity(messages.adminMustReauthorize);
    return this.offerRetry(step);
  }

  private async onRetryDecision<O extends object>(step: WaterfallStepContext<O>, decision: RetryDecision, resume: Resume<O>): Promise<DialogTurnResult> {
    switch (decision.decision) {
      case 'retry':
        return resume(step, false);
      case 'change':
        return resume(step, true);
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
      [SIGN_IN]: messages.atStep.signIn,
      [SITE_PROMPT]: messages.atStep.site,
      [SPACE_PROMPT]: messages.atStep.space,
      [RETRY]: messages.atStep.retry,
    };
  }

  protected draftIn(innerDc: DialogContext): D | undefined {
    const instance = innerDc.stack.find((entry) => entry.id === this.waterfallId);
    return (instance?.state as { values?: { draft?: D } } | undefined)?.values?.draft;
  }

  protected values(step: WaterfallStepContext<object>): StepValues<D> {
    return step.values as StepValues<D>;
  }

  protected draft(step: WaterfallStepContext<object>): D {
    return this.values(step).draft;
  }
}

function isSignInResult(value: unknown): value is SignInResult {
  return typeof value === 'object' && value !== null && 'signedIn' in value;
}

function isRetryDecision(value: unknown): value is RetryDecision {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === RETRY_DECISION;
}
