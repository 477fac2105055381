/**
 * The local Direct Line over HTTP, as Web Chat (client routes) and the bot (Bot Connector routes) use it. The bot
 * is played at the network edge: `deliver` records what the bot would receive on /api/messages and, like a bot,
 * replies through the serviceUrl it was given.
 */
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { botRequestBodies } from '../../../web/http/bodyPolicies.js';
import { silentLogger } from '../../../services/logging/logger.js';
import { ConversationStore, LOCAL_BOT, mountLocalDirectLine } from '../../../web/directLine/index.js';
import type { DirectLineActivity } from '../../../web/directLine/conversationStore.js';

interface Harness {
  url: string;
  store: ConversationStore;
  delivered: DirectLineActivity[];
  close(): Promise<void>;
}

async function startDirectLine(onDeliver?: (activity: DirectLineActivity, url: string) => Promise<void>): Promise<Harness> {
  const server = restify.createServer();
  server.use(restify.plugins.queryParser());
  server.use(botRequestBodies({ requireBearerToken: false }));
  const delivered: DirectLineActivity[] = [];
  let url = '';
  const store = mountLocalDirectLine(server, {
    localUrl: () => url,
    logger: silentLogger,
    deliver: async (activity) => {
      delivered.push(activity);
      await onDeliver?.(activity, url);
      return 200;
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, store, delivered, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (token?: string) => ({ 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) });

// `any`: the JSON comes in many shapes, and each test checks the fields it reads.
async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function waitFor<T>(read: () => T | undefined, what: string): Promise<T> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('local Direct Line: client routes', () => {
  let dl: Harness;
  beforeEach(async () => {
    dl = await startDirectLine();
  });
  afterEach(async () => dl.close());

  it('starts the conversation of a token once, and tells the bot that the bot and the user joined', async () => {
    const { token, id } = dl.store.open('user-abcdef12');
    const first = await call(`${dl.url}/v3/directline/conversations`, { method: 'POST', headers: json(token), body: '{}' });
    expect(first).toEqual({ status: 201, body: { conversationId: id, token, expires_in: 1800 } });

    const update = await waitFor(() => dl.delivered[0], 'the conversationUpdate');
    expect(update).toMatchObject({
      type: 'conversationUpdate',
      channelId: 'webchat',
      serviceUrl: `${dl.url}/`,
      conversation: { id },
      recipient: LOCAL_BOT,
      membersAdded: [{ id: LOCAL_BOT.id }, { id: 'user-abcdef12' }],
    });

    const again = await call(`${dl.url}/v3/directline/conversations`, { method: 'POST', headers: json(token), body: '{}' });
    expect(again.status).toBe(200);
    expect(again.body.conversationId).toBe(id);
    const reconnect = await call(`${dl.url}/v3/directline/conversations/${id}?watermark=`, { headers: json(token) });
    expect(reconnect.body).toEqual({ conversationId: id, token, expires_in: 1800 });
    const refreshed = await call(`${dl.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: json(token) });
    expect(refreshed.body.token).toBe(token);
    expect(dl.delivered).toHaveLength(1);
  });

  it("requires the conversation's own bearer token on every route", async () => {
    const mine = dl.store.open('user-mine0001');
    const theirs = dl.store.open('user-theirs01');
    const activities = (id: string) => `${dl.url}/v3/directline/conversations/${id}/activities`;
    const message = JSON.stringify({ type: 'message', text: 'hi' });

    expect((await call(`${dl.url}/v3/directline/conversations`, { method: 'POST' })).status).toBe(401);
    expect((await call(`${dl.url}/v3/directline/conversations`, { method: 'POST', headers: json('forged') })).status).toBe(403);
    expect((await call(activities(theirs.id), { headers: json() })).status).toBe(401);
    expect((await call(activities(theirs.id), { headers: json(mine.token) })).status).toBe(403);
    expect((await call(activities(theirs.id), { method: 'POST', headers: json(mine.token), body: message })).status).toBe(403);
    expect((await call(`${dl.url}/v3/directline/conversations/${theirs.id}`, { headers: json(mine.token) })).status).toBe(403);
    expect((await call(`${dl.url}/v3/directline/tokens/refresh`, { method: 'POST', headers: json('forged') })).status).toBe(403);
    expect(theirs.history).toHaveLength(0);
    expect((await call(activities(mine.id), { headers: json(mine.token) })).status).toBe(200);
  });

  it('stores the posted activity as the echo Web Chat waits for, sent as the bound user, then hands it to the bot', async () => {
    const { token, id } = dl.store.open('user-abcdef12');
    const posted = await call(`${dl.url}/v3/directline/conversations/${id}/activities`, {
      method: 'POST',
      headers: json(token),
      body: JSON.stringify({
        type: 'message',
        text: 'create page',
        from: { id: 'someone-else', name: 'You', role: 'bot' },
        channelData: { clientActivityID: 'client-1' },
        locale: 'en-US',
      }),
    });
    expect(posted.status).toBe(200);
    expect(posted.body.id).toMatch(new RegExp(`^${id}\\|\\d{7}$`));

    const history = await call(`${dl.url}/v3/directline/conversations/${id}/activities?watermark=`, { headers: json(token) });
    expect(history.body.watermark).toBe('1');
    expect(history.body.activities).toHaveLength(1);
    const echo = history.body.activities[0];
    expect(echo).toMatchObject({
      id: posted.body.id,
      type: 'message',
      text: 'create page',
      from: { id: 'user-abcdef12', name: 'You', role: 'user' },
      channelData: { clientActivityID: 'client-1' },
      conversation: { id },
    });
    expect(Date.parse(echo.timestamp)).not.toBeNaN();

    const toBot = await waitFor(() => dl.delivered[0], 'the message at the bot');
    expect(toBot).toMatchObject({ id: posted.body.id, text: 'create page', serviceUrl: `${dl.url}/`, channelId: 'webchat', recipient: LOCAL_BOT });
    expect(toBot.from).toEqual({ id: 'user-abcdef12', name: 'You', role: 'user' });
  });

  it('refuses activities that are not message, event or typing, and ones over 256 KB', async () => {
    const { token, id } = dl.store.open('user-abcdef12');
    const post = (body: unknown) =>
      call(`${dl.url}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: json(token), body: JSON.stringify(body) });
    expect((await post({ type: 'conversationUpdate', membersAdded: [] })).status).toBe(400);
    expect((await post({ text: 'no type' })).status).toBe(400);
    expect((await post({ type: 'message', text: 'x'.repeat(300 * 1024) })).status).toBe(413);
    expect(dl.store.find(id)!.history).toHaveLength(0);
  });
});

describe('local Direct Line: the bot side and watermarks', () => {
  let dl: Harness;
  afterEach(async () => dl.close());

  it("takes the bot's replies through the Bot Connector routes and serves them after the client's watermark", async () => {
    // The bot answers each message twice, as CloudAdapter does: a reply (with replyToId) and a plain send.
    dl = await startDirectLine(async (activity, url) => {
      if (activity.type !== 'message') return;
      const conversationId = encodeURIComponent((activity.conversation as { id: string }).id);
      const reply = await call(`${url}/v3/conversations/${conversationId}/activities/${encodeURIComponent(activity.id!)}`, {
        method: 'POST',
        headers: json(),
        body: JSON.stringify({ type: 'message', text: `you said ${String(activity.text)}`, replyToId: activity.id, from: LOCAL_BOT }),
      });
      expect(reply.status).toBe(200);
      expect(reply.body.id).toBeDefined();
      await call(`${url}/v3/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers: json(),
        body: JSON.stringify({ type: 'typing', from: { id: LOCAL_BOT.id } }),
      });
    });
    const { token, id } = dl.store.open('user-abcdef12');
    const read = (watermark: string) => call(`${dl.url}/v3/directline/conversations/${id}/activities?watermark=${watermark}`, { headers: json(token) });
    const say = (text: string) =>
      call(`${dl.url}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: json(token), body: JSON.stringify({ type: 'message', text }) });

    await say('one');
    await waitFor(() => (dl.store.find(id)!.history.length === 3 ? true : undefined), 'the replies to "one"');
    const first = await read('');
    expect(first.body.watermark).toBe('3');
    expect(first.body.activities.map((a: DirectLineActivity) => a.text ?? a.type)).toEqual(['one', 'you said one', 'typing']);
    expect(first.body.activities[1]).toMatchObject({ from: { id: LOCAL_BOT.id, role: 'bot' }, recipient: { id: 'user-abcdef12', role: 'user' } });

    await say('two');
    await waitFor(() => (dl.store.find(id)!.history.length === 6 ? true : undefined), 'the replies to "two"');
    const second = await read(first.body.watermark);
    expect(second.body.watermark).toBe('6');
    expect(second.body.activities.map((a: DirectLineActivity) => a.text ?? a.type)).toEqual(['two', 'you said two', 'typing']);
    expect((await read('6')).body).toEqual({ activities: [], watermark: '6' });
  });

  it('drops a replyToId that names no activity of the conversation (a proactive turn), so Web Chat never waits for it', async () => {
    dl = await startDirectLine();
    const { token, id } = dl.store.open('user-abcdef12');
    await call(`${dl.url}/v3/directline/conversations/${id}/activities`, { method: 'POST', headers: json(token), body: JSON.stringify({ type: 'message', text: 'hi' }) });
    const userMessage = dl.store.find(id)!.history[0]!;
    const post = (replyToId: string) =>
      call(`${dl.url}/v3/conversations/${id}/activities/${encodeURIComponent(replyToId)}`, {
        method: 'POST',
        headers: json(),
        body: JSON.stringify({ type: 'message', text: `re ${replyToId}`, replyToId, from: LOCAL_BOT }),
      });
    // The continuation event of continueConversationAsync has a made-up uuid that Web Chat never received.
    expect((await post('0b8f6f7e-6d0a-4c53-9a8e-2f1f2b0c1d9a')).status).toBe(200);
    expect((await post(userMessage.id!)).status).toBe(200);
    const [, proactive, reply] = dl.store.find(id)!.history;
    expect(proactive).not.toHaveProperty('replyToId');
    expect(reply).toMatchObject({ replyToId: userMessage.id });
  });

  it('refuses replies to conversations it does not hold, and activities without a type', async () => {
    dl = await startDirectLine();
    const { id } = dl.store.open('user-abcdef12');
    const unknown = await call(`${dl.url}/v3/conversations/not-a-conversation/activities`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ type: 'message', text: 'injected' }),
    });
    expect(unknown.status).toBe(404);
    const untyped = await call(`${dl.url}/v3/conversations/${id}/activities`, { method: 'POST', headers: json(), body: JSON.stringify({ text: 'x' }) });
    expect(untyped.status).toBe(400);
    expect(dl.store.find(id)!.history).toHaveLength(0);
  });

  it('refuses the connector routes to a proxy on this machine (X-Forwarded-For and friends), so a tunnel cannot post as the bot', async () => {
    dl = await startDirectLine();
    const { id } = dl.store.open('user-abcdef12');
    for (const header of ['X-Forwarded-For', 'Forwarded', 'X-Real-IP', 'X-Forwarded-Host']) {
      for (const path of [`/v3/conversations/${id}/activities`, `/v3/conversations/${id}/activities/some-reply-id`]) {
        const relayed = await call(`${dl.url}${path}`, {
          method: 'POST',
          headers: { ...json(), [header]: header === 'Forwarded' ? 'for=203.0.113.9' : '203.0.113.9' },
          body: JSON.stringify({ type: 'message', text: 'injected', from: LOCAL_BOT }),
        });
        expect({ header, path, status: relayed.status }).toEqual({ header, path, status: 403 });
        expect(relayed.body.error.message).toMatch(/loopback/);
      }
    }
    expect(dl.store.find(id)!.history).toHaveLength(0);
    const direct = await call(`${dl.url}/v3/conversations/${id}/activities`, { method: 'POST', headers: json(), body: JSON.stringify({ type: 'message', text: 'ok' }) });
    expect(direct.status).toBe(200);
  });

  it('hands activities to the bot one at a time, in the order they were posted, even when the bot is slow', async () => {
    const seen: string[] = [];
    dl = await startDirectLine(async (activity) => {
      if (activity.type !== 'message') return;
      await new Promise((resolve) => setTimeout(resolve, activity.text === 'first' ? 100 : 0));
      seen.push(String(activity.text));
    });
    const { token, id } = dl.store.open('user-abcdef12');
    for (const text of ['first', 'second', 'third']) {
      const posted = await call(`${dl.url}/v3/directline/conversations/${id}/activities`, {
        method: 'POST',
        headers: json(token),
        body: JSON.stringify({ type: 'message', text }),
      });
      expect(posted.status).toBe(200);
    }
    await waitFor(() => (seen.length === 3 ? true : undefined), 'three deliveries');
    expect(seen).toEqual(['first', 'second', 'third']);
  });
});

describe('ConversationStore limits', () => {
  it('forgets a conversation, and its token, after the idle time', () => {
    let now = 0;
    const store = new ConversationStore({ idleMs: 1000, now: () => now });
    const conversation = store.open('user-abcdef12');
    now = 900;
    expect(store.findByToken(conversation.token)).toBe(conversation);
    now = 1800; // 900 ms after the last use: still alive
    expect(store.find(conversation.id)).toBe(conversation);
    now = 2801;
    expect(store.findByToken(conversation.token)).toBeUndefined();
    expect(store.find(conversation.id)).toBeUndefined();
  });

  it('keeps at most maxConversations, dropping the least recently used', () => {
    const store = new ConversationStore({ maxConversations: 2 });
    const a = store.open('user-aaaaaaaa');
    const b = store.open('user-bbbbbbbb');
    store.find(a.id);
    const c = store.open('user-cccccccc');
    expect(store.size).toBe(2);
    expect(store.findByToken(b.token)).toBeUndefined();
    expect(store.findByToken(a.token)).toBe(a);
    expect(store.findByToken(c.token)).toBe(c);
  });

  it('pushes out conversations that never started before live ones: 1,000 unused sessions leave a live chat alone', () => {
    const store = new ConversationStore();
    const live = store.open('web-live');
    live.started = true;
    const flood = Array.from({ length: 1000 }, (_, i) => store.open(`web-flood-${i}`));
    expect(store.size).toBe(1000);
    expect(store.has(live.id)).toBe(true);
    expect(store.findByToken(live.token)).toBe(live);
    // The oldest of the flood went first, and the store never grew past its bound.
    expect(store.has(flood[0]!.id)).toBe(false);
    expect(store.has(flood[999]!.id)).toBe(true);
  });

  it('when every conversation is live, drops the least recently used', () => {
    const store = new ConversationStore({ maxConversations: 2 });
    const a = store.open('web-a');
    const b = store.open('web-b');
    a.started = b.started = true;
    store.find(a.id);
    store.open('web-c');
    expect(store.has(b.id)).toBe(false);
    expect(store.has(a.id)).toBe(true);
  });

  it("caps one user's conversations, dropping that user's oldest unstarted one first, and leaves others alone", () => {
    const store = new ConversationStore({ maxPerUser: 3 });
    const other = store.open('web-other');
    const first = store.open('web-one');
    first.started = true;
    const second = store.open('web-one');
    const third = store.open('web-one');
    third.started = true;
    const fourth = store.open('web-one');
    expect([first, second, third, fourth].map((conversation) => store.has(conversation.id))).toEqual([true, false, true, true]);
    fourth.started = true;
    const fifth = store.open('web-one');
    // None unstarted: the least recently used of this user's goes.
    expect([first, third, fourth, fifth].map((conversation) => store.has(conversation.id))).toEqual([false, true, true, true]);
    expect(store.has(other.id)).toBe(true);
    for (let i = 0; i < 50; i++) store.open('web-one');
    expect(store.size).toBe(4);
  });

  it("resumes a conversation only for its own user, with a fresh token; the last 4 tokens stay valid, forgetting drops them all", () => {
    let now = 0;
    const store = new ConversationStore({ now: () => now, idleMs: 1000 });
    const conversation = store.open('user-a');
    const first = conversation.token;
    expect(store.resume(conversation.id, 'user-b')).toBeUndefined();
    expect(store.resume('no-such-conversation', 'user-a')).toBeUndefined();
    const tokens = [first];
    for (let reload = 0; reload < 4; reload++) tokens.push(store.resume(conversation.id, 'user-a')!.token);
    expect(new Set(tokens).size).toBe(5);
    expect(store.findByToken(first)).toBeUndefined();
    for (const token of tokens.slice(1)) expect(store.findByToken(token)?.id).toBe(conversation.id);
    now += 5000;
    expect(store.resume(conversation.id, 'user-a')).toBeUndefined();
    for (const token of tokens) expect(store.findByToken(token)).toBeUndefined();
  });

  it('keeps at most maxActivities per conversation while watermarks stay absolute', () => {
    const store = new ConversationStore({ maxActivities: 3 });
    const conversation = store.open('user-abcdef12');
    for (let i = 0; i < 5; i++) store.append(conversation, { type: 'message', text: String(i) });
    expect(store.since(conversation, '').activities.map((a) => a.text)).toEqual(['2', '3', '4']);
    expect(store.since(conversation, '3')).toMatchObject({ activities: [{ text: '3' }, { text: '4' }], watermark: '5' });
    expect(store.since(conversation, '5').activities).toEqual([]);
    expect(store.since(conversation, 'garbage').watermark).toBe('5');
  });
});
