/** What every check needs to know about the profile it tests, and where its settings are fixed. */
import type { OAuthProfile } from '../../services/auth/types.js';
import { ADMIN } from '../usage.js';

export interface ProfileUnderTest {
  profile: OAuthProfile;
  /** The bot's OAuth callback, exactly as it sends it (Config.redirectUri: PUBLIC_URL + /oauth/callback). */
  redirectUri: string;
  /** The built-in sandbox plays Atlassian (no ATLASSIAN_CLIENT_ID). */
  sandbox: boolean;
  /** Each outgoing call's wall-clock limit. */
  deadlineMs: number;
}

export const CONSOLE = 'developer.atlassian.com → your app';

/** Where the client id and secret of this profile are set, as an instruction. */
export function whereCredentialsLive(subject: ProfileUnderTest): string {
  if (subject.profile.type === 'system') {
    return 'set ATLASSIAN_CLIENT_ID and ATLASSIAN_CLIENT_SECRET (in .env) to the Client ID and Secret on ' +
      `${CONSOLE} → Settings, and restart the bot`;
  }
  const name = subject.profile.name;
  return `copy the Client ID and Secret from ${CONSOLE} → Settings and add the profile again: ` +
    `${ADMIN} profile remove ${name}, then ${ADMIN} profile add ${name} --client-id <id> ...`;
}

/** Where the scopes this profile asks for are set, as an instruction. */
export function whereScopesLive(subject: ProfileUnderTest): string {
  if (subject.profile.type === 'system') return 'set ATLASSIAN_SCOPES (in .env; unset means the defaults) and restart the bot';
  const name = subject.profile.name;
  return `add the profile again with them: ${ADMIN} profile remove ${name}, then ${ADMIN} profile add ${name} ... --scopes "<scopes>"`;
}

/** How the shared token of this profile is (re-)authorized. */
export function howToAuthorize(subject: ProfileUnderTest): string {
  return `${ADMIN} use ${subject.profile.name} --mode preauthorized, then ${ADMIN} authorize`;
}

export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
