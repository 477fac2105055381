/**
 * Who is calling: the address a per-client limit is keyed by. X-Forwarded-For is read only as far as TRUST_PROXY
 * vouches for it, because anyone can send that header; an untrusted value would let one caller pose as many.
 */
import { BlockList, isIP } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';
import type { TrustProxy } from '../services/config/config.js';

/** The parts of a request this reads; a restify or plain Node request fits. */
export interface AddressedRequest {
  headers: IncomingHttpHeaders;
  socket: { remoteAddress?: string | undefined };
}

/** Used when the socket has no address (already closed): all such callers share one budget. */
export const UNKNOWN_ADDRESS = 'unknown';

export function clientAddress(req: AddressedRequest, trust: TrustProxy): string {
  const socket = normaliseAddress(req.socket.remoteAddress ?? '');
  if (socket === undefined) return UNKNOWN_ADDRESS;
  if (trust.kind === 'none') return socket;

  // Right to left: the socket's address, then what each proxy appended, nearest proxy first.
  const hops = [socket, ...forwardedFor(req.headers).reverse()];
  const trusted = trust.kind === 'hops' ? (index: number) => index < trust.count : (_: number, address: string) => isTrustedProxy(address, trust.ranges);

  let client = socket;
  for (let index = 0; index < hops.length - 1 && trusted(index, client); index++) {
    const next = normaliseAddress(hops[index + 1]!);
    // A malformed entry was written by whoever sits left of the last trusted hop; stopping at that hop keeps the
    // key stable, where taking the raw text would give the sender a fresh budget with every new string.
    if (next === undefined) break;
    client = next;
  }
  return client;
}

function forwardedFor(headers: IncomingHttpHeaders): string[] {
  const raw = headers['x-forwarded-for'];
  const text = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  return text === '' ? [] : text.split(',').map((entry) => entry.trim());
}

/**
 * The canonical text of an address, or undefined when it is not one. Accepts the forms proxies write: a port after
 * an IPv4 address (Azure App Service does), a bracketed IPv6 address with or without a port, and IPv4-mapped IPv6.
 */
export function normaliseAddress(entry: string): string | undefined {
  let text = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  const family = isIP(text);
  if (family === 4) return text;
  if (family !== 6) return undefined;
  const lower = text.toLowerCase();
  const mapped = /^(?:0{0,4}:){0,5}:?ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
  return lower;
}

const proxyLists = new WeakMap<string[], BlockList>();

function isTrustedProxy(address: string, ranges: string[]): boolean {
  let list = proxyLists.get(ranges);
  if (list === undefined) {
    list = toBlockList(ranges);
    proxyLists.set(ranges, list);
  }
  return list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
}

function toBlockList(ranges: string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address, prefix] = range.split('/');
    const normal = normaliseAddress(address ?? '');
    if (normal === undefined) continue; // config.ts has already refused anything else
    const type = isIP(normal) === 4 ? 'ipv4' : 'ipv6';
    // An IPv4-mapped range (::ffff:10.0.0.0/104) is kept as the IPv4 range it means, as addresses are normalised.
    const bits = prefix === undefined ? undefined : Number(prefix) - (type === 'ipv4' && isIP(address ?? '') === 6 ? 96 : 0);
    if (bits === undefined) list.addAddress(normal, type);
    else if (bits >= 0) list.addSubnet(normal, bits, type);
  }
  return list;
}
