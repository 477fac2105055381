/**
 * Removes secrets from anything about to be written to a transcript: tokens, authorization codes, OAuth `state`
 * values, sign-in links' query strings, Authorization headers and any field named like a credential, wherever
 * they sit in the activity's JSON. Pure, so the replayer applies exactly the same rules to what it compares.
 */
export const REDACTED = '[redacted]';

/** Field names whose value is a secret whatever it looks like. */
const SECRET_FIELD =
  /(token|secret|password|passwd|authorization|cookie|assertion|credential)|^(code|state|auth_?code|api_?key|private_?key|access_?key|signing_?key|encryption_?key|session_?id|sig|signature)$/i;

/** Query or fragment parameters that carry a secret in any URL. */
const SECRET_PARAMETER =
  /^(code|state|session_state|token|access_token|refresh_token|id_token|client_secret|client_assertion|password|api_?key|key|sig|signature|assertion)$/i;

/**
 * Sign-in URLs: their whole query string is a credential in effect (our `/oauth/start?id=` link can start a
 * sign-in bound to someone's conversation; the provider's authorize URL carries a fresh `state`).
 */
const SIGN_IN_PATH = /\/(oauth2?\/start|oauth2?\/callback|oauth2?\/authorize|authorize|login|signin)\/?$/i;

const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()[\]{}`]+/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi;
const JWT = /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g;

const MAX_DEPTH = 40;

/** A message that is nothing but a 6-digit code: the sign-in confirmation code from the Connected page. */
const SIGN_IN_CODE_MESSAGE = /^\s*\d{3}[\s-]?\d{3}\s*$/;

/** A copy of `value` with every secret replaced by REDACTED. */
export function redactSecrets<T>(value: T): T {
  const redacted = walk(value, 0) as T;
  const message = redacted as { type?: unknown; text?: unknown } | null;
  if (message !== null && typeof message === 'object' && message.type === 'message' && typeof message.text === 'string' && SIGN_IN_CODE_MESSAGE.test(message.text)) {
    return { ...message, text: REDACTED } as T;
  }
  return redacted;
}

export function isSecretField(name: string): boolean {
  return SECRET_FIELD.test(name);
}

function walk(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      const secret = isSecretField(key) && inner !== null && inner !== undefined && typeof inner !== 'boolean';
      out[key] = secret ? REDACTED : walk(inner, depth + 1);
    }
    return out;
  }
  return value;
}

/** Redacts URLs, Authorization-style credentials and JWTs inside free text (messages, card texts, button values). */
export function redactText(text: string): string {
  return text.replace(URL_IN_TEXT, redactUrl).replace(BEARER, (_match, scheme: string) => `${scheme} ${REDACTED}`).replace(JWT, REDACTED);
}

/** `…/oauth/start?id=x` → `…/oauth/start?[redacted]`; elsewhere only secret parameters lose their values. */
export function redactUrl(url: string): string {
  const hashAt = url.indexOf('#');
  const beforeHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const fragment = hashAt >= 0 ? url.slice(hashAt + 1) : undefined;
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt >= 0 ? beforeHash.slice(0, queryAt) : beforeHash;
  const query = queryAt >= 0 ? beforeHash.slice(queryAt + 1) : undefined;

  const signIn = SIGN_IN_PATH.test(pathOf(path));
  let result = path;
  if (query !== undefined) result += `?${signIn && query !== '' && query !== REDACTED ? REDACTED : redactParameters(query)}`;
  if (fragment !== undefined) result += `#${redactParameters(fragment)}`;
  return result;
}

function redactParameters(parameters: string): string {
  return parameters
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      if (equals < 0) return pair;
      const name = safeDecode(pair.slice(0, equals));
      return SECRET_PARAMETER.test(name) ? `${pair.slice(0, equals)}=${REDACTED}` : pair;
    })
    .join('&');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The path of `scheme://host[:port]/path` (no URL parsing, so odd input never throws). */
function pathOf(urlWithoutQuery: string): string {
  const afterScheme = urlWithoutQuery.replace(/^[a-z]+:\/\//i, '');
  const slash = afterScheme.indexOf('/');
  return slash >= 0 ? afterScheme.slice(slash) : '/';
}
