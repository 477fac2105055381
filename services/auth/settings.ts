/**
 * Which authorization is active: a type (system app or a custom profile) and a mode (per-user tokens or one
 * pre-authorized shared token). Read from the database on every use, so the admin CLI's `use` applies to the
 * running bot at once. With nothing configured: the system app, per-user sign-in.
 */
import type { BotDatabase } from '../storage/database.js';
import { ProfileError, SYSTEM_PROFILE_NAME } from './profiles.js';
import type { AuthMode, AuthType } from './types.js';

export interface AuthSettings {
  type: AuthType;
  mode: AuthMode;
  /** `system` for the system app, otherwise the custom profile's name. */
  profileName: string;
}

export const DEFAULT_SETTINGS: AuthSettings = { type: 'system', mode: 'user', profileName: SYSTEM_PROFILE_NAME };

export class SettingsStore {
  constructor(private readonly database: BotDatabase) {}

  async get(): Promise<AuthSettings> {
    const { settings } = await this.database.read();
    if (settings === undefined) return { ...DEFAULT_SETTINGS };
    if (settings.type === 'system') return { type: 'system', mode: settings.mode, profileName: SYSTEM_PROFILE_NAME };
    return { type: 'custom', mode: settings.mode, profileName: settings.profileName ?? '' };
  }

  /** Makes `system` or an existing custom profile active in the given mode; throws ProfileError for an unknown name. */
  async use(profileName: string, mode: AuthMode): Promise<AuthSettings> {
    return this.database.update((data) => {
      if (profileName === SYSTEM_PROFILE_NAME) {
        data.settings = { type: 'system', mode };
        return { type: 'system', mode, profileName: SYSTEM_PROFILE_NAME };
      }
      if (!data.profiles.some((profile) => profile.name === profileName)) {
        throw new ProfileError(`There is no profile named "${profileName}" (see "profile list").`);
      }
      data.settings = { type: 'custom', mode, profileName };
      return { type: 'custom', mode, profileName };
    });
  }
}
