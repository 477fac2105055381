/**
 * Finding 7: a stopping bot waits for its turns, but not for ever. The bot as `npm start` runs it, in a child
 * process; one turn is stuck on a loopback channel that accepts the connection and never answers (the connector's
 * own deadline, 20 s, is longer than the shutdown's, 10 s). SIGTERM must end the process at the shutdown deadline,
 * saying what it was still waiting for.
 */
import { mkdtemp } from 'node:fs/promises';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startBotProcess } from '../helpers/botProcess.js';
import { emulatorMessage, postActivity } from '../helpers/emulatorActivity.js';
import { freePort } from '../helpers/ports.js';

describe('shutdown deadline', () => {
  let silent: net.Server;
  const sockets: net.Socket[] = [];

  beforeAll(async () => {
    silent = net.createServer((socket) => sockets.push(socket.on('data', () => undefined)));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silent.close(resolve));
  });

  it('exits 10 s after SIGTERM when a turn is stuck on a channel that never answers, naming what was pending', async () => {
    const port = await freePort();
    const bot = await startBotProcess({ PORT: String(port), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'shutdown-')) });
    try {
      const serviceUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
      // Not awaited: this turn stays in flight until the process ends.
      void postActivity(bot.url, emulatorMessage(serviceUrl, 'help')).catch(() => undefined);
      const stuckBy = Date.now() + 10_000;
      while (sockets.length === 0 && Date.now() < stuckBy) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(sockets.length).toBeGreaterThan(0);

      const signalled = Date.now();
      bot.kill('SIGTERM');
      const code = await bot.exited;
      const elapsed = Date.now() - signalled;
      expect(code).toBe(1);
      expect(elapsed).toBeGreaterThanOrEqual(9_500);
      expect(elapsed).toBeLessThan(14_000);
      expect(bot.output()).toMatch(/"msg":"shutdown did not finish within 10 s; exiting anyway","pending":"waiting for 1 turn\(s\) from \/api\/messages"/);
    } finally {
      bot.kill('SIGKILL');
    }
  }, 40_000);
});
