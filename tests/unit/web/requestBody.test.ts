/**
 * The request-body reader on a real restify server: per-route content types and caps, refusals that come before
 * the body is read (so the server's socket has read almost nothing of a 100 MB post), and bodies handed to the
 * route as restify's bodyParser handed them.
 */
import net, { type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import restify, { type Request, type Response, type Server } from 'restify';
import { bodyPolicyTable, type RouteBodyPolicy } from '../../../web/http/bodyPolicies.js';
import { readRequestBodies } from '../../../web/http/requestBody.js';
import { streamUntilAnswered } from '../../helpers/rawHttp.js';

const MB = 1024 * 1024;

const ROUTES: RouteBodyPolicy[] = [
  { method: 'POST', route: /^\/json$/, accepts: ['json'], maxBytes: 1024 },
  { method: 'POST', route: /^\/form$/, accepts: ['form', 'json'], maxBytes: 1024 },
  {
    method: 'POST',
    route: /^\/guarded$/,
    accepts: ['json'],
    maxBytes: 1024,
    precheck: (req) => (req.headers.authorization === 'Bearer ok' ? undefined : { status: 401, message: 'Who are you?' }),
  },
  {
    method: 'POST',
    route: /^\/shaped$/,
    accepts: ['json'],
    maxBytes: 10,
    refuse: (res, refusal) => res.json(refusal.status, { errors: [{ status: refusal.status, title: refusal.message }] }),
  },
];

describe('request bodies', () => {
  let server: Server;
  let port: number;
  const sockets: Socket[] = [];
  const seen: unknown[] = [];

  beforeAll(async () => {
    server = restify.createServer();
    server.use(readRequestBodies(bodyPolicyTable(ROUTES)));
    const echo = async (req: Request, res: Response): Promise<void> => {
      seen.push(req.body);
      res.json(200, { body: req.body === undefined ? '<none>' : req.body });
    };
    for (const path of ['/json', '/form', '/guarded', '/shaped', '/unlisted']) server.post(path, echo);
    server.get('/json', echo);
    server.server.on('connection', (socket: Socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function post(path: string, body: string | Buffer | undefined, headers: Record<string, string> = {}, method = 'POST') {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { method, headers, body });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Record<string, unknown> };
  }

  /** Streams until answered, then reports how many bytes the server's socket read in all, a moment later. */
  async function streamUntilAnsweredHere(head: string, chunk: Buffer, totalBytes: number) {
    const before = sockets.length;
    const result = await streamUntilAnswered(port, head, chunk, totalBytes);
    // If the server were still reading, bytesRead would keep growing meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 200));
    return { ...result, serverRead: sockets[before]?.bytesRead ?? -1 };
  }

  /** Declares a 100 MB JSON body for `path` and streams it, 64 KB at a time, until answered. */
  function streamDeclared100MB(path: string) {
    return streamUntilAnsweredHere(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${100 * MB}\r\n\r\n`, Buffer.alloc(64 * 1024, 'x'), 100 * MB);
  }

  it('hands a JSON body to the route, parsed', async () => {
    const response = await post('/json', JSON.stringify({ type: 'message', text: 'hi' }), { 'Content-Type': 'application/json; charset=utf-8' });
    expect(response).toMatchObject({ status: 200, json: { body: { type: 'message', text: 'hi' } } });
  });

  it('hands a urlencoded form over as strings, a repeated name as an array', async () => {
    const response = await post('/form', 'grant_type=authorization_code&code=a%20b&scope=x&scope=y', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(200);
    expect(response.json.body).toEqual({ grant_type: 'authorization_code', code: 'a b', scope: ['x', 'y'] });
  });

  it('leaves req.body undefined when there is no body', async () => {
    expect((await post('/json', undefined)).json).toEqual({ body: '<none>' });
  });

  it('answers 415, naming what is accepted, for another content type', async () => {
    const plain = await post('/json', 'hello', { 'Content-Type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.json.error).toMatch(/application\/json/);
    expect(plain.headers.get('accept-post')).toBe('application/json');
    expect((await post('/json', '{}', { 'Content-Type': 'application/json; charset=latin1' })).status).toBe(415);
    expect((await post('/json', '{}', {})).status).toBe(415);
    const form = new FormData();
    form.append('file', new Blob([Buffer.alloc(1000)]), 'a.bin');
    const multipart = await fetch(`http://127.0.0.1:${port}/form`, { method: 'POST', body: form });
    expect(multipart.status).toBe(415);
  });

  it('answers 400 for malformed JSON and for bytes that are not UTF-8', async () => {
    expect((await post('/json', '{"type": ', { 'Content-Type': 'application/json' })).status).toBe(400);
    expect((await post('/json', Buffer.from([0x7b, 0xff, 0x7d]), { 'Content-Type': 'application/json' })).status).toBe(400);
  });

  it('answers 413 for a body just over the cap, and accepts one at the cap', async () => {
    const atCap = JSON.stringify({ text: 'x'.repeat(1024 - 11) });
    expect(Buffer.byteLength(atCap)).toBe(1024);
    expect((await post('/json', atCap, { 'Content-Type': 'application/json' })).status).toBe(200);
    const over = await post('/json', JSON.stringify({ text: 'x'.repeat(1024) }), { 'Content-Type': 'application/json' });
    expect(over.status).toBe(413);
    expect(over.json.error).toMatch(/1 KB/);
  });

  it('gives a route nobody listed a small JSON default (16 KB)', async () => {
    expect((await post('/unlisted', JSON.stringify({ a: 'x'.repeat(10_000) }), { 'Content-Type': 'application/json' })).status).toBe(200);
    expect((await post('/unlisted', JSON.stringify({ a: 'x'.repeat(20_000) }), { 'Content-Type': 'application/json' })).status).toBe(413);
  });

  it('refuses a body on a GET', async () => {
    const response = await new Promise<number>((resolve) => {
      const client = net.connect(port, '127.0.0.1', () => client.write('GET /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}'));
      client.on('data', (data) => {
        resolve(Number(data.toString().slice(9, 12)));
        client.destroy();
      });
    });
    expect(response).toBe(413);
  });

  it('writes a refusal in the route’s own format when its policy says how', async () => {
    const response = await post('/shaped', JSON.stringify({ a: 'too long' }), { 'Content-Type': 'application/json' });
    expect(response).toMatchObject({ status: 413, json: { errors: [{ status: 413 }] } });
  });

  it('answers a declared 100 MB body 413 before reading it', async () => {
    const result = await streamDeclared100MB('/json');
    expect(result.status).toBe(413);
    expect(result.serverRead).toBeLessThan(1 * MB);
  });

  it('stops reading a chunked body as soon as it passes the cap', async () => {
    const piece = Buffer.alloc(512, 'x');
    const frame = Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]);
    const result = await streamUntilAnsweredHere(
      'POST /json HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      frame,
      100 * MB,
    );
    expect(result.status).toBe(413);
    expect(result.serverRead).toBeLessThan(1 * MB);
  });

  it('runs the precheck before reading: no token, 401 while the client is still sending', async () => {
    const result = await streamDeclared100MB('/guarded');
    expect(result.status).toBe(401);
    expect(result.answer).toMatch(/Who are you\?/);
    expect(result.sent).toBeLessThan(100 * MB);
    expect(result.serverRead).toBeLessThan(1 * MB);
    expect((await post('/guarded', '{"a":1}', { 'Content-Type': 'application/json', Authorization: 'Bearer ok' })).status).toBe(200);
  });

  it('never lets a form field named __proto__ reach an object prototype', async () => {
    const response = await post('/form', '__proto__=x&constructor=y', { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
