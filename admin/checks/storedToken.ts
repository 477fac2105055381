/**
 * Check 3: with the profile's stored shared (pre-authorized) token, what the bot itself does before a Confluence
 * call: refresh it if due (through AuthService, so the rotated refresh token is stored as the bot stores it), list its
 * sites (accessible-resources), then one cheap Confluence call, `GET /wiki/api/v2/spaces?limit=1` on the first site.
 */
import type { AuthService } from '../../services/auth/authService.js';
import { OAuthClient, OAuthError, OAuthProtocolError } from '../../services/auth/oauthClient.js';
import { SHARED_TOKEN_OWNER, type OwnedTokenSet } from '../../services/auth/tokenStore.js';
import type { AuthMode } from '../../services/auth/types.js';
import type { ConfluenceSite } from '../../services/confluence/types.js';
import { failed, passed, skipped, type CheckResult } from './checkResult.js';
import { describeSilence, jsonObject, send } from './outgoing.js';
import { CONSOLE, howToAuthorize, type ProfileUnderTest } from './profileUnderTest.js';
import { checkGrantedScopes, describeScopes, missingFrom } from './scopes.js';

/** The gateway's scope check for GET /spaces (the v2 document's `x-atlassian-oauth2-scopes`). */
const SPACES_SCOPE = 'read:space:confluence';
/** The bot refreshes a minute before expiry (AuthService); a token this close to it is not used as it is. */
const REFRESH_MARGIN_MS = 60 * 1000;

export interface ActiveSettings {
  profileName: string;
  mode: AuthMode;
}

export async function checkStoredToken(subject: ProfileUnderTest, service: AuthService, active: ActiveSettings, now: number = Date.now()): Promise<CheckResult[]> {
  const { profile } = subject;
  const reauthorize = howToAuthorize(subject);
  const inUse = active.profileName === profile.name && active.mode === 'preauthorized';
  const stored = await service.tokens.get(profile.name, SHARED_TOKEN_OWNER);
  if (stored === undefined) {
    const summary = `No shared token is stored for profile "${profile.name}", so no Confluence call was made.`;
    return [inUse ? failed('Shared token', `${summary} The bot cannot reach Confluence until one is.`, `Authorize it: ${reauthorize}.`) : skipped('Shared token', summary, `To test one, authorize a shared connection: ${reauthorize}.`)];
  }

  const usable = await usableToken(subject, service, stored, now);
  if ('result' in usable) return [usable.result];
  const results: CheckResult[] = [usable.check];

  const sites = await listSites(subject, usable.accessToken, reauthorize);
  results.push(sites.result);
  if (sites.sites === undefined || sites.sites.length === 0) return [...results, checkGrantedScopes(subject, usable.scope, reauthorize)];
  results.push(await callConfluence(subject, usable.accessToken, sites.sites[0]!, usable.scope, reauthorize));
  results.push(checkGrantedScopes(subject, usable.scope, reauthorize));
  return results;
}

type Usable = { accessToken: string; scope: string; check: CheckResult } | { result: CheckResult };

/**
 * The stored token, refreshed first when due. Only AuthService refreshes (once across instances, storing the rotated
 * refresh token), for this profile whether or not it is the active one.
 */
async function usableToken(subject: ProfileUnderTest, service: AuthService, stored: OwnedTokenSet, now: number): Promise<Usable> {
  const name = 'Shared token';
  const due = stored.expiresAt - now <= Math.min(REFRESH_MARGIN_MS, Math.max(0, stored.expiresAt - stored.updatedAt) / 4);
  if (!due) return { accessToken: stored.accessToken, scope: stored.scope, check: passed(name, `Stored, valid until ${new Date(stored.expiresAt).toISOString()}.`) };
  if (subject.profile.clientSecret === '') {
    return { result: skipped(name, "The stored shared token is due for a refresh, which needs the system app's secret that only the running bot knows (sandbox).", 'Ask the bot something in the chat: it refreshes the token itself.') };
  }
  try {
    const refreshed = await service.sharedToken(subject.profile.name);
    if (refreshed !== undefined) {
      return { accessToken: refreshed.accessToken, scope: refreshed.scope, check: passed(name, 'Stored; it was due, and was refreshed as the bot refreshes it.') };
    }
    return { result: failed(name, 'Atlassian refused to refresh the shared token (revoked, expired after 90 days unused, or no offline_access), so it was removed.', `Authorize again: ${howToAuthorize(subject)}.`) };
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    return { result: failed(name, `The shared token is due for a refresh, which failed: ${error.message}`, 'Check the token URL check above, then try again.') };
  }
}

async function listSites(subject: ProfileUnderTest, accessToken: string, reauthorize: string): Promise<{ result: CheckResult; sites?: ConfluenceSite[] }> {
  const name = 'Sites';
  try {
    const sites = await new OAuthClient().accessibleResources(subject.profile.apiUrl, accessToken);
    if (sites.length === 0) {
      return {
        sites,
        result: failed(
          name,
          'The token reaches no Confluence site: the site is not shared with the app, or the app is not installed on a site.',
          `Authorize again and choose the Confluence site on the consent screen (a site admin may have to allow the app first: admin.atlassian.com → Apps; for another person's app, ${CONSOLE} → Distribution must be sharing): ${reauthorize}.`,
        ),
      };
    }
    return { sites, result: passed(name, `The token reaches ${sites.map((site) => `"${site.name}" (${site.url})`).join(', ')}.`) };
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error instanceof OAuthProtocolError && error.status === 401) {
      return { result: failed(name, 'The gateway refused the stored token (401): it was revoked, or the app was removed from the account.', `Authorize again: ${reauthorize}.`) };
    }
    return { result: failed(name, `Listing the sites failed: ${error.message}`, `Check ATLASSIAN_API_URL (${subject.profile.apiUrl}) and this machine's network.`) };
  }
}

async function callConfluence(subject: ProfileUnderTest, accessToken: string, site: ConfluenceSite, granted: string, reauthorize: string): Promise<CheckResult> {
  const name = 'Confluence call';
  const url = `${subject.profile.apiUrl.replace(/\/+$/, '')}/ex/confluence/${encodeURIComponent(site.cloudId)}/wiki/api/v2/spaces?limit=1`;
  const call = `GET /wiki/api/v2/spaces on "${site.name}"`;
  const outcome = await send({ method: 'GET', url, headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' }, deadlineMs: subject.deadlineMs });
  if (outcome.kind !== 'answered') return failed(name, `${call} ${describeSilence(outcome)}.`, `Check ATLASSIAN_API_URL (${subject.profile.apiUrl}) and this machine's network.`);
  if (outcome.status === 200) return passed(name, `${call} answered 200.`);
  const message = jsonObject(outcome.body)?.message;
  if (outcome.status === 401 && typeof message === 'string' && /scope does not match/i.test(message)) {
    const lacking = missingFrom([SPACES_SCOPE], granted.split(/\s+/).filter(Boolean));
    return failed(
      name,
      `${call} was refused for a missing scope (401 "scope does not match"): it needs ${describeScopes([SPACES_SCOPE])}${lacking.length > 0 ? ', which the token lacks' : ''}.`,
      `Add it to the app (${CONSOLE} → Permissions) and to the profile's scopes, then authorize again: ${reauthorize}.`,
    );
  }
  if (outcome.status === 401) return failed(name, `${call} was refused (401): the token is no longer accepted.`, `Authorize again: ${reauthorize}.`);
  if (outcome.status === 403) return failed(name, `${call} was forbidden (403): the account that authorized may not use Confluence on that site.`, `Authorize again with an account that can: ${reauthorize}.`);
  if (outcome.status === 404) return failed(name, `${call} answered 404: the site is gone or Confluence is not on it.`, `Authorize again and choose another site: ${reauthorize}.`);
  return failed(name, `${call} answered ${outcome.status}.`, outcome.status >= 500 || outcome.status === 429 ? 'Atlassian is failing or busy: try again in a few minutes.' : undefined);
}
