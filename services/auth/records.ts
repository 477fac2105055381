/**
 * How authorization data is laid out in the record store: one record per thing, so a sign-in or a refresh writes
 * one small record whatever the number of users, and one schema per record, checked on every read.
 *
 *   settings                          the active type and mode
 *   profiles/<name>                   a custom OAuth profile (client secret sealed)
 *   tokens/<profile>/<owner key>      a stored token (access and refresh token sealed); owner key: `shared`, or the
 *                                     SHA-256 of `{channelId}:{userId}` (any channel's ids become a safe name)
 *   signins/<sha256 of link id>       a pending sign-in (only hashes of the link id and the state), with expiry
 *   signin-states/<sha256 of state>   for sign-ins migrated from bot.json, whose state carries no record key
 *   signin-owners/<sha256 of owner>   which pending sign-in a user has in a conversation (one at a time)
 *   signin-confirmations/<sha256 …>   a finished sign-in waiting for the chat to confirm it is the same person
 *                                     (token and code sealed, 5 minutes, 3 attempts)
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';

const siteSchema = z.object({ cloudId: z.string(), name: z.string(), url: z.string() });
const requesterSchema = z.object({ channelId: z.string(), userId: z.string() });

export const settingsRecord = z.object({
  type: z.enum(['system', 'custom']),
  mode: z.enum(['user', 'preauthorized']),
  profileName: z.string().optional(),
});

export const profileRecord = z.object({
  name: z.string(),
  clientId: z.string(),
  /** Sealed with SecretBox. */
  clientSecret: z.string(),
  authorizationUrl: z.string(),
  tokenUrl: z.string(),
  refreshTokenUrl: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.number(),
});

/** An instance's claim to refresh this token (held while it talks to the token endpoint). */
export const refreshClaimRecord = z.object({ by: z.string(), until: z.number() });

export const tokenRecord = z.object({
  profileName: z.string(),
  /** `{channelId}:{userId}` in user mode; SHARED_TOKEN_OWNER for the pre-authorized connection. */
  owner: z.string(),
  /** Sealed with SecretBox. */
  accessToken: z.string(),
  /** Sealed with SecretBox; absent when the grant has no offline_access. */
  refreshToken: z.string().optional(),
  expiresAt: z.number(),
  scope: z.string(),
  sites: z.array(siteSchema),
  updatedAt: z.number(),
  refreshClaim: refreshClaimRecord.optional(),
});

const id = (max: number) => z.string().min(1).max(max);

/**
 * The least needed to continue a conversation later (Bot Framework's ConversationReference without `activityId`, so a
 * resumed message never answers an activity the client may not have). Each field is length-capped: a pending
 * sign-in is stored for minutes, and what a stranger sends must not grow the store.
 */
export const conversationReferenceRecord = z.object({
  channelId: id(200),
  serviceUrl: id(2000),
  locale: z.string().max(35).optional(),
  conversation: z.object({
    id: id(1000),
    isGroup: z.boolean().optional(),
    conversationType: z.string().max(100).optional(),
    tenantId: z.string().max(200).optional(),
  }),
  user: z.object({
    id: id(1000),
    name: z.string().max(200).optional(),
    aadObjectId: z.string().max(200).optional(),
    role: z.string().max(20).optional(),
  }),
  bot: z.object({ id: id(1000), name: z.string().max(200).optional(), role: z.string().max(20).optional() }),
});

export const signInRecord = z.object({
  /** sha256 of the link id; the id itself only ever exists in the link. */
  idHash: z.string(),
  /** sha256 of the secret part of the latest `state` handed to the provider for this request. */
  stateHash: z.string().optional(),
  kind: z.enum(['user', 'preauthorize']),
  profileName: z.string(),
  requester: requesterSchema.optional(),
  conversation: conversationReferenceRecord.optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

/** Points at the one pending sign-in of a user in a conversation; a new link replaces the one it names. */
export const signInOwnerRecord = z.object({ idHash: z.string() });

export const signInConfirmationRecord = z.object({
  kind: z.enum(['user', 'preauthorize']),
  profileName: z.string(),
  requester: requesterSchema.optional(),
  conversation: conversationReferenceRecord.optional(),
  /** Sealed with SecretBox: the code the Connected page showed and the token it unlocks. */
  sealed: z.string(),
  attempts: z.number().int().min(0),
  expiresAt: z.number(),
});

export const legacyStateRecord = z.object({ idHash: z.string() });

export type SettingsRecord = z.infer<typeof settingsRecord>;
export type ProfileRecord = z.infer<typeof profileRecord>;
export type TokenRecord = z.infer<typeof tokenRecord>;
export type RefreshClaim = z.infer<typeof refreshClaimRecord>;
export type SignInRecord = z.infer<typeof signInRecord>;
export type StoredConversationReference = z.infer<typeof conversationReferenceRecord>;
export type SignInConfirmationRecord = z.infer<typeof signInConfirmationRecord>;

/** Owner of the pre-authorized token. Requester keys always contain ':', so this cannot collide with one. */
export const SHARED_TOKEN_OWNER = 'shared';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export const SETTINGS_KEY = 'settings';
export const PROFILES_PREFIX = 'profiles/';
export const SIGN_INS_PREFIX = 'signins/';
export const LEGACY_STATES_PREFIX = 'signin-states/';
export const SIGN_IN_OWNERS_PREFIX = 'signin-owners/';
export const SIGN_IN_CONFIRMATIONS_PREFIX = 'signin-confirmations/';

export const profileKey = (name: string): string => `${PROFILES_PREFIX}${name}`;
export const tokensPrefix = (profileName: string): string => `tokens/${profileName}/`;
export const tokenKey = (profileName: string, owner: string): string =>
  `${tokensPrefix(profileName)}${owner === SHARED_TOKEN_OWNER ? SHARED_TOKEN_OWNER : sha256Hex(owner)}`;
export const signInKey = (idHash: string): string => `${SIGN_INS_PREFIX}${idHash}`;
export const legacyStateKey = (stateHash: string): string => `${LEGACY_STATES_PREFIX}${stateHash}`;
/** Who waits for a sign-in where: the pre-authorization of a profile, or a user in one conversation. */
const ownerHash = (profileName: string, owner: string, conversationId = ''): string =>
  sha256Hex(`${profileName}\u0000${owner}\u0000${conversationId}`);
export const signInOwnerKey = (profileName: string, owner: string, conversationId?: string): string =>
  `${SIGN_IN_OWNERS_PREFIX}${ownerHash(profileName, owner, conversationId)}`;
export const signInConfirmationKey = (profileName: string, owner: string, conversationId?: string): string =>
  `${SIGN_IN_CONFIRMATIONS_PREFIX}${ownerHash(profileName, owner, conversationId)}`;

/** A record that does not match its schema: reported by key, never overwritten by a reader. */
export class AuthRecordCorruptError extends Error {
  constructor(readonly key: string, location: string) {
    super(`The stored record "${key}" in ${location} has unexpected content. It was left untouched: repair or delete it.`);
    this.name = 'AuthRecordCorruptError';
  }
}

export function parseRecord<S extends z.ZodType>(schema: S, value: unknown, key: string, location: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new AuthRecordCorruptError(key, location);
  return parsed.data;
}
