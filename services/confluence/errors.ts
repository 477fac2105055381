/**
 * Typed failures of a Confluence call. Dialogs switch on `kind` and pick the sentence the user reads
 * from dialogs/messages.ts; nothing here is shown to users verbatim.
 */
export type ConfluenceErrorKind =
  | 'unauthorized' // 401: the access token was refused (expired, revoked)
  | 'missing-scope' // 401 "scope does not match" / X-Failure-Category FAILURE_CLIENT_SCOPE_CHECK: the token lacks `scope`
  | 'not-found' // 404 on a space or content: missing, or no permission (Confluence does not tell which)
  | 'forbidden' // 403
  | 'duplicate-title' // 400 "A page with this title already exists"
  | 'too-large' // 413: body over 5 MB
  | 'conflict' // 409: someone else saved a new version first
  | 'rate-limited' // 429
  | 'invalid-request' // any other 400
  | 'unavailable'; // 5xx, network errors, timeouts

export class ConfluenceError extends Error {
  constructor(
    readonly kind: ConfluenceErrorKind,
    message: string,
    readonly status?: number,
    /** Seconds to wait before retrying, from `Retry-After` (clamped). */
    readonly retryAfterSeconds?: number,
    /** For 'missing-scope': the OAuth scope the refused operation needs. */
    readonly scope?: string,
  ) {
    super(message);
    this.name = 'ConfluenceError';
  }
}
