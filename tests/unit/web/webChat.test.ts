/**
 * The Web Chat page, its bundle and `/webchat/session` over HTTP: locally (a token of the built-in Direct Line)
 * and with DIRECT_LINE_SECRET, where the request that would go to Azure goes to a local fake Direct Line instead.
 * The session's user id is the server-issued one in the signed cookie, whatever the body says.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { botRequestBodies } from '../../../web/http/bodyPolicies.js';
import { loadConfig } from '../../../services/config/config.js';
import { silentLogger } from '../../../services/logging/logger.js';
import { ConversationStore } from '../../../web/directLine/index.js';
import { BrowserIdentity } from '../../../web/webChat/browserIdentity.js';
import { ResumeTickets } from '../../../web/webChat/resumeTicket.js';
import { mountWebChat, SESSION_BUDGET, TOO_MANY_SESSIONS } from '../../../web/webChat/routes.js';
import { azureSessions, localSessions, SessionSource, unavailableSessions } from '../../../web/webChat/sessions.js';

const KEY = Buffer.alloc(32, 1);
const TICKETS = new ResumeTickets(Buffer.alloc(32, 3));

async function startPage(options: { sandbox: boolean; sessions: SessionSource; identity?: BrowserIdentity }): Promise<{ url: string; close(): Promise<void> }> {
  const server = restify.createServer();
  server.use(restify.plugins.queryParser());
  server.use(botRequestBodies({ requireBearerToken: false }));
  mountWebChat(server, {
    sandbox: options.sandbox,
    sessions: options.sessions,
    identity: options.identity ?? new BrowserIdentity(KEY, { secure: false }),
    trustProxy: { kind: 'none' },
    logger: silentLogger,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface RecordedRequest {
  method?: string;
  url?: string;
  authorization?: string;
  body: string;
}

/** Azure's Direct Line at the network edge: records the token request and answers with `status` and `reply`. */
async function fakeAzureDirectLine(status: number, reply: unknown): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      // Two calls: restify (loaded in this process) patches writeHead, and its version does not return `res`.
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Azure's Direct Line as documented (Direct Line 3.0: Authentication, Reconnect to a conversation), for the secret
 * `the-direct-line-secret` only: `POST /v3/directline/tokens/generate` opens a conversation for the user named in
 * the body; `GET /v3/directline/conversations/{id}?watermark=` gives a fresh token for a conversation it still
 * knows (404 for one it has forgotten, 403 without the secret); `reconnectStatus` makes the reconnect fail instead.
 */
async function fakeDirectLineService(): Promise<{
  url: string;
  requests: RecordedRequest[];
  forget(conversationId: string): void;
  reconnectStatus?: number;
  close(): Promise<void>;
}> {
  const conversations = new Map<string, string>();
  let issued = 0;
  const service = {
    url: '',
    requests: [] as RecordedRequest[],
    forget: (conversationId: string) => void conversations.delete(conversationId),
    reconnectStatus: undefined as number | undefined,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      service.requests.push({ method: req.method, url: req.url, authorization: req.headers.authorization, body });
      const answer = (status: number, reply: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(reply));
      };
      if (req.headers.authorization !== 'Bearer the-direct-line-secret') return answer(403, { error: { code: 'Forbidden' } });
      const url = new URL(req.url ?? '/', 'http://directline');
      if (req.method === 'POST' && url.pathname === '/v3/directline/tokens/generate') {
        const conversationId = `conv-${++issued}`;
        conversations.set(conversationId, JSON.parse(body).user.id);
        return answer(200, { conversationId, token: `token-${issued}`, expires_in: 3600 });
      }
      const reconnect = /^\/v3\/directline\/conversations\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && reconnect && url.searchParams.has('watermark')) {
        const conversationId = decodeURIComponent(reconnect[1]!);
        if (service.reconnectStatus !== undefined) return answer(service.reconnectStatus, { error: { code: 'ServiceError' } });
        if (!conversations.has(conversationId)) return answer(404, { error: { code: 'BadArgument', message: 'Conversation not found' } });
        issued += 1;
        return answer(200, { conversationId, token: `token-${issued}`, streamUrl: `wss://directline.invalid/v3/directline/conversations/${conversationId}/stream?watermark=&t=token-${issued}` });
      }
      answer(404, { error: { code: 'NotFound' } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return service;
}

const askSession = (url: string, body: unknown, cookie?: string) =>
  fetch(`${url}/webchat/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });

/** The `name=value` part of the response's one Set-Cookie, as a browser would send it back. */
function cookieFrom(response: Response): string {
  const cookies = response.headers.getSetCookie();
  expect(cookies).toHaveLength(1);
  return cookies[0]!.split(';')[0]!;
}

describe('the Web Chat page', () => {
  it('says when the sandbox is in use, links to its viewer, and loads Web Chat from this server', async () => {
    const page = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()) });
    try {
      const response = await fetch(`${page.url}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      const html = await response.text();
      expect(html).toContain('<h1>Confluence assistant</h1>');
      expect(html).toContain('Using the built-in Confluence sandbox (demo data) — browse it at <a href="/sandbox"');
      expect(html).toMatch(/<script src="\/webchat\/webchat\.js\?v=4\.\d+\.\d+"><\/script>/);
      expect(html).not.toMatch(/https?:\/\/(cdn|unpkg|jsdelivr)/);
    } finally {
      await page.close();
    }
  });

  it('has no sandbox note with a real Confluence', async () => {
    const page = await startPage({ sandbox: false, sessions: localSessions(new ConversationStore()) });
    try {
      expect(await (await fetch(`${page.url}/`)).text()).not.toContain('sandbox');
    } finally {
      await page.close();
    }
  });

  it('answers HEAD / with the page\'s headers and no body, and /favicon.ico with a cacheable PNG', async () => {
    const page = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()) });
    try {
      const head = await fetch(`${page.url}/`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/text\/html/);
      expect(Number(head.headers.get('content-length'))).toBe((await (await fetch(`${page.url}/`)).arrayBuffer()).byteLength);
      expect(await head.text()).toBe('');

      const icon = await fetch(`${page.url}/favicon.ico`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get('content-type')).toBe('image/png');
      expect(icon.headers.get('cache-control')).toBe('public, max-age=86400');
      const bytes = Buffer.from(await icon.arrayBuffer());
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      expect(bytes.length).toBeLessThan(4096);
      const again = await fetch(`${page.url}/favicon.ico`, { headers: { 'If-None-Match': icon.headers.get('etag')! } });
      expect(again.status).toBe(304);
      expect((await fetch(`${page.url}/favicon.ico`, { method: 'HEAD' })).status).toBe(200);
    } finally {
      await page.close();
    }
  });

  it("serves botframework-webchat's bundle from node_modules, gzipped and cacheable for a year", async () => {
    const page = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()) });
    try {
      const response = await fetch(`${page.url}/webchat/webchat.js?v=x`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(/javascript/);
      expect(response.headers.get('content-encoding')).toBe('gzip');
      const etag = response.headers.get('etag')!;
      const script = await response.text(); // fetch has gunzipped it
      expect(script.length).toBeGreaterThan(1_000_000);
      expect(script).toContain('window.WebChat');
      const again = await fetch(`${page.url}/webchat/webchat.js?v=x`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
    } finally {
      await page.close();
    }
  });
});

describe('/webchat/session', () => {
  it('opens a local Direct Line conversation for a server-issued id in a signed HttpOnly cookie, ignoring the body', async () => {
    const store = new ConversationStore();
    const page = await startPage({ sandbox: true, sessions: localSessions(store) });
    try {
      const response = await askSession(page.url, { userId: 'user-0123456789abcdef' });
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const setCookie = response.headers.getSetCookie()[0]!;
      expect(setCookie).toMatch(/^webchat-id=web-[0-9a-f]{32}\.[A-Za-z0-9_-]{43}; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax$/);
      const session = (await response.json()) as { token: string; userId: string };
      expect(session).toEqual({
        token: expect.any(String),
        domain: '/v3/directline',
        webSocket: false,
        userId: expect.stringMatching(/^web-[0-9a-f]{32}$/),
        conversationId: expect.any(String),
      });
      expect(session.userId).not.toBe('user-0123456789abcdef');
      expect(setCookie).toContain(`webchat-id=${session.userId}.`);
      expect(store.findByToken(session.token)?.userId).toBe(session.userId);
    } finally {
      await page.close();
    }
  });

  it("keeps the browser's id across reloads (its cookie), whatever id the body names", async () => {
    const store = new ConversationStore();
    const page = await startPage({ sandbox: true, sessions: localSessions(store) });
    try {
      const first = await askSession(page.url, {});
      const cookie = cookieFrom(first);
      const { userId } = (await first.json()) as { userId: string };
      const reload = await askSession(page.url, { userId: 'someone-elses-id' }, cookie);
      expect(reload.status).toBe(200);
      expect(reload.headers.getSetCookie()).toEqual([]); // nothing new to set
      expect(((await reload.json()) as { userId: string }).userId).toBe(userId);
      // No body, or one that is not JSON: the id still comes from the cookie.
      const bare = await fetch(`${page.url}/webchat/session`, { method: 'POST', headers: { Cookie: cookie } });
      expect(((await bare.json()) as { userId: string }).userId).toBe(userId);
    } finally {
      await page.close();
    }
  });

  it('replaces a tampered, foreign or malformed cookie by a new identity', async () => {
    const page = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()) });
    const foreign = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()), identity: new BrowserIdentity(Buffer.alloc(32, 2), { secure: false }) });
    try {
      const first = await askSession(page.url, {});
      const cookie = cookieFrom(first);
      const { userId } = (await first.json()) as { userId: string };
      const [name, value] = cookie.split('=') as [string, string];
      const [id, signature] = value.split('.') as [string, string];
      const otherId = `web-${'0'.repeat(32)}`;
      const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
      const foreignCookie = cookieFrom(await askSession(foreign.url, {}));
      for (const forged of [`${name}=${otherId}.${signature}`, `${name}=${id}.${flipped}`, `${name}=${id}`, `${name}=${otherId}`, foreignCookie]) {
        const response = await askSession(page.url, {}, forged);
        const issued = (await response.json()) as { userId: string };
        expect({ forged, reissued: response.headers.getSetCookie().length }).toEqual({ forged, reissued: 1 });
        expect(issued.userId).not.toBe(userId);
        expect(issued.userId).not.toBe(otherId);
        expect(cookieFrom(response)).not.toBe(forged);
      }
    } finally {
      await page.close();
      await foreign.close();
    }
  });

  it("resumes a reloaded page's conversation with a fresh token, only for the browser that opened it", async () => {
    let now = 0;
    const store = new ConversationStore({ now: () => now, idleMs: 1000 });
    const page = await startPage({ sandbox: true, sessions: localSessions(store) });
    type Session = { token: string; conversationId: string; resumed?: boolean };
    // The conversation a token opens on the local Direct Line (its routes are tested in directLine.test.ts).
    const opens = (session: Session) => store.findByToken(session.token)?.id;
    try {
      const first = await askSession(page.url, {});
      const cookie = cookieFrom(first);
      const opened = (await first.json()) as Session;
      store.append(store.find(opened.conversationId)!, { type: 'message', text: 'the draft so far' });

      // The same browser (its cookie) gets the same conversation back, with a new token that reads its history.
      const reloaded = (await (await askSession(page.url, { resume: opened.conversationId }, cookie)).json()) as Session;
      expect(reloaded).toMatchObject({ conversationId: opened.conversationId, resumed: true });
      expect(reloaded.token).not.toBe(opened.token);
      expect(store.size).toBe(1);

      // Another browser naming that id gets a conversation of its own, and no way into the first one.
      const other = (await (await askSession(page.url, { resume: opened.conversationId })).json()) as Session;
      expect(other.resumed).toBe(false);
      expect(other.conversationId).not.toBe(opened.conversationId);
      expect(opens(other)).toBe(other.conversationId);
      const forged = await askSession(page.url, { resume: opened.conversationId }, cookie.replace(/.$/, (last) => (last === 'A' ? 'B' : 'A')));
      expect(((await forged.json()) as Session).conversationId).not.toBe(opened.conversationId);

      // The fresh token opens the first conversation, history and all.
      expect(opens(reloaded)).toBe(opened.conversationId);
      expect(store.find(opened.conversationId)!.history.map((activity) => activity.text)).toEqual(['the draft so far']);

      // Gone (idle past its time): a new conversation, and the page is told it is not the old one.
      now += 5000;
      const expired = (await (await askSession(page.url, { resume: opened.conversationId }, cookie)).json()) as Session;
      expect(expired.resumed).toBe(false);
      expect(expired.conversationId).not.toBe(opened.conversationId);
    } finally {
      await page.close();
    }
  });

  it('over https, the cookie is Secure and __Host- prefixed', async () => {
    const page = await startPage({ sandbox: true, sessions: localSessions(new ConversationStore()), identity: new BrowserIdentity(KEY, { secure: true }) });
    try {
      const setCookie = (await askSession(page.url, {})).headers.getSetCookie()[0]!;
      expect(setCookie).toMatch(/^__Host-webchat-id=web-[0-9a-f]{32}\.\S+; Path=\/; Max-Age=\d+; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await page.close();
    }
  });

  it(`opens ${SESSION_BUDGET.burst} sessions at once per client address, then answers 429 with a message the page shows`, async () => {
    const store = new ConversationStore();
    const page = await startPage({ sandbox: true, sessions: localSessions(store) });
    try {
      for (let i = 0; i < SESSION_BUDGET.burst; i++) expect((await askSession(page.url, {})).status).toBe(200);
      const refused = await askSession(page.url, {});
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('60');
      expect(((await refused.json()) as { message: string }).message).toBe(TOO_MANY_SESSIONS);
      expect(store.size).toBe(SESSION_BUDGET.burst);
    } finally {
      await page.close();
    }
  });

  it('with DIRECT_LINE_SECRET, exchanges the secret at Direct Line for a token bound to dl_<user>, and never shows the secret', async () => {
    const azure = await fakeAzureDirectLine(200, { conversationId: 'conv-1', token: 'azure-token', expires_in: 3600 });
    const page = await startPage({ sandbox: false, sessions: azureSessions({ secret: 'the-direct-line-secret', url: azure.url, tickets: TICKETS }) });
    try {
      const response = await askSession(page.url, { userId: 'user-0123456789abcdef' });
      const browserId = /^webchat-id=(web-[0-9a-f]{32})\./.exec(cookieFrom(response))![1]!;
      const text = await response.text();
      expect(response.status).toBe(200);
      expect(JSON.parse(text)).toEqual({
        token: 'azure-token',
        domain: `${azure.url}/v3/directline`,
        webSocket: true,
        userId: `dl_${browserId}`,
        conversationId: 'conv-1',
        resumeTicket: TICKETS.issue(`dl_${browserId}`, 'conv-1'),
      });
      expect(text).not.toContain('the-direct-line-secret');
      expect(azure.requests).toEqual([
        {
          method: 'POST',
          url: '/v3/directline/tokens/generate',
          authorization: 'Bearer the-direct-line-secret',
          body: JSON.stringify({ user: { id: `dl_${browserId}` } }),
        },
      ]);
    } finally {
      await page.close();
      await azure.close();
    }
  });

  it("with DIRECT_LINE_SECRET, resumes a reloaded page's conversation through Direct Line's reconnect, only for the browser with its ticket", async () => {
    const azure = await fakeDirectLineService();
    const page = await startPage({ sandbox: false, sessions: azureSessions({ secret: 'the-direct-line-secret', url: azure.url, tickets: TICKETS }) });
    type Session = { token: string; conversationId: string; resumeTicket: string; resumed?: boolean; userId: string; webSocket: boolean };
    const reconnects = () => azure.requests.filter((request) => request.method === 'GET');
    try {
      const first = await askSession(page.url, {});
      const cookie = cookieFrom(first);
      const opened = (await first.json()) as Session;
      expect(opened).toMatchObject({ conversationId: 'conv-1', token: 'token-1' });

      // The same browser with its ticket: Direct Line's reconnect, with the secret, mints a token for that conversation.
      const reloaded = (await (await askSession(page.url, { resume: opened.conversationId, ticket: opened.resumeTicket }, cookie)).json()) as Session;
      expect(reloaded).toEqual({ ...opened, token: 'token-2', resumed: true });
      expect(reconnects()).toEqual([
        { method: 'GET', url: '/v3/directline/conversations/conv-1?watermark=', authorization: 'Bearer the-direct-line-secret', body: '' },
      ]);
      expect(JSON.stringify(reloaded)).not.toContain('the-direct-line-secret');

      // Another browser showing that id and ticket, the same browser with a forged ticket or none, or one ticket for
      // another conversation: no reconnect at all, a new conversation, and the page is told the old one is not back.
      const notTheirs = [
        await askSession(page.url, { resume: opened.conversationId, ticket: opened.resumeTicket }),
        await askSession(page.url, { resume: opened.conversationId, ticket: opened.resumeTicket.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }, cookie),
        await askSession(page.url, { resume: opened.conversationId, ticket: new ResumeTickets(Buffer.alloc(32, 9)).issue(opened.userId, opened.conversationId) }, cookie),
        await askSession(page.url, { resume: opened.conversationId }, cookie),
        await askSession(page.url, { resume: 'conv-2', ticket: opened.resumeTicket }, cookie),
      ];
      for (const response of notTheirs) {
        const session = (await response.json()) as Session;
        expect(session.resumed).toBe(false);
        expect(session.conversationId).not.toBe(opened.conversationId);
      }
      expect(reconnects()).toHaveLength(1);
    } finally {
      await page.close();
      await azure.close();
    }
  });

  it('with DIRECT_LINE_SECRET, a conversation Direct Line no longer knows gives a new one, and the page is told', async () => {
    const azure = await fakeDirectLineService();
    const page = await startPage({ sandbox: false, sessions: azureSessions({ secret: 'the-direct-line-secret', url: azure.url, tickets: TICKETS }) });
    type Session = { token: string; conversationId: string; resumeTicket: string; resumed?: boolean };
    try {
      const first = await askSession(page.url, {});
      const cookie = cookieFrom(first);
      const opened = (await first.json()) as Session;
      azure.forget(opened.conversationId);

      const reloaded = (await (await askSession(page.url, { resume: opened.conversationId, ticket: opened.resumeTicket }, cookie)).json()) as Session;
      expect(reloaded).toMatchObject({ resumed: false, conversationId: 'conv-2', token: 'token-2' });
      expect(reloaded.resumeTicket).not.toBe(opened.resumeTicket);
      expect(azure.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
        'POST /v3/directline/tokens/generate',
        'GET /v3/directline/conversations/conv-1?watermark=',
        'POST /v3/directline/tokens/generate',
      ]);

      // Direct Line failing for a while is not "gone": the page shows the error, keeps its id and can resume later.
      azure.reconnectStatus = 503;
      const failing = await askSession(page.url, { resume: reloaded.conversationId, ticket: reloaded.resumeTicket }, cookie);
      expect(failing.status).toBe(502);
      expect(((await failing.json()) as { message: string }).message).toMatch(/did not issue a token \(HTTP 503\)\. Try again/);
      azure.reconnectStatus = undefined;
      const later = (await (await askSession(page.url, { resume: reloaded.conversationId, ticket: reloaded.resumeTicket }, cookie)).json()) as Session;
      expect(later).toMatchObject({ resumed: true, conversationId: reloaded.conversationId });
    } finally {
      await page.close();
      await azure.close();
    }
  });

  it('says what to fix when Azure refuses the secret, without repeating it', async () => {
    const azure = await fakeAzureDirectLine(403, { error: { code: 'Forbidden' } });
    const page = await startPage({ sandbox: false, sessions: azureSessions({ secret: 'the-direct-line-secret', url: azure.url, tickets: TICKETS }) });
    try {
      const response = await askSession(page.url, { userId: 'user-0123456789abcdef' });
      expect(response.status).toBe(502);
      const text = await response.text();
      expect(JSON.parse(text).message).toMatch(/refused DIRECT_LINE_SECRET/);
      expect(text).not.toContain('the-direct-line-secret');
    } finally {
      await page.close();
      await azure.close();
    }
  });

  it('with MicrosoftAppId but no DIRECT_LINE_SECRET, explains that the secret is needed', async () => {
    const page = await startPage({ sandbox: false, sessions: unavailableSessions() });
    try {
      const response = await askSession(page.url, { userId: 'user-0123456789abcdef' });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { message: string }).message).toMatch(/set DIRECT_LINE_SECRET/);
    } finally {
      await page.close();
    }
  });
});

describe('Direct Line configuration', () => {
  it('defaults to Azure\'s global Direct Line and no secret; both can be set', () => {
    expect(loadConfig({}).directLine).toEqual({ secret: undefined, url: 'https://directline.botframework.com' });
    expect(loadConfig({ DIRECT_LINE_SECRET: ' s3cret ', DIRECT_LINE_URL: 'https://europe.directline.botframework.com/' }).directLine).toEqual({
      secret: 's3cret',
      url: 'https://europe.directline.botframework.com',
    });
    expect(() => loadConfig({ DIRECT_LINE_URL: 'ftp://example.com' })).toThrow(/DIRECT_LINE_URL/);
  });
});

describe('Azure Direct Line sessions: the deadline', () => {
  it('covers the body too: a token answer that starts and never ends fails within the deadline', async () => {
    // Answers 200 with headers at once, then never sends the rest of the body.
    const stalling = http.createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      res.write('{"conversationId":');
    });
    await new Promise<void>((resolve) => stalling.listen(0, '127.0.0.1', resolve));
    try {
      const sessions = azureSessions({
        secret: 'the-direct-line-secret',
        url: `http://127.0.0.1:${(stalling.address() as AddressInfo).port}`,
        tickets: TICKETS,
        timeoutMs: 300,
      });
      const started = Date.now();
      await expect(sessions('browser-1')).rejects.toMatchObject({ name: 'SessionUnavailableError', status: 502 });
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      stalling.closeAllConnections();
      await new Promise((resolve) => stalling.close(resolve));
    }
  });
});
