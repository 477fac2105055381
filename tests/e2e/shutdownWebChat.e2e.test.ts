/**
 * Issue 10, item 11: Ctrl+C with a Web Chat tab open. The bot as `npm start` runs it, in a child process, with what
 * a browser holds: an idle keep-alive connection, Web Chat polling its conversation back to back over another
 * (so that connection is busy when the server closes), and a request stalled halfway through its headers. No turn
 * is in flight, so SIGINT must end the process within 3 s and cleanly (exit code 0); before, a busy or stalled
 * connection kept it alive until the 10-s shutdown deadline.
 */
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startBotProcess } from '../helpers/botProcess.js';
import { freePort } from '../helpers/ports.js';
import { WebChatBrowser } from '../helpers/webChatBrowser.js';

/** GET over a keep-alive agent; the socket stays open (idle) afterwards, as a browser's does. */
function keepAliveGet(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

describe('shutdown with a Web Chat tab open', () => {
  it('exits within 3 s of SIGINT, with code 0, while a keep-alive connection is idle, Web Chat polls and a request stalls', async () => {
    const port = await freePort();
    const bot = await startBotProcess({ PORT: String(port), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'shutdown-webchat-')) });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let polling = true;
    try {
      // An idle keep-alive connection (the page's tab after loading `/`).
      expect(await keepAliveGet(agent, `${bot.url}/`)).toBe(200);
      // Web Chat's polling, on its own keep-alive connection, until the server goes away.
      const chat = new WebChatBrowser(bot.url);
      await chat.load();
      await chat.settle(300);
      let polls = 0;
      const poller = (async () => {
        while (polling) {
          try {
            await chat.poll();
            polls++;
          } catch {
            return;
          }
        }
      })();
      // A client that stalls mid-request: its headers never end.
      const stalled = net.connect(port, '127.0.0.1');
      stalled.on('error', () => undefined);
      await new Promise((resolve) => stalled.once('connect', resolve));
      stalled.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      await new Promise((resolve) => setTimeout(resolve, 1200));
      expect(polls).toBeGreaterThan(0);
      expect(Object.values(agent.sockets).flat().length + Object.values(agent.freeSockets).flat().length).toBe(1);

      const signalled = Date.now();
      bot.kill('SIGINT');
      const code = await bot.exited;
      const elapsed = Date.now() - signalled;
      console.log(`SIGINT -> exit with an idle, a polling and a stalled connection: ${elapsed} ms`);
      expect(code).toBe(0);
      expect(elapsed).toBeLessThan(3000);
      polling = false;
      await poller;
      stalled.destroy();
    } finally {
      polling = false;
      agent.destroy();
      bot.kill('SIGKILL');
    }
  }, 60_000);
});
