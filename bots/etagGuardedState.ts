/**
 * Conversation and user state whose saves are conditional on the version the turn loaded. botbuilder's BotState
 * saves with eTag `*` (last writer wins), which is harmless for one process that runs one turn per conversation at
 * a time (turnQueue.ts) but silently loses a step when two instances run turns of one conversation at once. Here a
 * save carries the loaded eTag (or "create only" for state that did not exist), so the slower turn fails with
 * EtagConflictError and the bot runs it again on fresh state (confluenceBot.ts).
 *
 * `claim` rewrites the state as it was loaded plus a "turn in progress" mark, under the same condition: a turn calls
 * it (through dialogs/turnClaim.ts) before an action that must happen at most once, so only one of two racing turns
 * gets to act. Other turns that load the mark wait for that turn to save (which drops the mark) before they run, so
 * none of them acts on the state from before the action. A crash right after the claim leaves the conversation
 * where it was; the mark lapses after CLAIM_HOLD_MS.
 */
import { randomUUID } from 'node:crypto';
import { BotState, PrivateConversationState, TurnContext, UserState } from 'botbuilder';
import { DialogContextError } from '../dialogs/dialogsLib.js';
import { ETAG_CREATE_ONLY, EtagConflictError } from '../services/storage/stateStorage.js';

/** Longer than a create can take (Confluence retries within a 20 s budget, plus timeouts). */
export const CLAIM_HOLD_MS = 60 * 1000;

const IN_PROGRESS = 'turnInProgress';
const TURN_ID = Symbol('etagGuardedState.turnId');

interface InProgress {
  turn: string;
  until: number;
}

interface Loaded {
  eTag: string | undefined;
  /** The state as loaded, as JSON without its eTag. */
  snapshot: string;
  /** The stored state carries this turn's claim mark, which the turn's save must drop. */
  claimed?: boolean;
}

export interface ClaimableState {
  claim(context: TurnContext): Promise<void>;
  /** The turn failed after claiming: puts the state back as loaded, so other turns need not wait for the mark to lapse. */
  releaseClaim(context: TurnContext): Promise<void>;
  /** When another turn holds a claim on the loaded state: until when (epoch ms). */
  busyElsewhereUntil(context: TurnContext): number | undefined;
}

/** A save (or claim) refused because another turn saved first; the dialogs wrap what they throw in DialogContextError. */
export function isStateConflict(error: unknown): boolean {
  if (error instanceof DialogContextError) return isStateConflict(error.error);
  return error instanceof EtagConflictError;
}

export function isClaimable(state: unknown): state is ClaimableState {
  return typeof (state as Partial<ClaimableState>).claim === 'function';
}

// TypeScript accepts only `any[]` as a mixin base's constructor parameters; the state classes take (storage, …).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type StateClass = new (...args: any[]) => BotState;

function etagGuarded<TBase extends StateClass>(Base: TBase) {
  return class EtagGuarded extends Base implements ClaimableState {
    private readonly loadedKey = Symbol('etagGuardedState.loaded');

    override async load(context: TurnContext, force = false): Promise<Record<string, unknown>> {
      const state = (await super.load(context, force)) as Record<string, unknown>;
      // Only the first load of a turn (or a forced reload) is the version later saves are conditional on.
      if (force || !context.turnState.has(this.loadedKey)) {
        const loaded: Loaded = { eTag: typeof state.eTag === 'string' ? state.eTag : undefined, snapshot: snapshotOf(state) };
        context.turnState.set(this.loadedKey, loaded);
        const mark = state[IN_PROGRESS] as InProgress | undefined;
        // A lapsed mark (its turn died) is dropped from the working copy, so this turn's save clears it.
        if (mark !== undefined && mark.until <= Date.now()) delete state[IN_PROGRESS];
      }
      return state;
    }

    override async saveChanges(context: TurnContext, force = false): Promise<void> {
      const loaded = context.turnState.get(this.loadedKey) as Loaded | undefined;
      if (loaded === undefined && !force) return;
      const state = (this.get(context) ?? {}) as Record<string, unknown>;
      const snapshot = snapshotOf(state);
      if (!force && loaded?.claimed !== true && snapshot === loaded?.snapshot) return;
      await this.writeGuarded(context, { ...state }, loaded, snapshot, false);
    }

    async claim(context: TurnContext): Promise<void> {
      await this.load(context);
      const loaded = context.turnState.get(this.loadedKey) as Loaded;
      const mark: InProgress = { turn: turnId(context), until: Date.now() + CLAIM_HOLD_MS };
      const claimed = { ...(JSON.parse(loaded.snapshot) as Record<string, unknown>), [IN_PROGRESS]: mark };
      await this.writeGuarded(context, claimed, loaded, loaded.snapshot, true);
    }

    async releaseClaim(context: TurnContext): Promise<void> {
      const loaded = context.turnState.get(this.loadedKey) as Loaded | undefined;
      if (loaded?.claimed !== true) return;
      await this.writeGuarded(context, JSON.parse(loaded.snapshot) as Record<string, unknown>, loaded, loaded.snapshot, false);
    }

    busyElsewhereUntil(context: TurnContext): number | undefined {
      const mark = (this.get(context) as Record<string, unknown> | undefined)?.[IN_PROGRESS] as InProgress | undefined;
      return mark !== undefined && mark.turn !== turnId(context) && mark.until > Date.now() ? mark.until : undefined;
    }

    private async writeGuarded(
      context: TurnContext,
      item: Record<string, unknown>,
      loaded: Loaded | undefined,
      snapshot: string,
      claimed: boolean,
    ): Promise<void> {
      item.eTag = loaded?.eTag ?? ETAG_CREATE_ONLY;
      await this.storage.write({ [await this.storageKey(context)]: item });
      // The storage set the new version on the item: the next save in this turn is conditional on it.
      const eTag = typeof item.eTag === 'string' ? item.eTag : undefined;
      context.turnState.set(this.loadedKey, { eTag, snapshot, claimed } satisfies Loaded);
    }
  };
}

function snapshotOf(state: Record<string, unknown>): string {
  const { eTag: _version, ...content } = state;
  return JSON.stringify(content);
}

function turnId(context: TurnContext): string {
  let id = context.turnState.get(TURN_ID) as string | undefined;
  if (id === undefined) {
    id = randomUUID();
    context.turnState.set(TURN_ID, id);
  }
  return id;
}

export const EtagGuardedPrivateConversationState = etagGuarded(PrivateConversationState);
export const EtagGuardedUserState = etagGuarded(UserState);
