/**
 * BrowserIdentity on its own (the HTTP behaviour is in webChat.test.ts and tests/e2e/webChatIdentity.e2e.test.ts):
 * what verifies, what does not, and how a bot-side Web Chat user id maps back to the browser's id.
 */
import { BrowserIdentity, browserIdOfChatUser } from '../../../web/webChat/browserIdentity.js';

/** Just enough of a Node response for `ensure`. */
function fakeResponse(): { headers: Record<string, unknown>; getHeader(name: string): unknown; setHeader(name: string, value: unknown): void } {
  const headers: Record<string, unknown> = {};
  return {
    headers,
    getHeader: (name) => headers[name.toLowerCase()],
    setHeader: (name, value) => {
      headers[name.toLowerCase()] = value;
    },
  };
}

const request = (cookie?: string) => ({ headers: cookie === undefined ? {} : { cookie } });

describe('BrowserIdentity', () => {
  const identity = new BrowserIdentity(Buffer.alloc(32, 3), { secure: false });

  function issue(): { id: string; cookie: string } {
    const res = fakeResponse();
    const id = identity.ensure(request(), res as never);
    const setCookie = (res.headers['set-cookie'] as string[])[0]!;
    return { id, cookie: setCookie.split(';')[0]! };
  }

  it('issues a 128-bit random id once, then recognises it among other cookies', () => {
    const { id, cookie } = issue();
    expect(id).toMatch(/^web-[0-9a-f]{32}$/);
    expect(issue().id).not.toBe(id);
    expect(identity.userIdOf(request(`theme=dark; ${cookie}; other=1`))).toBe(id);
    const res = fakeResponse();
    expect(identity.ensure(request(cookie), res as never)).toBe(id);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('keeps Set-Cookie headers another part of the response set', () => {
    const res = fakeResponse();
    res.setHeader('Set-Cookie', 'other=1');
    identity.ensure(request(), res as never);
    expect(res.headers['set-cookie']).toEqual(['other=1', expect.stringMatching(/^webchat-id=/)]);
  });

  it('accepts nothing it did not sign: another id, another signature, another key, or no signature', () => {
    const { id, cookie } = issue();
    const signature = cookie.split('.')[1]!;
    const otherKey = new BrowserIdentity(Buffer.alloc(32, 4), { secure: false });
    for (const forged of [
      `webchat-id=web-${'1'.repeat(32)}.${signature}`,
      `webchat-id=${id}.${signature.slice(1)}A`,
      `webchat-id=${id}`,
      `webchat-id=${id}.`,
      `webchat-id=${id.toUpperCase()}.${signature}`,
      `__Host-webchat-id=${cookie.split('=')[1]}`,
    ]) {
      expect({ forged, id: identity.userIdOf(request(forged)) }).toEqual({ forged, id: undefined });
    }
    expect(otherKey.userIdOf(request(cookie))).toBeUndefined();
  });

  it('maps a bot-side Web Chat user id back to the browser id: as is locally, without dl_ from Azure', () => {
    const { id } = issue();
    expect(browserIdOfChatUser(id)).toBe(id);
    expect(browserIdOfChatUser(`dl_${id}`)).toBe(id);
    expect(browserIdOfChatUser('29:teams-user')).toBeUndefined();
    expect(browserIdOfChatUser('dl_user-0123456789abcdef')).toBeUndefined();
  });
});
