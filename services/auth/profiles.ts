/**
 * OAuth profiles: the `system` app from the environment, and named custom apps an administrator adds with the
 * admin CLI. A custom profile's client secret is sealed in the database and never listed.
 *
 * A custom profile brings its own client and authorization/token endpoints, but its API gateway is the
 * system's `apiUrl` (Config.system.apiUrl): Atlassian's gateway (https://api.atlassian.com) for a real app, and
 * the built-in sandbox's API in sandbox mode. Accessible-resources and Confluence calls therefore always go there.
 */
import { z } from 'zod';
import { DEFAULT_SCOPES, type Config } from '../config/config.js';
import type { SecretBox } from '../crypto/secretBox.js';
import { CachedRecord } from '../storage/cachedRecord.js';
import type { RecordStore } from '../storage/recordStore.js';
import {
  parseRecord,
  profileKey,
  profileRecord,
  PROFILES_PREFIX,
  SETTINGS_KEY,
  settingsRecord,
  tokensPrefix,
  type ProfileRecord,
} from './records.js';
import type { OAuthProfile } from './types.js';

export const SYSTEM_PROFILE_NAME = 'system';

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileError';
  }
}

/** The input itself is wrong (a bad name, URL or scope), as opposed to a conflict with what is stored. */
export class ProfileValidationError extends ProfileError {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileValidationError';
  }
}

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'https:' || url.protocol === 'http:';
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL')
  .transform((value) => value.replace(/\/+$/, ''));

export const profileNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1 to 64 letters, digits, "_" or "-"')
  .refine((name) => name.toLowerCase() !== SYSTEM_PROFILE_NAME, `"${SYSTEM_PROFILE_NAME}" is reserved for the app configured in the environment`);

const newProfileSchema = z.object({
  name: profileNameSchema,
  clientId: z.string().trim().min(1, 'must not be empty'),
  clientSecret: z.string().min(1, 'must not be empty'),
  authorizationUrl: httpUrl,
  tokenUrl: httpUrl,
  refreshTokenUrl: httpUrl,
  scopes: z
    .array(z.string().regex(/^\S+$/, 'must not contain spaces'))
    .min(1, 'must name at least one scope')
    .default(DEFAULT_SCOPES),
});

export type NewCustomProfile = z.input<typeof newProfileSchema>;

/** What may be shown about a custom profile: everything but the secret. */
export interface CustomProfileSummary {
  name: string;
  clientId: string;
  authorizationUrl: string;
  tokenUrl: string;
  refreshTokenUrl: string;
  scopes: string[];
  createdAt: Date;
}

export class ProfileStore {
  /** Profiles are few and read on every turn in custom mode: one cached record each. */
  private readonly cached = new Map<string, CachedRecord<ProfileRecord>>();

  constructor(
    private readonly records: RecordStore,
    private readonly secretBox: SecretBox,
  ) {}

  /** Throws ProfileError naming the field when the input is invalid, or when the name is taken. */
  async add(input: NewCustomProfile, now: number = Date.now()): Promise<CustomProfileSummary> {
    const parsed = newProfileSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ProfileValidationError(`${issue.path.join('.') || 'profile'}: ${issue.message}`);
    }
    const profile = parsed.data;
    const stored: ProfileRecord = { ...profile, clientSecret: this.secretBox.seal(profile.clientSecret), createdAt: now };
    if ((await this.records.create(profileKey(profile.name), stored)) === undefined) {
      throw new ProfileError(`A profile named "${profile.name}" already exists; remove it first to replace it.`);
    }
    this.cached.delete(profile.name);
    return summarize(stored);
  }

  async list(): Promise<CustomProfileSummary[]> {
    const names = (await this.records.listKeys(PROFILES_PREFIX)).map((key) => key.slice(PROFILES_PREFIX.length));
    const profiles = await Promise.all(names.map((name) => this.stored(name)));
    return profiles
      .filter((profile): profile is ProfileRecord => profile !== undefined)
      .map(summarize)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The custom profile with its secret opened, or undefined. */
  async get(name: string): Promise<(CustomProfileSummary & { clientSecret: string }) | undefined> {
    const stored = await this.stored(name);
    if (stored === undefined) return undefined;
    return { ...summarize(stored), clientSecret: this.secretBox.open(stored.clientSecret) };
  }

  /**
   * Removes the profile with its stored tokens (secrets of a profile that no longer exists have no reason to stay;
   * its pending sign-ins fail at the callback and expire). Refuses while the profile is the active one. False when
   * there was no such profile.
   */
  async remove(name: string): Promise<boolean> {
    if (!profileNameSchema.safeParse(name).success || (await this.records.get(profileKey(name))) === undefined) return false;
    const settings = await this.records.get(SETTINGS_KEY);
    const active = settings === undefined ? undefined : parseRecord(settingsRecord, settings.value, SETTINGS_KEY, this.records.location);
    if (active?.type === 'custom' && active.profileName === name) {
      throw new ProfileError(`"${name}" is the active profile; switch to another one with npm run admin -- use <profile> --mode <user|preauthorized> before removing it.`);
    }
    await this.records.delete(profileKey(name));
    this.cached.delete(name);
    for (const key of await this.records.listKeys(tokensPrefix(name))) await this.records.delete(key);
    return true;
  }

  private async stored(name: string): Promise<ProfileRecord | undefined> {
    // A name that could not have been added (the reserved one, or one with other characters) is simply unknown.
    if (!profileNameSchema.safeParse(name).success) return undefined;
    let record = this.cached.get(name);
    if (record === undefined) {
      const key = profileKey(name);
      record = new CachedRecord(this.records, key, (value) => parseRecord(profileRecord, value, key, this.records.location));
      this.cached.set(name, record);
    }
    return record.get();
  }
}

function summarize(stored: ProfileRecord): CustomProfileSummary {
  return {
    name: stored.name,
    clientId: stored.clientId,
    authorizationUrl: stored.authorizationUrl,
    tokenUrl: stored.tokenUrl,
    refreshTokenUrl: stored.refreshTokenUrl,
    scopes: [...stored.scopes],
    createdAt: new Date(stored.createdAt),
  };
}

/** The operator's app. Its refresh endpoint is its token endpoint, as on Atlassian's own authorization server. */
export function systemProfile(config: Config, clientSecretOverride?: string): OAuthProfile {
  return {
    name: SYSTEM_PROFILE_NAME,
    type: 'system',
    clientId: config.system.clientId,
    clientSecret: clientSecretOverride ?? config.system.clientSecret ?? '',
    authorizationUrl: config.system.authorizationUrl,
    tokenUrl: config.system.tokenUrl,
    refreshTokenUrl: config.system.tokenUrl,
    scopes: [...config.system.scopes],
    apiUrl: config.system.apiUrl,
  };
}

export function customProfile(profile: CustomProfileSummary & { clientSecret: string }, config: Config): OAuthProfile {
  return {
    name: profile.name,
    type: 'custom',
    clientId: profile.clientId,
    clientSecret: profile.clientSecret,
    authorizationUrl: profile.authorizationUrl,
    tokenUrl: profile.tokenUrl,
    refreshTokenUrl: profile.refreshTokenUrl,
    scopes: profile.scopes,
    apiUrl: config.system.apiUrl,
  };
}
