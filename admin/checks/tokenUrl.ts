/**
 * Check 2: the token URL (and the refresh token URL when it differs). Posts a grant with the profile's real client
 * credentials and a made-up code (or refresh token), as JSON like the bot (contract A2/A3), and reads the refusal:
 * `invalid_grant` means the client id and secret were accepted and only the made-up value was not; `invalid_client`,
 * `unauthorized_client`, `access_denied` or a 401 mean the client id is unknown or the secret is wrong (Atlassian
 * answers a wrong secret 401 access_denied "Unauthorized", contract A3). The made-up value and the secret are never shown.
 */
import { randomBytes } from 'node:crypto';
import { failed, passed, skipped, type CheckResult } from './checkResult.js';
import { describeSilence, jsonObject, looksLikeHtml, send } from './outgoing.js';
import { CONSOLE, whereCredentialsLive, type ProfileUnderTest } from './profileUnderTest.js';

const CREDENTIALS_REFUSED = new Set(['invalid_client', 'unauthorized_client', 'access_denied']);
/** For a refresh, Atlassian answers an unknown refresh token 403 `unauthorized_client` (contract A3), not a bad client. */
const REFRESH_TOKEN_REFUSED = new Set(['invalid_grant', 'unauthorized_client']);

type Grant = 'authorization_code' | 'refresh_token';

export async function checkTokenUrls(subject: ProfileUnderTest): Promise<CheckResult[]> {
  const { profile } = subject;
  const results = [await checkTokenUrl(subject, 'Token URL', profile.tokenUrl, 'authorization_code')];
  if (profile.refreshTokenUrl !== profile.tokenUrl) {
    results.push(await checkTokenUrl(subject, 'Refresh token URL', profile.refreshTokenUrl, 'refresh_token'));
  }
  return results;
}

async function checkTokenUrl(subject: ProfileUnderTest, name: string, url: string, grant: Grant): Promise<CheckResult> {
  const { profile } = subject;
  if (profile.clientSecret === '') {
    return skipped(
      name,
      subject.sandbox && profile.type === 'system'
        ? "Not tested: the built-in sandbox makes the system app's secret afresh each time the bot starts, and only the bot knows it."
        : 'Not tested: this profile has no client secret.',
    );
  }
  const madeUp = `admin-test-${randomBytes(16).toString('hex')}`;
  const body: Record<string, string> =
    grant === 'authorization_code'
      ? { grant_type: grant, client_id: profile.clientId, client_secret: profile.clientSecret, code: madeUp, redirect_uri: subject.redirectUri }
      : { grant_type: grant, client_id: profile.clientId, client_secret: profile.clientSecret, refresh_token: madeUp };
  const outcome = await send({ method: 'POST', url, json: body, headers: { Accept: 'application/json' }, deadlineMs: subject.deadlineMs });
  const checkUrl = `Check the URL; Atlassian's is https://auth.atlassian.com/oauth/token.`;

  if (outcome.kind !== 'answered') return failed(name, `${url} ${describeSilence(outcome)}.`, checkUrl);
  const json = jsonObject(outcome.body);
  const error = typeof json?.error === 'string' ? json.error : undefined;
  const status = `${outcome.status}${error ? ` ${error}` : ''}`;
  const what = grant === 'authorization_code' ? 'a made-up code' : 'a made-up refresh token';

  if (outcome.status >= 500 || outcome.status === 429) {
    return failed(name, `${url} answered ${status}: the token endpoint is failing or busy.`, 'Try again in a few minutes; if it persists, check the URL and the provider\'s status page.');
  }
  if (json === undefined) {
    const kind = looksLikeHtml(outcome) ? 'an HTML page' : 'something that is not JSON';
    return failed(name, `${url} answered ${outcome.status} with ${kind}, not an OAuth token endpoint's JSON.`, checkUrl);
  }
  // Atlassian may check the callback before the code (unverified): then the credentials are not what it refused.
  if (grant === 'authorization_code' && typeof json.error_description === 'string' && /redirect_uri|callback/i.test(json.error_description)) {
    return failed(
      name,
      `${url} refused the callback URL ${subject.redirectUri} (${status}).`,
      `Register it in ${CONSOLE} → Authorization → OAuth 2.0 (3LO) → Callback URL, exactly as shown (it is PUBLIC_URL followed by /oauth/callback).`,
    );
  }
  if (outcome.status === 401 || (error !== undefined && CREDENTIALS_REFUSED.has(error) && !(grant === 'refresh_token' && REFRESH_TOKEN_REFUSED.has(error)))) {
    return failed(
      name,
      `${url} refused the client credentials (${status}): the client id "${profile.clientId}" is unknown or the client secret is wrong.`,
      `${capitalize(whereCredentialsLive(subject))}.`,
    );
  }
  const expected = grant === 'authorization_code' ? error === 'invalid_grant' : error !== undefined && REFRESH_TOKEN_REFUSED.has(error);
  if (expected && outcome.status >= 400) {
    return passed(name, `${url} accepts the client id and secret (it refused only ${what}, with ${status}).`);
  }
  if (outcome.status === 404) return failed(name, `${url} answered 404: there is no token endpoint at that address.`, checkUrl);
  if (outcome.status < 300) return failed(name, `${url} answered ${outcome.status} to ${what}, which a real token endpoint never accepts.`, checkUrl);
  return failed(name, `${url} answered ${status}, not the invalid_grant a token endpoint gives for ${what}.`, checkUrl);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
