/**
 * A local HTTP server on 127.0.0.1 that plays the Confluence gateway for client tests: it records every request and
 * answers with whatever the test's handler returns (documented v2 shapes, error statuses, slow or broken replies).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/gateway/ex/confluence/cloud-1/wiki/api/v2/spaces`. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface FakeResponse {
  status: number;
  /** Sent as JSON unless it is a string, which is sent as-is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (for timeout tests). */
  delayMs?: number;
  /** Drop the connection without answering (for network-error tests). */
  hangUp?: boolean;
}

export type FakeHandler = (request: RecordedRequest) => FakeResponse;

export interface FakeConfluenceServer {
  /** What a ConfluenceTarget's apiUrl should be: the server's origin plus a `/gateway` prefix. */
  apiUrl: string;
  /** `{apiUrl}/ex/confluence/{cloudId}/wiki/api/v2`, to compare recorded paths against. */
  v2Path(cloudId: string): string;
  requests: RecordedRequest[];
  handle(handler: FakeHandler): void;
  /** Stops listening; safe to call more than once (a test may close early to get a refused connection). */
  close(): Promise<void>;
}

const GATEWAY_PREFIX = '/gateway';

export async function startFakeConfluenceServer(): Promise<FakeConfluenceServer> {
  const requests: RecordedRequest[] = [];
  let handler: FakeHandler = () => ({ status: 500, body: { errors: [{ status: 500, code: 'NO_HANDLER', title: 'No handler' }] } });
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const raw = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body: raw === '' ? undefined : JSON.parse(raw),
      };
      requests.push(recorded);
      const reply = handler(recorded);
      const answer = (): void => {
        if (reply.hangUp) {
          req.socket.destroy();
          return;
        }
        const isText = typeof reply.body === 'string';
        const payload = reply.body === undefined ? '' : isText ? (reply.body as string) : JSON.stringify(reply.body);
        res.writeHead(reply.status, {
          'Content-Type': isText ? 'text/plain' : 'application/json',
          ...reply.headers,
        });
        res.end(payload);
      };
      if (reply.delayMs === undefined) {
        answer();
      } else {
        const timer = setTimeout(() => {
          timers.delete(timer);
          answer();
        }, reply.delayMs);
        timers.add(timer);
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const apiUrl = `http://127.0.0.1:${port}${GATEWAY_PREFIX}`;

  return {
    apiUrl,
    v2Path: (cloudId) => `${GATEWAY_PREFIX}/ex/confluence/${cloudId}/wiki/api/v2`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      if (!server.listening) return;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
