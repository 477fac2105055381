/**
 * User ids in transcripts are pseudonyms: `user-<HMAC-SHA256(key, channel, conversation, id), 16 hex>`. With the
 * key (derived from the encryption key for this purpose only), the same person gets the same pseudonym throughout
 * one conversation's transcript, so a reader still follows who said what; without it, a transcript does not reveal
 * the id the Confluence token is stored under, nor link one person's conversations to each other (the pseudonym
 * differs per conversation).
 *
 * What is replaced, by structure, never by searching text: the `id` (and Teams' `aadObjectId`) of every account
 * that is not the bot's — `from`, `recipient`, `membersAdded`/`membersRemoved` items, and the `user` of conversation
 * references (an activity's `relatesTo`, or inside `value`/`channelData`), wherever they sit in the activity.
 * The bot's own accounts (role `bot`, or an id known to be the bot's) stay as they are, which the replayer needs.
 */
import { createHmac } from 'node:crypto';
import type { RecordedActivity } from './transcriptSink.js';

/** Where an account sits in an activity or a conversation reference. */
const ACCOUNT_FIELDS = new Set(['from', 'recipient', 'user']);
const ACCOUNT_LIST_FIELDS = new Set(['membersAdded', 'membersRemoved']);
const ID_FIELDS = ['id', 'aadObjectId'] as const;
const MAX_DEPTH = 40;

export const PSEUDONYM = /^user-[0-9a-f]{16}$/;

export interface PseudonymScope {
  channelId: string;
  conversationId: string;
  /** Ids of the bot, kept in clear even where an account has no role. */
  botIds: ReadonlySet<string>;
}

export class UserPseudonyms {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('UserPseudonyms: the key must be at least 32 bytes');
  }

  /** The pseudonym of `userId` in one conversation. Length-prefixed input, so no two triples hash alike. */
  of(channelId: string, conversationId: string, userId: string): string {
    const input = [channelId, conversationId, userId].map((part) => `${part.length}:${part}`).join('|');
    return `user-${createHmac('sha256', this.key).update(input).digest('hex').slice(0, 16)}`;
  }

  /** A copy of the activity with every user account's ids replaced. */
  apply(activity: RecordedActivity, scope: PseudonymScope): RecordedActivity {
    return this.walk(activity, scope, 0) as RecordedActivity;
  }

  private walk(value: unknown, scope: PseudonymScope, depth: number): unknown {
    if (depth > MAX_DEPTH) return value;
    if (Array.isArray(value)) return value.map((item) => this.walk(item, scope, depth + 1));
    if (!isObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      if (ACCOUNT_FIELDS.has(key) && isObject(inner)) out[key] = this.account(inner, scope, depth);
      else if (ACCOUNT_LIST_FIELDS.has(key) && Array.isArray(inner)) {
        out[key] = inner.map((member) => (isObject(member) ? this.account(member, scope, depth) : member));
      } else out[key] = this.walk(inner, scope, depth + 1);
    }
    return out;
  }

  private account(account: Record<string, unknown>, scope: PseudonymScope, depth: number): Record<string, unknown> {
    const copy = this.walk(account, scope, depth + 1) as Record<string, unknown>;
    const isBot = account.role === 'bot' || (typeof account.id === 'string' && scope.botIds.has(account.id));
    if (isBot) return copy;
    for (const field of ID_FIELDS) {
      const id = copy[field];
      if (typeof id === 'string' && id !== '') copy[field] = this.of(scope.channelId, scope.conversationId, id);
    }
    return copy;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
