/**
 * The adapter's connector, over real HTTP on loopback: a deadline on every Bot Connector call, and no connector at
 * all for a serviceUrl the Emulator-mode policy refuses (so nothing is ever sent there).
 */
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import { ConversationReference } from 'botbuilder';
import { createAdapter } from '../../../bots/adapter.js';
import { ConnectorTimeoutError } from '../../../bots/channelConnector.js';
import { ServiceUrlRefusedError } from '../../../bots/serviceUrlPolicy.js';
import { loadConfig } from '../../../services/config/config.js';
import { silentLogger } from '../../../services/logging/logger.js';

function reference(serviceUrl: string): Partial<ConversationReference> {
  return { channelId: 'emulator', serviceUrl, conversation: { id: 'c1' } as never, user: { id: 'u1', name: 'u' }, bot: { id: 'b1', name: 'b' } };
}

describe('Bot Connector deadline', () => {
  let silent: net.Server;
  const sockets: net.Socket[] = [];
  let serviceUrl: string;

  beforeAll(async () => {
    // Accepts the connection, reads the request, never answers.
    silent = net.createServer((socket) => sockets.push(socket.on('data', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up on a channel that never answers after the deadline, with an error naming it', async () => {
    const adapter = createAdapter(loadConfig({}), silentLogger, { connectorTimeoutMs: 800 });
    const started = Date.now();
    let failure: unknown;
    await adapter.continueConversationAsync('', reference(serviceUrl), async (context) => {
      await context.sendActivity('hello').catch((error: unknown) => (failure = error));
    });
    expect(failure).toBeInstanceOf(ConnectorTimeoutError);
    expect((failure as Error).message).toBe(`The channel at ${new URL(serviceUrl).origin} did not answer within 0.8 s; the reply was not delivered.`);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(3000);
    expect(sockets.length).toBeGreaterThan(0);
  }, 10_000);
});

describe('serviceUrl policy in the adapter (Emulator mode)', () => {
  let receiver: http.Server;
  let received = 0;
  let port: number;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      received += 1;
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"id":"1"}');
    });
    // 0.0.0.0 as a destination reaches this loopback listener on Linux, yet it is not a loopback address: the
    // policy must refuse it, and if it did not, the reply would land here, where the test sees it.
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('builds no connector for a serviceUrl off this machine: the turn never runs and nothing is sent', async () => {
    const adapter = createAdapter(loadConfig({}), silentLogger);
    let ran = false;
    const sent = adapter.continueConversationAsync('', reference(`http://0.0.0.0:${port}/`), async (context) => {
      ran = true;
      await context.sendActivity('hello');
    });
    await expect(sent).rejects.toThrow(ServiceUrlRefusedError);
    await expect(sent).rejects.toThrow(/ALLOWED_SERVICE_URLS/);
    expect(ran).toBe(false);
    expect(received).toBe(0);
  });

  it('sends there once ALLOWED_SERVICE_URLS names the origin', async () => {
    const adapter = createAdapter(loadConfig({ ALLOWED_SERVICE_URLS: `http://0.0.0.0:${port}` }), silentLogger);
    await adapter.continueConversationAsync('', reference(`http://0.0.0.0:${port}/`), async (context) => {
      await context.sendActivity('hello');
    });
    expect(received).toBe(1);
  });
});
