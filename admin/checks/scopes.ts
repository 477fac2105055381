/**
 * Scopes: whether the profile asks for what the bot's actions need (DEFAULT_SCOPES: spaces, pages, search, comments,
 * people's names, offline_access), and whether a token carries what the profile asks for. Atlassian's 401
 * "scope does not match" never names the missing scope, so naming it here is the useful part.
 */
import { DEFAULT_SCOPES } from '../../services/config/config.js';
import { failed, passed, skipped, type CheckResult } from './checkResult.js';
import { CONSOLE, whereScopesLive, type ProfileUnderTest } from './profileUnderTest.js';

/** What each action scope is for, so the diagnosis says what stops working. */
const SCOPE_PURPOSE: Readonly<Record<string, string>> = {
  'read:space:confluence': 'listing spaces',
  'read:page:confluence': 'reading pages',
  'write:page:confluence': 'creating pages and adding to them',
  'search:confluence': 'finding pages',
  'read:comment:confluence': 'reading comments',
  'write:comment:confluence': 'commenting',
  'read:user:confluence': "showing authors' names",
  offline_access: 'staying signed in (refresh tokens)',
};

export function missingFrom(wanted: readonly string[], have: Iterable<string>): string[] {
  const present = new Set(have);
  return wanted.filter((scope) => !present.has(scope));
}

export function describeScopes(scopes: string[]): string {
  return scopes.map((scope) => (SCOPE_PURPOSE[scope] ? `${scope} (${SCOPE_PURPOSE[scope]})` : scope)).join(', ');
}

/** Check that needs no network: does the profile ask for every scope the actions use? */
export function checkConfiguredScopes(subject: ProfileUnderTest, needed: readonly string[] = DEFAULT_SCOPES): CheckResult {
  const name = 'Configured scopes';
  const missing = missingFrom(needed, subject.profile.scopes);
  if (missing.length === 0) return passed(name, `The profile asks for every scope the bot's actions use (${needed.length}).`);
  return failed(
    name,
    `The profile does not ask for ${describeScopes(missing)}; those actions will answer that a permission is missing.`,
    `Add the scopes to the app in ${CONSOLE} → Permissions → Confluence API → Configure, then ${whereScopesLive(subject)}, and authorize again.`,
  );
}

/** Check of a stored token: does it carry every scope the profile asks for? */
export function checkGrantedScopes(subject: ProfileUnderTest, granted: string, reauthorize: string): CheckResult {
  const name = 'Granted scopes';
  const grantedScopes = granted.split(/\s+/).filter(Boolean);
  if (grantedScopes.length === 0) return skipped(name, 'Atlassian did not say which scopes it granted this token, so they cannot be compared.');
  const missing = missingFrom(subject.profile.scopes, grantedScopes);
  if (missing.length === 0) return passed(name, `The token carries every scope the profile asks for (${subject.profile.scopes.length}).`);
  return failed(
    name,
    `The token lacks ${describeScopes(missing)}: it was granted before the profile asked for them, or the app does not have them.`,
    `Make sure the app has them (${CONSOLE} → Permissions), then authorize again so a new token carries them: ${reauthorize}.`,
  );
}
