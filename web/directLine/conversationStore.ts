/**
 * The local Direct Line's memory: one record per Web Chat conversation, with its bearer token, its user and the
 * activities both sides sent, numbered so a client can ask for "everything after watermark N".
 *
 * Bounded on purpose, since nothing here is persisted and anyone who can load the page can open a conversation:
 * - at most `maxConversations` (default 1,000); opening one more drops the least recently used conversation that
 *   never started (Web Chat has not called `POST /conversations` with its token), and only when there is none the
 *   least recently used live one. Opening sessions without using them (a flood of `POST /webchat/session`) thus
 *   only pushes out other unused sessions, never a person's chat;
 * - at most `maxPerUser` (default 10: tabs of one browser) per user; one more drops that user's own oldest
 *   unstarted conversation, else its least recently used, so one browser cannot fill the store;
 * - a conversation nobody has touched for `idleMs` (default 30 minutes) is forgotten, token and all (Web Chat polls
 *   every half second while the page is open, so only closed tabs go idle);
 * - at most `maxActivities` (default 1,000) per conversation; older ones are dropped, watermarks stay absolute.
 */
import { randomBytes } from 'node:crypto';

export interface DirectLineActivity {
  type: string;
  id?: string;
  timestamp?: string;
  [field: string]: unknown;
}

export interface LocalConversation {
  readonly id: string;
  /** The newest bearer token; `tokens` holds every one still valid (a reloaded tab gets a fresh one). */
  token: string;
  readonly tokens: string[];
  /** Bound when the page asked for its session; every activity the client posts is sent as this user. */
  readonly userId: string;
  /** False until Web Chat calls `POST /conversations` (the bot is told about the members then, once). */
  started: boolean;
  /** Activities in the order the client sees them; `history[0]` has watermark index `dropped`. */
  readonly history: DirectLineActivity[];
  dropped: number;
  lastUsed: number;
  /** The activities on their way to the bot, one at a time, so the bot sees them in the order they were posted. */
  delivery: Promise<void>;
}

export interface ConversationStoreOptions {
  maxConversations?: number;
  maxPerUser?: number;
  idleMs?: number;
  maxActivities?: number;
  now?: () => number;
}

export const TOKEN_LIFETIME_SECONDS = 1800;
/** Tokens kept valid per conversation: a reload issues one, and a duplicated tab may still use the one before. */
const MAX_TOKENS_PER_CONVERSATION = 4;

export class ConversationStore {
  private readonly conversations = new Map<string, LocalConversation>();
  private readonly byToken = new Map<string, LocalConversation>();
  private readonly maxConversations: number;
  private readonly maxPerUser: number;
  private readonly idleMs: number;
  private readonly maxActivities: number;
  private readonly now: () => number;

  constructor(options: ConversationStoreOptions = {}) {
    this.maxConversations = options.maxConversations ?? 1000;
    this.maxPerUser = options.maxPerUser ?? 10;
    this.idleMs = options.idleMs ?? 30 * 60 * 1000;
    this.maxActivities = options.maxActivities ?? 1000;
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.conversations.size;
  }

  /** A new conversation for `userId`, with a fresh random id and token. */
  open(userId: string): LocalConversation {
    this.sweep();
    const own = [...this.conversations.values()].filter((conversation) => conversation.userId === userId);
    for (let excess = own.length - this.maxPerUser + 1; excess > 0; excess--) {
      const victim = leastRecentlyUsed(own);
      if (!victim) break;
      own.splice(own.indexOf(victim), 1);
      this.forget(victim);
    }
    while (this.conversations.size >= this.maxConversations) {
      const victim = leastRecentlyUsed(this.conversations.values());
      if (!victim) break;
      this.forget(victim);
    }
    const token = randomBytes(32).toString('base64url');
    const conversation: LocalConversation = {
      id: randomBytes(16).toString('base64url'),
      token,
      tokens: [token],
      userId,
      started: false,
      history: [],
      dropped: 0,
      lastUsed: this.now(),
      delivery: Promise.resolve(),
    };
    this.conversations.set(conversation.id, conversation);
    this.byToken.set(conversation.token, conversation);
    return conversation;
  }

  /**
   * The live conversation `id` with a fresh token, when it belongs to `userId` (a reloaded page resuming its chat);
   * otherwise undefined, whether it is gone or someone else's, and then nothing is touched.
   */
  resume(id: string, userId: string): LocalConversation | undefined {
    const held = this.conversations.get(id);
    if (held === undefined || held.userId !== userId) return undefined;
    const conversation = this.touch(held);
    if (conversation === undefined) return undefined;
    const token = randomBytes(32).toString('base64url');
    conversation.tokens.push(token);
    for (const old of conversation.tokens.splice(0, Math.max(0, conversation.tokens.length - MAX_TOKENS_PER_CONVERSATION))) {
      this.byToken.delete(old);
    }
    conversation.token = token;
    this.byToken.set(token, conversation);
    return conversation;
  }

  /** The live conversation this bearer token belongs to (and marks it used), or undefined. */
  findByToken(token: string): LocalConversation | undefined {
    return this.touch(this.byToken.get(token));
  }

  /** The live conversation with this id (and marks it used), or undefined. */
  find(id: string): LocalConversation | undefined {
    return this.touch(this.conversations.get(id));
  }

  /** Stamps an id and a timestamp (unless the activity has a timestamp), stores it, and returns the stored copy. */
  append(conversation: LocalConversation, activity: DirectLineActivity): DirectLineActivity {
    const sequence = conversation.dropped + conversation.history.length;
    const stored: DirectLineActivity = {
      ...activity,
      id: `${conversation.id}|${String(sequence).padStart(7, '0')}`,
      timestamp: new Date(this.now()).toISOString(),
    };
    conversation.history.push(stored);
    const excess = conversation.history.length - this.maxActivities;
    if (excess > 0) {
      conversation.history.splice(0, excess);
      conversation.dropped += excess;
    }
    return stored;
  }

  /** The activities after `watermark` (all of them when it is missing or not a number) and the new watermark. */
  since(conversation: LocalConversation, watermark: string | undefined): { activities: DirectLineActivity[]; watermark: string } {
    const from = watermark !== undefined && /^\d+$/.test(watermark) ? Number(watermark) : 0;
    const start = Math.max(0, from - conversation.dropped);
    return {
      activities: conversation.history.slice(start),
      watermark: String(conversation.dropped + conversation.history.length),
    };
  }

  private touch(conversation: LocalConversation | undefined): LocalConversation | undefined {
    if (!conversation) return undefined;
    if (this.isIdle(conversation)) {
      this.forget(conversation);
      return undefined;
    }
    conversation.lastUsed = this.now();
    // Re-inserting keeps the map in least-recently-used order, which is what `open` evicts by.
    this.conversations.delete(conversation.id);
    this.conversations.set(conversation.id, conversation);
    return conversation;
  }

  private isIdle(conversation: LocalConversation): boolean {
    return this.now() - conversation.lastUsed > this.idleMs;
  }

  private sweep(): void {
    for (const conversation of this.conversations.values()) {
      if (this.isIdle(conversation)) this.forget(conversation);
    }
  }

  /** True when `id` is held (and not idle); does not mark it used. For tests and metrics. */
  has(id: string): boolean {
    const conversation = this.conversations.get(id);
    return conversation !== undefined && !this.isIdle(conversation);
  }

  private forget(conversation: LocalConversation): void {
    this.conversations.delete(conversation.id);
    for (const token of conversation.tokens) this.byToken.delete(token);
  }
}

/** The first unstarted conversation in least-recently-used order, or else the first of all; undefined when none. */
function leastRecentlyUsed(conversations: Iterable<LocalConversation>): LocalConversation | undefined {
  let oldest: LocalConversation | undefined;
  for (const conversation of conversations) {
    if (!conversation.started) return conversation;
    oldest ??= conversation;
  }
  return oldest;
}
