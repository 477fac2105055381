/**
 * `authorize` prints a link to the bot's /oauth/start at PUBLIC_URL (or http://localhost:PORT). The link only
 * works if a bot with the same settings answers there, so the CLI asks that bot's /healthz first and warns when
 * nothing, or something else, answers. A warning only: the bot may be behind a proxy this machine cannot reach.
 */

/** Long enough for a bot on this machine or the LAN, short enough not to hold the command up. */
export const HEALTH_CHECK_TIMEOUT_MS = 1500;

export interface BotExpectation {
  publicUrl: string;
  /** Whether this command's settings use the built-in sandbox: the bot's /healthz says whether it does. */
  sandbox: boolean;
}

/** A warning line for stderr, or undefined when the bot at PUBLIC_URL answers and runs with the same kind of settings. */
export async function checkRunningBot(expected: BotExpectation, timeoutMs = HEALTH_CHECK_TIMEOUT_MS): Promise<string | undefined> {
  const url = `${expected.publicUrl}/healthz`;
  const check = 'check that the bot is running (npm start) and that PUBLIC_URL and PORT are the same for it and for this command (.env or the environment)';
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
  } catch (error) {
    // A DOMException, not always an Error of this realm: tell it by name.
    const why = (error as { name?: unknown } | undefined)?.name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : describeFailure(error);
    return `Warning: no bot answered at ${url} (${why}), so the link above will not work yet: ${check}.\n`;
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok || !isHealth(body)) {
    return `Warning: ${url} answered ${response.status} but not as this bot does, so the link above may reach something else: ${check}.\n`;
  }
  if (body.sandbox !== expected.sandbox) {
    const [bot, here] = expected.sandbox ? ['a real Atlassian app', 'the built-in sandbox'] : ['the built-in sandbox', 'a real Atlassian app'];
    return `Warning: the bot at ${expected.publicUrl} uses ${bot}, but this command's settings use ${here}, so the link will not authorize that bot: run this command with the bot's .env (ATLASSIAN_CLIENT_ID, DATA_DIR).\n`;
  }
  return undefined;
}

function isHealth(body: unknown): body is { status: 'ok'; sandbox: boolean } {
  return typeof body === 'object' && body !== null && (body as { status?: unknown }).status === 'ok' && typeof (body as { sandbox?: unknown }).sandbox === 'boolean';
}

/** fetch hides the reason in `cause` (ECONNREFUSED, ENOTFOUND): show its code. */
function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return typeof cause?.code === 'string' ? cause.code : error instanceof Error ? error.message : String(error);
}
