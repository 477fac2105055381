/**
 * A small load balancer for tests and the load tool: one loopback address (the bots' shared PUBLIC_URL) that hands
 * each request to the next bot instance in turn, as a cloud load balancer without session affinity does. A target
 * that refuses the connection (an instance that was killed) is skipped, as a balancer's health check would, and the
 * request goes to the next one; nothing had reached the dead instance, so nothing is sent twice.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  path: string;
  /** Index of the instance that answered. */
  target: number;
  status: number;
  /** The request body, kept only for paths the caller asked for (it may hold secrets: memory only). */
  body?: string;
}

export interface RoundRobinProxyOptions {
  /** Keep the bodies of requests to matching paths in the log (a test counting token requests). */
  keepBodiesOf?: RegExp;
}

export interface RoundRobinProxy {
  url: string;
  /** Every request handled, in order of arrival. */
  readonly log: ProxiedRequest[];
  /** Sends the next request to this instance (then round-robin again): for "the callback lands on the other one". */
  sendNextTo(target: number): void;
  close(): Promise<void>;
}

export async function startRoundRobinProxy(targets: string[], options: RoundRobinProxyOptions = {}): Promise<RoundRobinProxy> {
  const log: ProxiedRequest[] = [];
  let next = 0;
  let forced: number | undefined;
  // A connection per request: a killed instance then answers ECONNREFUSED before anything was sent, never a reset
  // halfway through a request it might have acted on.
  const agent = new http.Agent({ keepAlive: false });

  const pick = (): number => {
    if (forced !== undefined) {
      const chosen = forced;
      forced = undefined;
      return chosen;
    }
    const chosen = next;
    next = (next + 1) % targets.length;
    return chosen;
  };

  const forward = (request: http.IncomingMessage, body: Buffer, target: number): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const outgoing = http.request(
        new URL(request.url ?? '/', targets[target]),
        { method: request.method, headers: { ...request.headers, host: new URL(targets[target]!).host }, agent },
        resolve,
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const body = Buffer.concat(chunks);
      let target = pick();
      for (let tried = 0; ; tried += 1) {
        try {
          const answer = await forward(request, body, target);
          const path = request.url ?? '';
          const kept = options.keepBodiesOf?.test(path) ? { body: body.toString('utf8') } : {};
          log.push({ method: request.method ?? '', path, target, status: answer.statusCode ?? 0, ...kept });
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          return;
        } catch (error) {
          const refused = (error as NodeJS.ErrnoException).code === 'ECONNREFUSED';
          if (!refused || tried + 1 >= targets.length) {
            response.writeHead(502, { 'Content-Type': 'text/plain' }).end('No instance answered.');
            return;
          }
          target = (target + 1) % targets.length;
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    sendNextTo(target) {
      forced = target;
    },
    async close() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
