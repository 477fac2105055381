/**
 * The Web Chat page's own script, run in a VM with a stand-in browser (sessionStorage, fetch, Web Chat's
 * createDirectLine): what a reload sends to /webchat/session and how it connects Web Chat with the answer. The
 * server side of a resume is tested over HTTP in webChat.test.ts; the whole reload in Chromium (local Direct Line)
 * in tests/browser/webchat.browser.test.ts.
 */
import vm from 'node:vm';
import { webChatPage } from '../../../web/webChat/page.js';

interface Element {
  textContent: string;
  hidden: boolean;
}

/** The inline script of the page (the one without a src). */
function pageScript(): string {
  const scripts = [...webChatPage({ sandbox: false, scriptUrl: '/webchat/webchat.js' }).matchAll(/<script>([\s\S]*?)<\/script>/g)];
  expect(scripts).toHaveLength(1);
  return scripts[0]![1]!;
}

/**
 * Loads the page once in a tab whose sessionStorage is `storage`; /webchat/session answers `session`. Resolves with
 * the body the page posted, the options it gave createDirectLine, and the page's notes, once Web Chat is rendered.
 */
async function loadPage(storage: Map<string, string>, session: Record<string, unknown>) {
  const elements: Record<string, Element> = {
    status: { textContent: '', hidden: true },
    'chat-note': { textContent: '', hidden: true },
    webchat: { textContent: '', hidden: false },
  };
  let posted: unknown;
  let directLine: Record<string, unknown> | undefined;
  const rendered = new Promise<void>((resolve, reject) => {
    const window = {
      location: { origin: 'http://127.0.0.1:3978' },
      localStorage: { removeItem: () => undefined },
      sessionStorage: {
        getItem: (key: string) => storage.get(key) ?? null,
        setItem: (key: string, value: string) => void storage.set(key, value),
        removeItem: (key: string) => void storage.delete(key),
      },
      WebChat: {
        createDirectLine: (options: Record<string, unknown>) => ((directLine = options), {}),
        renderWebChat: () => {
          clearTimeout(timer);
          resolve();
        },
      },
    };
    const document = {
      getElementById: (id: string) => elements[id],
      querySelector: () => null,
    };
    const fetch = async (url: string, init: { body: string }) => {
      expect(url).toBe('/webchat/session');
      posted = JSON.parse(init.body);
      return { ok: true, status: 200, json: async () => session };
    };
    const timer = setTimeout(() => reject(new Error(`Web Chat was not rendered; the page says: ${elements.status!.textContent}`)), 2000);
    vm.runInNewContext(pageScript(), { window, document, fetch, URL });
  });
  await rendered;
  return { posted, directLine: directLine!, note: elements['chat-note']! };
}

const AZURE = { domain: 'https://directline.botframework.com/v3/directline', webSocket: true, userId: 'dl_web-1' };

describe("the Web Chat page's script", () => {
  it('with Azure Direct Line, keeps the conversation and its ticket across a reload and reconnects Web Chat to it', async () => {
    const tab = new Map<string, string>();
    const first = await loadPage(tab, { ...AZURE, token: 'token-1', conversationId: 'conv-1', resumeTicket: 'ticket-1' });
    expect(first.posted).toEqual({});
    // A new conversation: the token opens it, so Web Chat is not told an id to reconnect to.
    expect(first.directLine).toMatchObject({ token: 'token-1', conversationId: undefined, domain: AZURE.domain, webSocket: true });

    const reloaded = await loadPage(tab, { ...AZURE, token: 'token-2', conversationId: 'conv-1', resumeTicket: 'ticket-1', resumed: true });
    expect(reloaded.posted).toEqual({ resume: 'conv-1', ticket: 'ticket-1' });
    expect(reloaded.directLine).toMatchObject({ token: 'token-2', conversationId: 'conv-1', domain: AZURE.domain, webSocket: true });
    expect(reloaded.note.hidden).toBe(true);
  });

  it('says so when the earlier conversation is gone, and keeps the new one (without a stale ticket) for the next reload', async () => {
    const tab = new Map<string, string>();
    await loadPage(tab, { ...AZURE, token: 'token-1', conversationId: 'conv-1', resumeTicket: 'ticket-1' });
    const gone = await loadPage(tab, { ...AZURE, token: 'token-2', conversationId: 'conv-2', resumeTicket: 'ticket-2', resumed: false });
    expect(gone.directLine).toMatchObject({ token: 'token-2', conversationId: undefined });
    expect(gone.note).toEqual({ hidden: false, textContent: expect.stringMatching(/^Your earlier conversation is no longer available/) });
    expect((await loadPage(tab, { ...AZURE, token: 'token-3', conversationId: 'conv-2', resumeTicket: 'ticket-2', resumed: true })).posted).toEqual({
      resume: 'conv-2',
      ticket: 'ticket-2',
    });

    // The local Direct Line gives no ticket: none is kept or sent.
    const local = { domain: '/v3/directline', webSocket: false, userId: 'web-1' };
    await loadPage(tab, { ...local, token: 'local-1', conversationId: 'local-conv', resumed: false });
    expect((await loadPage(tab, { ...local, token: 'local-2', conversationId: 'local-conv', resumed: true })).posted).toEqual({ resume: 'local-conv' });
  });
});
