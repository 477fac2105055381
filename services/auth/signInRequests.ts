/**
 * Pending sign-ins, one record each. A sign-in link carries a random id; opening it (`/oauth/start`) issues a fresh
 * `state` for the provider; the callback finds the request by that state and consumes it. Only SHA-256 hashes of the
 * id and of the state's secret are stored, so a copy of the store cannot complete anyone's sign-in. A request carries
 * who it is for (requester, conversation, profile), so a state can bind to nothing else. Ten minutes, single use.
 *
 * The state is `<record key>.<secret>`: the record key is the hash of the link id (no secret: it is what the store
 * holds), so any instance finds the request with one read, whichever instance issued the link.
 *
 * A user has at most one pending sign-in per conversation (and a profile one pre-authorization): a new link replaces
 * the earlier one, so however often someone asks, the store holds one small record for them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordStore } from '../storage/recordStore.js';
import {
  signInOwnerKey,
  signInOwnerRecord,
  SHARED_TOKEN_OWNER,
  type StoredConversationReference,
  legacyStateKey,
  legacyStateRecord,
  parseRecord,
  signInKey,
  signInRecord,
  SIGN_INS_PREFIX,
  SIGN_IN_OWNERS_PREFIX,
  type SignInRecord,
} from './records.js';
import { requesterKey } from './tokenStore.js';
import type { Requester } from './types.js';

export const SIGN_IN_LIFETIME_MS = 10 * 60 * 1000;

export type SignInKind = 'user' | 'preauthorize';

export interface PendingSignIn {
  kind: SignInKind;
  profileName: string;
  requester?: Requester;
  conversation?: StoredConversationReference;
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

const SECRET = /^[A-Za-z0-9_-]{43}$/;
const HASH = /^[0-9a-f]{64}$/;

export class SignInRequestStore {
  constructor(
    private readonly records: RecordStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Stores the request and returns the clear id for the link (the only place it exists). */
  async create(request: Omit<PendingSignIn, 'createdAt' | 'expiresAt'>): Promise<{ id: string; expiresAt: number }> {
    const id = randomSecret();
    const createdAt = this.now();
    const stored: SignInRecord = {
      idHash: hashSecret(id),
      kind: request.kind,
      profileName: request.profileName,
      requester: request.requester,
      conversation: request.conversation,
      createdAt,
      expiresAt: createdAt + SIGN_IN_LIFETIME_MS,
    };
    await this.records.put(signInKey(stored.idHash), stored, { expiresAt: stored.expiresAt });
    const ownerKey = ownerKeyOf(request);
    const previous = await this.records.get<unknown>(ownerKey);
    await this.records.put(ownerKey, { idHash: stored.idHash }, { expiresAt: stored.expiresAt });
    if (previous !== undefined) {
      const replaced = parseRecord(signInOwnerRecord, previous.value, ownerKey, this.records.location).idHash;
      if (replaced !== stored.idHash) await this.records.delete(signInKey(replaced));
    }
    return { id, expiresAt: stored.expiresAt };
  }

  /**
   * For a live link id: a fresh state (replacing any earlier one, so only the latest provider redirect can
   * complete) and the request it belongs to. Undefined for an unknown or expired id.
   */
  async issueState(id: string): Promise<{ state: string; request: PendingSignIn } | undefined> {
    if (!SECRET.test(id)) return undefined;
    const idHash = hashSecret(id);
    const secret = randomSecret();
    const at = this.now();
    const key = signInKey(idHash);
    let stored: SignInRecord | undefined;
    for (let attempt = 0; attempt < 5 && stored === undefined; attempt += 1) {
      const record = await this.records.get<unknown>(key);
      if (record === undefined) return undefined;
      const pending = parseRecord(signInRecord, record.value, key, this.records.location);
      if (pending.expiresAt <= at) return undefined;
      const next = { ...pending, stateHash: hashSecret(secret) };
      // Losing this race means the link was opened twice at once; either opening may go on, so try again.
      if ((await this.records.replace(key, next, record.etag, { expiresAt: pending.expiresAt })) !== undefined) stored = next;
    }
    return stored === undefined ? undefined : { state: `${idHash}.${secret}`, request: toPending(stored) };
  }

  /**
   * Removes the request this state belongs to and returns it, unless it has expired. Undefined for an unknown,
   * expired or already used state. The removal is conditional on the version read, so of two callbacks with the same
   * state (a replay, or two instances) exactly one gets the request.
   */
  async consume(state: string): Promise<PendingSignIn | undefined> {
    const located = await this.locate(state);
    if (located === undefined) return undefined;
    const { key, secret } = located;
    const record = await this.records.get<unknown>(key);
    if (record === undefined) return undefined;
    const pending = parseRecord(signInRecord, record.value, key, this.records.location);
    if (pending.stateHash === undefined || !sameHash(pending.stateHash, hashSecret(secret))) return undefined;
    if (!(await this.records.delete(key, record.etag))) return undefined;
    if (pending.expiresAt <= this.now()) return undefined;
    return toPending(pending);
  }

  /** Deletes expired requests (abandoned links) and their owner entries; returns how many requests. */
  async prune(): Promise<number> {
    const pruned = await this.records.pruneExpired(SIGN_INS_PREFIX, this.now());
    await this.records.pruneExpired(SIGN_IN_OWNERS_PREFIX, this.now());
    return pruned;
  }

  private async locate(state: string): Promise<{ key: string; secret: string } | undefined> {
    const [idHash, secret, ...rest] = state.split('.');
    if (rest.length === 0 && secret !== undefined && HASH.test(idHash!) && SECRET.test(secret)) {
      return { key: signInKey(idHash!), secret };
    }
    // A state issued before the move to records (bot.json) is a bare secret: migration indexed it by its hash.
    if (secret !== undefined || !SECRET.test(state)) return undefined;
    const indexKey = legacyStateKey(hashSecret(state));
    const index = await this.records.get<unknown>(indexKey);
    if (index === undefined) return undefined;
    return { key: signInKey(parseRecord(legacyStateRecord, index.value, indexKey, this.records.location).idHash), secret: state };
  }
}

function ownerKeyOf(request: Pick<PendingSignIn, 'kind' | 'profileName' | 'requester' | 'conversation'>): string {
  if (request.kind === 'user' && request.requester !== undefined) {
    return signInOwnerKey(request.profileName, requesterKey(request.requester), request.conversation?.conversation.id ?? '');
  }
  return signInOwnerKey(request.profileName, SHARED_TOKEN_OWNER);
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));
}

function toPending(stored: SignInRecord): PendingSignIn {
  return {
    kind: stored.kind,
    profileName: stored.profileName,
    requester: stored.requester,
    conversation: stored.conversation,
    createdAt: stored.createdAt,
    expiresAt: stored.expiresAt,
  };
}
