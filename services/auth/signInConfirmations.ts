/**
 * Sign-ins that finished in a browser but are not yet bound to anyone. Whoever opens a sign-in link completes it in
 * their own browser, so a link sent to someone else would bind *their* Atlassian account to the sender's chat
 * identity (login CSRF in account linking, RFC 9700 §4.7). Unless the browser itself proves it is the same person
 * (see confirmationPolicy.ts), the token waits here until the chat confirms: the Connected page shows a 6-digit code,
 * and the person types it into the chat (or Teams hands it to the bot in `signin/verifyState`).
 *
 * One record per waiting owner (a user in a conversation, or a profile's pre-authorization): the code and the
 * token sealed together, 5 minutes, 3 attempts. A later sign-in by the same owner replaces it.
 */
import { randomInt, timingSafeEqual } from 'node:crypto';
import type { SecretBox } from '../crypto/secretBox.js';
import type { RecordStore } from '../storage/recordStore.js';
import {
  parseRecord,
  signInConfirmationKey,
  signInConfirmationRecord,
  SIGN_IN_CONFIRMATIONS_PREFIX,
  SHARED_TOKEN_OWNER,
  type SignInConfirmationRecord,
} from './records.js';
import { requesterKey, type TokenSet } from './tokenStore.js';
import type { PendingSignIn } from './signInRequests.js';
import type { Requester } from './types.js';

export const CONFIRMATION_LIFETIME_MS = 5 * 60 * 1000;
export const CONFIRMATION_ATTEMPTS = 3;

/** Six digits, optionally typed in two groups ("123 456", "123-456"). */
const CODE_AS_TYPED = /^\s*(\d{3})[\s-]?(\d{3})\s*$/;

/** The 6-digit code in what the person typed, or undefined when the text is not a code. */
export function codeIn(text: string): string | undefined {
  const match = CODE_AS_TYPED.exec(text);
  return match ? `${match[1]}${match[2]}` : undefined;
}

/** Who a confirmation is for: a user in one conversation, or (no requester) the profile's pre-authorization. */
export interface ConfirmationOwner {
  profileName: string;
  requester?: Requester;
  conversationId?: string;
}

export type ConfirmationResult =
  | { kind: 'confirmed'; token: TokenSet; record: SignInConfirmationRecord }
  /** `attemptsLeft` 0: that was the last attempt, the sign-in is discarded. */
  | { kind: 'wrong-code'; attemptsLeft: number }
  /** Nothing waits (never started, expired, already confirmed or discarded). */
  | { kind: 'nothing-pending' };

interface SealedContent {
  code: string;
  token: TokenSet;
}

export class SignInConfirmationStore {
  constructor(
    private readonly records: RecordStore,
    private readonly secretBox: SecretBox,
    private readonly now: () => number = Date.now,
  ) {}

  /** Holds the token for `pending`'s owner behind a fresh code, replacing whatever that owner had waiting. */
  async hold(pending: PendingSignIn, token: TokenSet): Promise<{ code: string; expiresAt: number }> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const expiresAt = this.now() + CONFIRMATION_LIFETIME_MS;
    const record: SignInConfirmationRecord = {
      kind: pending.kind,
      profileName: pending.profileName,
      requester: pending.requester,
      conversation: pending.conversation,
      sealed: this.secretBox.seal(JSON.stringify({ code, token } satisfies SealedContent)),
      attempts: 0,
      expiresAt,
    };
    const owner = { profileName: pending.profileName, requester: pending.kind === 'user' ? pending.requester : undefined, conversationId: pending.conversation?.conversation.id };
    await this.records.put(keyOf(owner), record, { expiresAt });
    return { code, expiresAt };
  }

  /**
   * Checks a code typed (or handed over by Teams) for this owner. The right code removes the record and returns the
   * token, exactly once even when two instances check at the same moment; a wrong one uses up an attempt.
   */
  async confirm(owner: ConfirmationOwner, code: string): Promise<ConfirmationResult> {
    const key = keyOf(owner);
    for (;;) {
      const current = await this.records.get<unknown>(key);
      if (current === undefined) return { kind: 'nothing-pending' };
      const record = parseRecord(signInConfirmationRecord, current.value, key, this.records.location);
      if (record.expiresAt <= this.now() || record.attempts >= CONFIRMATION_ATTEMPTS) {
        await this.records.delete(key, current.etag);
        return { kind: 'nothing-pending' };
      }
      const content = JSON.parse(this.secretBox.open(record.sealed)) as SealedContent;
      if (sameCode(content.code, code)) {
        if (await this.records.delete(key, current.etag)) return { kind: 'confirmed', token: content.token, record };
        continue;
      }
      const attempts = record.attempts + 1;
      const attemptsLeft = CONFIRMATION_ATTEMPTS - attempts;
      const written =
        attemptsLeft === 0
          ? await this.records.delete(key, current.etag)
          : (await this.records.replace(key, { ...record, attempts }, current.etag, { expiresAt: record.expiresAt })) !== undefined;
      if (written) return { kind: 'wrong-code', attemptsLeft };
    }
  }

  prune(): Promise<number> {
    return this.records.pruneExpired(SIGN_IN_CONFIRMATIONS_PREFIX, this.now());
  }
}

function keyOf(owner: ConfirmationOwner): string {
  return owner.requester === undefined
    ? signInConfirmationKey(owner.profileName, SHARED_TOKEN_OWNER)
    : signInConfirmationKey(owner.profileName, requesterKey(owner.requester), owner.conversationId ?? '');
}

function sameCode(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
