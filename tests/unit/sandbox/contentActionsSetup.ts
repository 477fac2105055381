/**
 * The sandbox as the content-action tests need it: the default seed plus HIDDEN, a space the sandbox user sees but
 * whose pages they may not view; a token with every content-action scope; and lookups by title.
 */
import { DEFAULT_SEED, type SandboxContent } from '../../../sandbox/index.js';
import { validateResponse } from '../../helpers/openapiValidator.js';
import { api, CONTENT_ACTION_SCOPES, signIn, startSandbox, type Harness } from './sandboxHarness.js';

export interface Setup {
  harness: Harness;
  token: string;
  /** The one content with this title (throws if there is not exactly one). */
  content(title: string): Promise<SandboxContent>;
  /** A v2 call below `/wiki/api/v2`; when it succeeds its body is checked against the document's `template`. */
  call(method: string, v2Path: string, template: string, body?: unknown, accessToken?: string): Promise<Answer>;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

export const HIDDEN_SPACE = {
  key: 'HIDDEN',
  name: 'Hidden',
  description: 'Visible space, pages not viewable.',
  canReadPages: false,
  pages: [{ title: 'Secret plan', body: '<p>Not for you.</p>' }],
};

export async function setUp(): Promise<Setup> {
  const harness = await startSandbox({ seed: [...DEFAULT_SEED, HIDDEN_SPACE] });
  const token = (await signIn(harness, CONTENT_ACTION_SCOPES)).access_token;
  return {
    harness,
    token,
    async content(title) {
      const found = await harness.sandbox.findContent((content) => content.title === title);
      if (found.length !== 1) throw new Error(`expected one content titled ${title}, found ${found.length}`);
      return found[0] as SandboxContent;
    },
    async call(method, v2Path, template, body, accessToken = token) {
      const response = await api(`${harness.v2}${v2Path}`, accessToken, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      const json = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
      if (response.status >= 200 && response.status < 300) expect(validateResponse(method, template, response.status, json)).toEqual([]);
      return { status: response.status, body: json, headers: response.headers };
    },
  };
}

/** The v2 error body's first title, for asserting refusals. */
export function errorTitle(answer: Answer): string | undefined {
  return (answer.body.errors as Array<{ title?: string }> | undefined)?.[0]?.title;
}
