/**
 * Reads request bodies in place of restify's bodyParser, which buffers bodies of any size and writes multipart
 * uploads to the temp folder. Each route's policy (./bodyPolicies.ts) names the content types it takes and a size
 * cap. The cap is enforced while the body streams in: a declared Content-Length over it is refused before a byte
 * is read, a chunked body as soon as it passes it. Nothing is written to disk; multipart is refused like any other
 * type a route does not take. A policy's precheck (e.g. "is there a bearer token at all") runs before reading.
 *
 * What handlers see is what bodyParser({ mapParams: false }) gave them: `req.body` is the parsed JSON, or for a
 * form an object of strings (a repeated name gives an array), or undefined when there was no body.
 */
import type { IncomingMessage } from 'node:http';
import type { Request, RequestHandler, Response } from 'restify';

export type BodyKind = 'json' | 'form';

export interface Refusal {
  status: 400 | 401 | 413 | 415;
  /** One sentence saying what was wrong and what to send instead. */
  message: string;
}

export interface BodyPolicy {
  /** The content types the route takes; none means the route takes no body at all. */
  accepts: readonly BodyKind[];
  /** The most bytes of body the route reads. */
  maxBytes: number;
  /** Runs before any byte of the body is read; a refusal is answered at once. */
  precheck?: (req: Request) => Refusal | undefined;
  /** Writes a refusal in the route's own error format; the default is `{"error": message}`. */
  refuse?: (res: Response, refusal: Refusal) => void;
}

const MEDIA_TYPES: Record<BodyKind, string> = {
  json: 'application/json',
  form: 'application/x-www-form-urlencoded',
};

/**
 * After refusing a body the client is still sending, the connection stays open, unread, this long after the
 * answer went out, then is cut. Not reading makes the client's sends stall instead of costing us anything; not
 * cutting at once gives it time to read the answer (a reset can make its TCP stack drop what it has not read).
 */
const LINGER_MS = 2000;

export function readRequestBodies(policyFor: (req: Request) => BodyPolicy): RequestHandler {
  return function readRequestBody(req: Request, res: Response, next: (stop?: false) => void): void {
    const policy = policyFor(req);
    const refuse = (refusal: Refusal, bodyLeft: boolean): void => {
      sendRefusal(req, res, policy, refusal, bodyLeft);
      next(false);
    };
    const declared = declaredLength(req);
    if (declared === 'invalid') return refuse({ status: 400, message: 'The Content-Length header is not a number of bytes.' }, true);
    const hasBody = declared === 'chunked' || declared > 0;

    const early = policy.precheck?.(req);
    if (early !== undefined) return refuse(early, hasBody);
    if (!hasBody) {
      req.body = undefined;
      return next();
    }
    if (policy.accepts.length === 0) return refuse({ status: 413, message: 'This request takes no body; send it without one.' }, true);
    const kind = kindOf(req.headers['content-type'], policy.accepts);
    if (kind === undefined) {
      const accepted = policy.accepts.map((accepted) => MEDIA_TYPES[accepted]).join(' or ');
      res.header('Accept-Post', policy.accepts.map((accepted) => MEDIA_TYPES[accepted]).join(', '));
      return refuse({ status: 415, message: `This endpoint takes ${accepted} (UTF-8), not ${describeType(req.headers['content-type'])}.` }, true);
    }
    const tooLarge: Refusal = { status: 413, message: `The body is larger than this endpoint takes (${formatBytes(policy.maxBytes)}).` };
    if (declared !== 'chunked' && declared > policy.maxBytes) return refuse(tooLarge, true);

    collect(req, policy.maxBytes).then(
      (outcome) => {
        if (outcome === 'too-large') return refuse(tooLarge, true);
        if (outcome === 'aborted') return; // the client went away; there is no one to answer
        const parsed = parse(outcome, kind);
        if ('refusal' in parsed) return refuse(parsed.refusal, false);
        req.body = parsed.value;
        next();
      },
      () => undefined,
    );
  };
}

function declaredLength(req: IncomingMessage): number | 'chunked' | 'invalid' {
  // Node's parser already refuses a request carrying both, or a malformed Transfer-Encoding.
  if (req.headers['transfer-encoding'] !== undefined) return 'chunked';
  const header = req.headers['content-length'];
  if (header === undefined) return 0;
  return /^\d{1,15}$/.test(header) ? Number(header) : 'invalid';
}

/** The kind of body the Content-Type names, if the route takes it; a charset other than UTF-8 is refused. */
function kindOf(contentType: string | undefined, accepts: readonly BodyKind[]): BodyKind | undefined {
  if (contentType === undefined) return undefined;
  const [type = '', ...parameters] = contentType.toLowerCase().split(';').map((part) => part.trim());
  const charset = parameters.find((parameter) => parameter.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8' && charset !== 'us-ascii') return undefined;
  if (accepts.includes('json') && (type === MEDIA_TYPES.json || /^application\/[a-z0-9.+-]+\+json$/.test(type))) return 'json';
  if (accepts.includes('form') && type === MEDIA_TYPES.form) return 'form';
  return undefined;
}

function describeType(contentType: string | undefined): string {
  if (contentType === undefined) return 'a body without a Content-Type';
  return JSON.stringify(contentType.split(';')[0]!.trim().slice(0, 100));
}

/** Buffers the body, counting bytes as they arrive; stops reading as soon as the cap is passed. */
function collect(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: Buffer | 'too-large' | 'aborted'): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > maxBytes) {
        chunks.length = 0;
        req.pause();
        finish('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish(Buffer.concat(chunks, received));
    const onAbort = (): void => finish('aborted');
    const onClose = (): void => {
      if (!req.complete) finish('aborted');
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function parse(body: Buffer, kind: BodyKind): { value: unknown } | { refusal: Refusal } {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return { refusal: { status: 400, message: 'The body is not valid UTF-8.' } };
  }
  if (kind === 'form') return { value: formFields(text) };
  if (text.trim() === '') return { value: undefined };
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { refusal: { status: 400, message: 'The body is not valid JSON.' } };
  }
}

/** A urlencoded form as an object without a prototype: a single value per name is a string, repeats an array. */
function formFields(text: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(text)) {
    const existing = fields[name];
    if (existing === undefined) fields[name] = value;
    else fields[name] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return fields;
}

function sendRefusal(req: IncomingMessage, res: Response, policy: BodyPolicy, refusal: Refusal, bodyLeft: boolean): void {
  if (bodyLeft) {
    // The unread rest of the body means this connection cannot carry another request. No "Connection: close",
    // though: with it Node's server resets the connection the moment the answer is written, often before the
    // client, still sending, has read it.
    stopReading(req);
    res.once('finish', () => {
      const timer = setTimeout(() => req.socket.destroy(), LINGER_MS);
      timer.unref();
      req.socket.once('close', () => clearTimeout(timer));
    });
  }
  if (policy.refuse) policy.refuse(res, refusal);
  else res.json(refusal.status, { error: refusal.message });
}

/**
 * Leaves the rest of the body unread. Node's HTTP server drains (reads and drops) a body nobody asked for once the
 * answer is sent. Taking what is buffered and asking for more counts as asking; nobody takes the rest, so its
 * parser stops reading the socket as soon as the paused stream's small buffer (16 KB) is full again.
 */
function stopReading(req: IncomingMessage): void {
  req.pause();
  req.read();
  req.read(0);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}
