/**
 * What a failed Confluence exchange means: an HTTP status (with the body and headers that refine it) or a transport
 * failure, turned into a ConfluenceError whose message names the operation and never carries the request.
 */
import type { AxiosResponse } from 'axios';
import { axios } from '../http/sharedAxios.js';
import { ConfluenceError, type ConfluenceErrorKind } from './errors.js';
import { errorBodySchema } from './responses.js';
import type { ConfluenceScope } from './scopes.js';

const RETRY_AFTER_MIN_SECONDS = 1;
const RETRY_AFTER_MAX_SECONDS = 60;
/** The gateway's marker on a 401 for a token without the operation's scope (atlassian-oauth.md A5). */
const SCOPE_CHECK_FAILURE = 'FAILURE_CLIENT_SCOPE_CHECK';

export function transportError(operation: string, error: unknown): ConfluenceError {
  // Only the error code is kept: axios errors carry the request config, and with it the Authorization header.
  const code = axios.isAxiosError(error) && typeof error.code === 'string' && /^[A-Z_]+$/.test(error.code) ? error.code : 'ERROR';
  const timedOut = code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED';
  return new ConfluenceError('unavailable', `Confluence ${timedOut ? 'timed out' : 'could not be reached'} (${operation}: ${code})`);
}

export function statusError(operation: string, scope: ConfluenceScope, response: AxiosResponse<unknown>): ConfluenceError {
  const status = response.status;
  const kind = status === 401 && isScopeMismatch(response) ? 'missing-scope' : kindForStatus(status, response.data);
  const message = `Confluence answered ${status} to ${operation}`;
  if (kind === 'rate-limited') {
    return new ConfluenceError(kind, message, status, retryAfterSeconds(response.headers['retry-after']));
  }
  if (kind === 'missing-scope') return new ConfluenceError(kind, `${message}: the token lacks ${scope}`, status, undefined, scope);
  return new ConfluenceError(kind, message, status);
}

/**
 * A token without the call's scope: `X-Failure-Category: FAILURE_CLIENT_SCOPE_CHECK` and/or the body
 * `{"code":401,"message":"Unauthorized; scope does not match"}`. Refreshing would not help; signing in again with
 * the scope would.
 */
function isScopeMismatch(response: AxiosResponse<unknown>): boolean {
  const category = response.headers['x-failure-category'];
  if (typeof category === 'string' && category.trim().toUpperCase() === SCOPE_CHECK_FAILURE) return true;
  const parsed = errorBodySchema.safeParse(response.data);
  return parsed.success && typeof parsed.data.message === 'string' && /scope does not match/i.test(parsed.data.message);
}

function kindForStatus(status: number, body: unknown): ConfluenceErrorKind {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'too-large';
  if (status === 429) return 'rate-limited';
  if (status === 400) return isDuplicateTitle(body) ? 'duplicate-title' : 'invalid-request';
  if (status >= 400 && status < 500) return 'invalid-request';
  return 'unavailable';
}

function isDuplicateTitle(body: unknown): boolean {
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return false;
  const texts = [parsed.data.message, ...(parsed.data.errors ?? []).flatMap((error) => [error.title, error.detail])];
  return texts.some((text) => typeof text === 'string' && /title already exists/i.test(text));
}

/** `Retry-After` as seconds or an HTTP date, clamped, because Atlassian has been seen to send 2^63-1. */
function retryAfterSeconds(header: unknown): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  let seconds: number;
  if (/^\d+$/.test(value)) {
    seconds = Number(value);
  } else {
    const at = Date.parse(value);
    if (Number.isNaN(at)) return undefined;
    seconds = Math.ceil((at - Date.now()) / 1000);
  }
  return Math.min(RETRY_AFTER_MAX_SECONDS, Math.max(RETRY_AFTER_MIN_SECONDS, seconds));
}
