/**
 * Pending sign-ins. A sign-in link carries a random id; opening it (`/oauth/start`) issues a fresh random
 * `state` for the provider; the callback finds the request by that state and consumes it. Only sha256 hashes of
 * the id and the state are stored, so a copy of the database cannot complete anyone's sign-in. A request carries
 * who it is for (requester, conversation, profile), so a state can bind to nothing else. Ten minutes, single use.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { BotDatabase, StoredSignInRequest } from '../storage/database.js';
import type { Requester } from './types.js';

export const SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;

export type SignInKind = 'user' | 'preauthorize';

export interface PendingSignIn {
  kind: SignInKind;
  profileName: string;
  requester?: Requester;
  conversation?: unknown;
  createdAt: number;
  expiresAt: number;
}

export function hashSecret(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** 256 random bits, URL-safe. */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export class SignInRequestStore {
  constructor(
    private readonly database: BotDatabase,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the request and returns the clear id for the link (the only place it exists). */
  async create(request: Omit<PendingSignIn, 'createdAt' | 'expiresAt'>): Promise<{ id: string; expiresAt: number }> {
    const id = randomSecret();
    const createdAt = this.now();
    const stored: StoredSignInRequest = {
      idHash: hashSecret(id),
      kind: request.kind,
      profileName: request.profileName,
      requester: request.requester,
      conversation: request.conversation,
      createdAt,
      expiresAt: createdAt + SIGN_IN_LIFETIME_MS,
    };
    await this.database.update((data) => {
      data.signInRequests = data.signInRequests.filter((pending) => pending.expiresAt > createdAt);
      data.signInRequests.push(stored);
    });
    return { id, expiresAt: stored.expiresAt };
  }

  /**
   * For a live link id: a fresh state (replacing any earlier one, so only the latest provider redirect can
   * complete) and the request it belongs to. Undefined for an unknown or expired id.
   */
  async issueState(id: string): Promise<{ state: string; request: PendingSignIn } | undefined> {
    const idHash = hashSecret(id);
    const state = randomSecret();
    const at = this.now();
    const stored = await this.database.update((data) => {
      const pending = data.signInRequests.find((candidate) => candidate.idHash === idHash);
      if (pending === undefined || pending.expiresAt <= at) return undefined;
      pending.stateHash = hashSecret(state);
      return pending;
    });
    return stored === undefined ? undefined : { state, request: toPending(stored) };
  }

  /**
   * Removes the request this state belongs to and returns it, unless it has expired. Undefined for an unknown,
   * expired or already used state. Removal comes first so a replayed callback finds nothing.
   */
  async consume(state: string): Promise<PendingSignIn | undefined> {
    const stateHash = hashSecret(state);
    const at = this.now();
    const stored = await this.database.update((data) => {
      const pending = data.signInRequests.find((candidate) => candidate.stateHash === stateHash);
      data.signInRequests = data.signInRequests.filter(
        (candidate) => candidate !== pending && candidate.expiresAt > at,
      );
      return pending;
    });
    if (stored === undefined || stored.expiresAt <= at) return undefined;
    return toPending(stored);
  }
}

function toPending(stored: StoredSignInRequest): PendingSignIn {
  return {
    kind: stored.kind,
    profileName: stored.profileName,
    requester: stored.requester,
    conversation: stored.conversation,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
  };
}
