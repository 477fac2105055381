/**
 * What the Web Chat page does, over real HTTP and without a browser: a cookie jar (the server-issued identity),
 * `POST /webchat/session`, then the local Direct Line's client routes as botframework-directlinejs calls them.
 */
import { decideOnConsentPage } from '../../tools/replay/browserSignIn.js';

export interface WebChatActivity {
  type: string;
  id?: string;
  text?: string;
  from: { id: string; role?: string };
  attachments?: Array<{ contentType: string; content: { buttons?: Array<{ type: string; value: string }> } }>;
}

export interface WebChatSessionReply {
  token: string;
  userId: string;
}

export class WebChatBrowser {
  /** The `name=value` of every cookie the server set, as a browser sends them back. */
  private readonly jar = new Map<string, string>();
  private session?: WebChatSessionReply & { conversationId: string };
  private watermark = '';
  readonly received: WebChatActivity[] = [];

  constructor(readonly baseUrl: string) {}

  get cookie(): string {
    return [...this.jar].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get conversationId(): string {
    return this.requireSession().conversationId;
  }

  get userId(): string {
    if (!this.session) throw new Error('no session yet');
    return this.session.userId;
  }

  /** `POST /webchat/session` with the jar's cookies (and `body`, which the server is expected to ignore). */
  async openSession(body?: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}/webchat/session`, {
      method: 'POST',
      headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...(this.jar.size ? { Cookie: this.cookie } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    this.keepCookies(response);
    return response;
  }

  /** Opens a session and starts its conversation (the bot's welcome follows), as the page does on load. */
  async load(body?: unknown): Promise<void> {
    const response = await this.openSession(body);
    if (response.status !== 200) throw new Error(`/webchat/session answered ${response.status}: ${await response.text()}`);
    const reply = (await response.json()) as WebChatSessionReply;
    const started = await this.directLine('POST', '/conversations', reply.token, {});
    if (started.status !== 201 && started.status !== 200) throw new Error(`starting the conversation answered ${started.status}`);
    this.session = { ...reply, conversationId: ((await started.json()) as { conversationId: string }).conversationId };
    this.watermark = '';
  }

  /** Sends a message and returns the bot's replies once `done` holds for them (or fails after `timeoutMs`). */
  async say(text: string, done: (replies: WebChatActivity[]) => boolean, timeoutMs = 15_000): Promise<WebChatActivity[]> {
    const session = this.requireSession();
    const from = this.received.length;
    const posted = await this.directLine('POST', `/conversations/${session.conversationId}/activities`, session.token, { type: 'message', text });
    if (posted.status !== 200) throw new Error(`posting a message answered ${posted.status}`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.poll();
      const replies = this.received.slice(from).filter((activity) => activity.from.role === 'bot' && activity.type === 'message');
      if (done(replies)) return replies;
      if (Date.now() > deadline) throw new Error(`no matching reply to "${text}" in time; got ${JSON.stringify(replies.map((r) => r.text))}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Polls until nothing new arrived for `quietMs` (the bot has finished its turn). */
  async settle(quietMs = 500): Promise<void> {
    let count = -1;
    while (count !== this.received.length) {
      count = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      await this.poll();
    }
  }

  /** Reads what arrived since the last poll, as Web Chat's polling does. */
  async poll(): Promise<number> {
    const session = this.requireSession();
    const response = await this.directLine('GET', `/conversations/${session.conversationId}/activities?watermark=${this.watermark}`, session.token);
    if (response.status !== 200) return response.status;
    const page = (await response.json()) as { activities: WebChatActivity[]; watermark: string };
    this.received.push(...page.activities);
    this.watermark = page.watermark;
    return response.status;
  }

  private requireSession(): WebChatSessionReply & { conversationId: string } {
    if (!this.session) throw new Error('call load() first');
    return this.session;
  }

  private directLine(method: string, path: string, token: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}/v3/directline${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  }

  private keepCookies(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';')[0]!;
      const equals = pair.indexOf('=');
      this.jar.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
  }
}

/** The URL behind the first sign-in button among the replies. */
/** The DOCS space's listing (3,000 pages), the answer these tests wait for after signing in. */
export const DOCS_LISTED = /has 3,000 pages/;
export const isDocsListing = (replies: WebChatActivity[]): boolean => replies.some((reply) => DOCS_LISTED.test(reply.text ?? ''));
/** A sign-in card, or the listing itself when the browser is already connected. */
export const signInLinkOrListing = (replies: WebChatActivity[]): boolean => signInLinkIn(replies) !== undefined || isDocsListing(replies);

/**
 * What a browser does with a sign-in link: opens it (with `cookie`, as that browser would send it, or none), accepts
 * on the sandbox's consent page, and lands on /oauth/callback. Returns the page the callback showed.
 */
export async function finishSignInInBrowser(link: string, cookie?: string): Promise<{ status: number; html: string; headers: Headers }> {
  const headers = cookie ? { Cookie: cookie } : undefined;
  const opened = await fetch(link, { redirect: 'manual', headers });
  if (opened.status !== 302) throw new Error(`the sign-in link answered ${opened.status}`);
  const callbackUrl = await decideOnConsentPage(new URL(opened.headers.get('location') ?? '', link).toString(), 'accept');
  const callback = await fetch(callbackUrl, { headers });
  return { status: callback.status, html: await callback.text(), headers: callback.headers };
}

export function signInLinkIn(replies: WebChatActivity[]): string | undefined {
  for (const reply of replies) {
    for (const attachment of reply.attachments ?? []) {
      const button = attachment.content.buttons?.find((candidate) => candidate.type === 'openUrl' || candidate.type === 'signin');
      if (button) return button.value;
    }
  }
  return undefined;
}
