/**
 * Connector and user-token clients are built once per serviceUrl and identity and reused by later turns, where
 * botbuilder would build both (and their HTTP pipelines) on every turn. Over real HTTP on loopback.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConversationReference, TurnContext } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { createAdapter } from '../../../bots/adapter.js';
import { identityKey, ReusedClients } from '../../../bots/reusedClients.js';
import { loadConfig } from '../../../services/config/config.js';
import { silentLogger } from '../../../services/logging/logger.js';

function reference(serviceUrl: string): Partial<ConversationReference> {
  return { channelId: 'emulator', serviceUrl, conversation: { id: 'c1' } as never, user: { id: 'u1', name: 'u' }, bot: { id: 'b1', name: 'b' } };
}

describe('clients reused across turns', () => {
  const receivers: http.Server[] = [];
  const serviceUrls: string[] = [];
  let received = 0;

  beforeAll(async () => {
    for (let index = 0; index < 2; index += 1) {
      const receiver = http.createServer((req, res) => {
        received += 1;
        req.resume();
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"id":"1"}');
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      receivers.push(receiver);
      serviceUrls.push(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
    }
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => new Promise((resolve) => receiver.close(resolve))));
  });

  it('gives every turn to one serviceUrl the same connector and token clients, and another serviceUrl its own', async () => {
    const adapter = createAdapter(loadConfig({}), silentLogger);
    const seen: Array<{ connector: unknown; tokens: unknown }> = [];
    const turn = async (context: TurnContext) => {
      seen.push({ connector: context.turnState.get(adapter.ConnectorClientKey), tokens: context.turnState.get(adapter.UserTokenClientKey) });
      await context.sendActivity('hello');
    };
    await adapter.continueConversationAsync('', reference(serviceUrls[0]!), turn);
    await adapter.continueConversationAsync('', reference(serviceUrls[0]!), turn);
    await adapter.continueConversationAsync('', reference(serviceUrls[1]!), turn);

    expect(received).toBe(3);
    expect(seen[0]!.connector).toBeDefined();
    expect(seen[1]!.connector).toBe(seen[0]!.connector);
    expect(seen[2]!.connector).not.toBe(seen[0]!.connector);
    expect(seen[1]!.tokens).toBe(seen[0]!.tokens);
  });
});

describe('ReusedClients', () => {
  it('keeps at most its limit, dropping the least recently used', async () => {
    const clients = new ReusedClients<object>(2);
    const first = await clients.get('a', async () => ({ name: 'a' }));
    await clients.get('b', async () => ({ name: 'b' }));
    expect(await clients.get('a', async () => ({ name: 'a again' }))).toBe(first);
    await clients.get('c', async () => ({ name: 'c' }));
    expect(clients.size).toBe(2);
    // "b" was used least recently, so it went; "a" stayed.
    expect(await clients.get('a', async () => ({ name: 'a again' }))).toBe(first);
    expect(await clients.get('b', async () => ({ name: 'b again' }))).toEqual({ name: 'b again' });
  });

  it('does not keep a client whose creation failed: the next turn tries again', async () => {
    const clients = new ReusedClients<object>();
    await expect(clients.get('a', async () => Promise.reject(new Error('no token')))).rejects.toThrow('no token');
    expect(await clients.get('a', async () => ({ name: 'a' }))).toEqual({ name: 'a' });
  });

  it('tells identities apart by the claims credentials are derived from', () => {
    const bot = new ClaimsIdentity([{ type: 'aud', value: 'bot-app' }, { type: 'ver', value: '1.0' }], true);
    const sameBot = new ClaimsIdentity([{ type: 'ver', value: '1.0' }, { type: 'aud', value: 'bot-app' }, { type: 'serviceurl', value: 'x' }], true);
    const skillCaller = new ClaimsIdentity([{ type: 'aud', value: 'bot-app' }, { type: 'azp', value: 'caller-app' }, { type: 'ver', value: '2.0' }], true);
    expect(identityKey(sameBot)).toBe(identityKey(bot));
    expect(identityKey(skillCaller)).not.toBe(identityKey(bot));
    expect(identityKey(new ClaimsIdentity([], false))).not.toBe(identityKey(new ClaimsIdentity([], true)));
  });
});
