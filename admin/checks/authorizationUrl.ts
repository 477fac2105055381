/**
 * Check 1: the authorization URL. Sends the authorize request the bot sends (services/auth/authService.ts
 * `authorizeUrl`, with the bot's callback and a fresh random state that is never shown) and reads the answer:
 *   - a consent page (200): client id and callback URL accepted (the sandbox, or a provider without a sign-in step);
 *   - a redirect back to the callback with `error=`: both accepted, but something else refused (a scope, say);
 *   - an error page, reached by redirect (`id.atlassian.com/error?error=unauthorized_client&error_description=
 *     redirect_uri is not registered for client: …`, humanlayer/humanlayer#1068) or shown at once (the sandbox's
 *     400 page, which uses the same words): an unknown client id or an unregistered callback URL;
 *   - a redirect to a sign-in page: Atlassian checks client and callback only after someone signs in (an
 *     unauthenticated GET with any client id is sent to id.atlassian.com/login), so this cannot tell.
 */
import { randomBytes } from 'node:crypto';
import { authorizeUrl } from '../../services/auth/authService.js';
import { failed, passed, skipped, type CheckResult } from './checkResult.js';
import { describeSilence, looksLikeHtml, send } from './outgoing.js';
import { CONSOLE, hostOf, whereCredentialsLive, whereScopesLive, type ProfileUnderTest } from './profileUnderTest.js';

const NAME = 'Authorization URL';

/** What the provider said, from a redirect's query or an error page's text. */
interface Refusal {
  error: string;
  description: string;
}

const KNOWN_ERRORS = ['invalid_client', 'unauthorized_client', 'invalid_request', 'invalid_scope', 'access_denied', 'unsupported_response_type', 'server_error'];

export async function checkAuthorizationUrl(subject: ProfileUnderTest): Promise<CheckResult> {
  const { profile, redirectUri } = subject;
  const state = randomBytes(24).toString('base64url');
  const url = authorizeUrl(profile, redirectUri, state);
  const outcome = await send({ method: 'GET', url, headers: { Accept: 'text/html' }, deadlineMs: subject.deadlineMs });
  const where = profile.authorizationUrl;

  if (outcome.kind !== 'answered') {
    return failed(NAME, `${where} ${describeSilence(outcome)}.`, unreachableHint(subject));
  }
  if (outcome.status >= 300 && outcome.status < 400 && outcome.location !== undefined) {
    const target = safeUrl(outcome.location, url);
    if (target === undefined) return failed(NAME, `${where} answered ${outcome.status} with a redirect that is not a URL.`);
    const refusal = refusalInQuery(target);
    if (sameEndpoint(target, redirectUri)) {
      if (refusal === undefined) return passed(NAME, acceptedBoth(subject, 'sent the browser straight back to the callback'));
      return refusedAfterAccepting(subject, refusal);
    }
    if (refusal !== undefined) return refused(subject, refusal);
    return skipped(
      NAME,
      `${where} answered with a sign-in page (${hostOf(target.href)}): Atlassian checks the client id and the callback URL ` +
        'only once someone has signed in, so they cannot be tested from here. The token URL check below tests the client id.',
      `To test the callback URL ${redirectUri}, open a sign-in link and check that the consent screen appears.`,
    );
  }
  // Only an error answer is read for an error code: a sign-in or consent page (200) may carry such words in its scripts.
  const refusal = outcome.status >= 400 ? refusalInPage(outcome.body) : undefined;
  if (refusal !== undefined) return refused(subject, refusal);
  if (outcome.status === 200 && looksLikeHtml(outcome)) return passed(NAME, acceptedBoth(subject, 'shows its consent page'));
  if (outcome.status === 404) {
    return failed(NAME, `${where} answered 404: there is no authorization endpoint at that address.`, `Check the authorization URL; Atlassian's is https://auth.atlassian.com/authorize.`);
  }
  return failed(NAME, `${where} answered ${outcome.status}${outcome.status === 200 ? ' without a page' : ''}, which is not how an authorization endpoint answers.`, `Check the authorization URL; Atlassian's is https://auth.atlassian.com/authorize.`);
}

function acceptedBoth(subject: ProfileUnderTest, how: string): string {
  return `${subject.profile.authorizationUrl} accepts client id "${subject.profile.clientId}" and callback URL ${subject.redirectUri} (it ${how}).`;
}

function refused(subject: ProfileUnderTest, refusal: Refusal): CheckResult {
  const { profile, redirectUri } = subject;
  if (/redirect_uri|callback/i.test(refusal.description)) {
    return failed(
      NAME,
      `The callback URL ${redirectUri} is not registered for this app (${refusal.error}).`,
      subject.sandbox
        ? 'The sandbox accepts the callback of the bot it runs in: run this command with the same PUBLIC_URL and PORT as the bot (its .env).'
        : `Add it in ${CONSOLE} → Authorization → OAuth 2.0 (3LO) → Callback URL, exactly as shown (it is PUBLIC_URL followed by /oauth/callback).`,
    );
  }
  if (refusal.error === 'invalid_client' || /client/i.test(refusal.description)) {
    return failed(NAME, `${hostOf(profile.authorizationUrl)} does not know the client id "${profile.clientId}" (${refusal.error}).`, `Check the client id: ${whereCredentialsLive(subject)}.`);
  }
  return failed(NAME, `${profile.authorizationUrl} refused the authorize request (${refusal.error}).`, describeOtherRefusal(subject, refusal));
}

function refusedAfterAccepting(subject: ProfileUnderTest, refusal: Refusal): CheckResult {
  return failed(
    NAME,
    `${subject.profile.authorizationUrl} accepts the client id and the callback URL but refused the request (${refusal.error}).`,
    describeOtherRefusal(subject, refusal),
  );
}

function describeOtherRefusal(subject: ProfileUnderTest, refusal: Refusal): string {
  if (refusal.error === 'invalid_scope') {
    return `The app does not have every scope this profile asks for (${subject.profile.scopes.join(' ')}): add them in ${CONSOLE} → Permissions, or ${whereScopesLive(subject)}.`;
  }
  return 'Check the authorization URL and the app settings; the bot sends audience=api.atlassian.com, response_type=code and prompt=consent, as Atlassian documents.';
}

function unreachableHint(subject: ProfileUnderTest): string {
  if (subject.sandbox) return 'The built-in sandbox is served by the bot: start it (npm start) with the same PUBLIC_URL and PORT as this command.';
  return "Check the authorization URL and this machine's network; Atlassian's is https://auth.atlassian.com/authorize.";
}

function refusalInQuery(url: URL): Refusal | undefined {
  const error = url.searchParams.get('error');
  return error === null ? undefined : { error, description: url.searchParams.get('error_description') ?? '' };
}

/** An error page's own words: an OAuth error code and the sentence around it (the sandbox's page, a provider's). */
function refusalInPage(body: string): Refusal | undefined {
  const text = body.replace(/<[^>]*>/g, ' ').replace(/&[a-z#0-9]+;/gi, ' ');
  const error = KNOWN_ERRORS.find((code) => new RegExp(`\\b${code}\\b`).test(text));
  return error === undefined ? undefined : { error, description: text };
}

function safeUrl(value: string, base: string): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/** Same scheme, host, port and path: where the provider sends the browser back. */
function sameEndpoint(target: URL, redirectUri: string): boolean {
  const callback = safeUrl(redirectUri, redirectUri);
  return callback !== undefined && target.origin === callback.origin && target.pathname === callback.pathname;
}
