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

export const signInRecord = z.object({
  /** sha256 of the link id; the id itself only ever exists in the link. */
  idHash: z.string(),
  /** sha256 of the secret part of the latest `state` handed to the provider for this request. */
  stateHash: z.string().optional(),
  kind: z.enum(['user', 'preauthorize']),
  profileName: z.string(),
  requester: requesterSchema.optional(),
  conversation: z.unknown().optional(),
  createdAt: z.number(),
  expiresAt: z.number(),
});

export const legacyStateRecord = z.object({ idHash: z.string() });

export type SettingsRecord = z.infer<typeof settingsRecord>;
export type ProfileRecord = z.infer<typeof profileRecord>;
export type TokenRecord = z.infer<typeof tokenRecord>;
export type RefreshClaim = z.infer<typeof refreshClaimRecord>;
export type SignInRecord = z.infer<typeof signInRecord>;

/** Owner of the pre-authorized token. Requester keys always contain ':', so this cannot collide with one. */
export const SHARED_TOKEN_OWNER = 'shared';

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export const SETTINGS_KEY = 'settings';
export const PROFILES_PREFIX = 'profiles/';
export const SIGN_INS_PREFIX = 'signins/';
export const LEGACY_STATES_PREFIX = 'signin-states/';

export const profileKey = (name: string): string => `${PROFILES_PREFIX}${name}`;
export const tokensPrefix = (profileName: string): string => `tokens/${profileName}/`;
export const tokenKey = (profileName: string, owner: string): string =>
  `${tokensPrefix(profileName)}${owner === SHARED_TOKEN_OWNER ? SHARED_TOKEN_OWNER : sha256Hex(owner)}`;
export const signInKey = (idHash: string): string => `${SIGN_INS_PREFIX}${idHash}`;
export const legacyStateKey = (stateHash: string): string => `${LEGACY_STATES_PREFIX}${stateHash}`;

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
