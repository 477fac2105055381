/**
 * Which authorization is active: a type (system app or a custom profile) and a mode (per-user tokens or one
 * pre-authorized shared token). Consulted on every use (cached until the record changes), so the admin CLI's `use`
 * reaches the running bot, and every instance, without a restart. With nothing configured: the system app,
 * per-user sign-in.
 */
import { CachedRecord } from '../storage/cachedRecord.js';
import { UNCHANGED, updateRecord, type RecordStore } from '../storage/recordStore.js';
import { ProfileError, SYSTEM_PROFILE_NAME } from './profiles.js';
import { parseRecord, profileKey, SETTINGS_KEY, settingsRecord, type SettingsRecord } from './records.js';
import type { AuthMode, AuthType } from './types.js';

export interface AuthSettings {
  type: AuthType;
  mode: AuthMode;
  /** `system` for the system app, otherwise the custom profile's name. */
  profileName: string;
}

export const DEFAULT_SETTINGS: AuthSettings = { type: 'system', mode: 'user', profileName: SYSTEM_PROFILE_NAME };

export class SettingsStore {
  private readonly record: CachedRecord<SettingsRecord>;

  constructor(private readonly records: RecordStore) {
    this.record = new CachedRecord(records, SETTINGS_KEY, (value) => parseRecord(settingsRecord, value, SETTINGS_KEY, records.location));
  }

  async get(): Promise<AuthSettings> {
    const settings = await this.record.get();
    if (settings === undefined) return { ...DEFAULT_SETTINGS };
    if (settings.type === 'system') return { type: 'system', mode: settings.mode, profileName: SYSTEM_PROFILE_NAME };
    return { type: 'custom', mode: settings.mode, profileName: settings.profileName ?? '' };
  }

  /** Makes `system` or an existing custom profile active in the given mode; throws ProfileError for an unknown name. */
  async use(profileName: string, mode: AuthMode): Promise<AuthSettings> {
    const next: SettingsRecord = profileName === SYSTEM_PROFILE_NAME ? { type: 'system', mode } : { type: 'custom', mode, profileName };
    if (next.type === 'custom' && (await this.records.get(profileKey(profileName))) === undefined) {
      throw new ProfileError(`There is no profile named "${profileName}" (see "profile list").`);
    }
    await updateRecord<SettingsRecord, void>(this.records, SETTINGS_KEY, (current) => ({
      next: current !== undefined && JSON.stringify(current) === JSON.stringify(next) ? UNCHANGED : next,
      result: undefined,
    }));
    this.record.invalidate();
    return next.type === 'system' ? { type: 'system', mode, profileName: SYSTEM_PROFILE_NAME } : { type: 'custom', mode, profileName };
  }
}
