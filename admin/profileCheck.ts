/**
 * `npm run admin -- test [profile]`: Kore.ai's **Test** button for an authorization profile. Runs, in order, the
 * checks in checks/: the authorization URL (client id and callback URL), the token URL (client id and secret), the
 * scopes the profile asks for and, with a stored shared token, its sites, one Confluence call and its scopes.
 * Nothing here prints or keeps a secret; the only thing it may change is the stored token, refreshed as the bot would.
 */
import type { AuthService } from '../services/auth/authService.js';
import { ProfileError, SYSTEM_PROFILE_NAME, customProfile, systemProfile } from '../services/auth/profiles.js';
import type { AuthMode, OAuthProfile } from '../services/auth/types.js';
import type { Config } from '../services/config/config.js';
import { checkAuthorizationUrl } from './checks/authorizationUrl.js';
import type { CheckResult } from './checks/checkResult.js';
import type { ProfileUnderTest } from './checks/profileUnderTest.js';
import { checkConfiguredScopes } from './checks/scopes.js';
import { checkStoredToken } from './checks/storedToken.js';
import { checkTokenUrls } from './checks/tokenUrl.js';
import { ADMIN } from './usage.js';

/** Each outgoing call's limit: Atlassian answers in well under a second; a hang should not hold the command long. */
export const CHECK_DEADLINE_MS = 10_000;

export interface ProfileCheckOptions {
  /** The profile to test; the active one when absent. `system` is the app from the environment. */
  profileName?: string;
  deadlineMs?: number;
  /** The sandbox system app's secret, which only the process running the sandbox knows (tests pass it). */
  systemClientSecret?: string;
  /** What the bot's actions need; DEFAULT_SCOPES when absent. */
  neededScopes?: readonly string[];
  now?: () => number;
}

export interface ProfileCheckReport {
  profileName: string;
  type: OAuthProfile['type'];
  clientId: string;
  /** The mode it is active in, or undefined when another profile is active. */
  activeMode?: AuthMode;
  results: CheckResult[];
}

export async function runProfileCheck(service: AuthService, config: Config, options: ProfileCheckOptions = {}): Promise<ProfileCheckReport> {
  const active = await service.settings.get();
  const profileName = options.profileName ?? active.profileName;
  const profile = await findProfile(service, config, profileName, options.systemClientSecret);
  const subject: ProfileUnderTest = {
    profile,
    redirectUri: config.redirectUri,
    sandbox: config.sandbox,
    deadlineMs: options.deadlineMs ?? CHECK_DEADLINE_MS,
  };
  const results: CheckResult[] = [await checkAuthorizationUrl(subject)];
  results.push(...(await checkTokenUrls(subject)));
  results.push(checkConfiguredScopes(subject, options.neededScopes));
  results.push(...(await checkStoredToken(subject, service, active, (options.now ?? Date.now)())));
  return {
    profileName: profile.name,
    type: profile.type,
    clientId: profile.clientId,
    activeMode: active.profileName === profile.name ? active.mode : undefined,
    results,
  };
}

export function allPassed(report: ProfileCheckReport): boolean {
  return report.results.every((result) => result.status !== 'failed');
}

async function findProfile(service: AuthService, config: Config, name: string, systemClientSecret: string | undefined): Promise<OAuthProfile> {
  if (name === SYSTEM_PROFILE_NAME) return systemProfile(config, systemClientSecret);
  const custom = await service.profiles.get(name);
  if (custom === undefined) throw new ProfileError(`There is no profile named "${name}" (see ${ADMIN} profile list).`);
  return customProfile(custom, config);
}
