/**
 * The checks' one way out: a single request with a wall-clock deadline (withCallDeadline), never following a
 * redirect (a redirect is itself the answer being diagnosed), reading the body as text so an HTML page is seen as one.
 * What comes back is a value, never an axios error: those carry the request body, which holds the client secret.
 */
import { withCallDeadline } from '../../services/http/callDeadline.js';
import { axios } from '../../services/http/sharedAxios.js';

export type Outgoing =
  | { kind: 'answered'; status: number; location?: string; contentType: string; body: string }
  | { kind: 'timed-out'; afterMs: number }
  | { kind: 'unreachable'; reason: string };

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON, as the app sends its token requests (services/auth/oauthClient.ts). */
  json?: Record<string, string>;
  deadlineMs: number;
}

/** Enough of a page to recognize an error code in it; a check never needs more. */
const MAX_BODY_BYTES = 256 * 1024;

export async function send(request: OutgoingRequest): Promise<Outgoing> {
  let deadline: AbortSignal | undefined;
  try {
    const response = await withCallDeadline(request.deadlineMs, (signal) => {
      deadline = signal;
      return axios.request<string>({
        method: request.method,
        url: request.url,
        headers: { ...request.headers, ...(request.json ? { 'Content-Type': 'application/json' } : {}) },
        data: request.json === undefined ? undefined : JSON.stringify(request.json),
        maxRedirects: 0,
        maxContentLength: MAX_BODY_BYTES,
        responseType: 'text',
        transformResponse: [(data: unknown) => data],
        validateStatus: () => true,
        signal,
      });
    });
    const location = response.headers.location;
    const contentType = response.headers['content-type'];
    return {
      kind: 'answered',
      status: response.status,
      location: typeof location === 'string' ? location : undefined,
      contentType: typeof contentType === 'string' ? contentType : '',
      body: typeof response.data === 'string' ? response.data : '',
    };
  } catch (error) {
    if (deadline?.aborted === true) return { kind: 'timed-out', afterMs: request.deadlineMs };
    const code = (error as { code?: unknown }).code;
    return { kind: 'unreachable', reason: typeof code === 'string' ? code : 'network error' };
  }
}

/** "did not answer within 10 s" / "could not be reached (ECONNREFUSED)", for a request that got no answer. */
export function describeSilence(outcome: Exclude<Outgoing, { kind: 'answered' }>): string {
  return outcome.kind === 'timed-out' ? `did not answer within ${seconds(outcome.afterMs)}` : `could not be reached (${outcome.reason})`;
}

function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/** A JSON object body, or undefined for HTML, text or anything else. */
export function jsonObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function looksLikeHtml(outcome: { contentType: string; body: string }): boolean {
  return /html/i.test(outcome.contentType) || /^\s*<(?:!doctype|html)/i.test(outcome.body);
}
