/**
 * Which `serviceUrl`s the bot may send to. The serviceUrl arrives inside the activity, so in Emulator mode (no
 * MicrosoftAppId, no signed token) anyone who reaches /api/messages chooses where the bot's replies go. There,
 * only this machine is trusted by default, plus the origins ALLOWED_SERVICE_URLS names (a tunnel, an Emulator
 * elsewhere). With MicrosoftAppId set, the channel's signed token vouches for the serviceUrl, so any is accepted.
 */
import { BlockList, isIP } from 'node:net';
import type { Config } from '../services/config/config.js';

/** Undefined when the bot may send to `serviceUrl`; otherwise the sentence saying why not and what to do. */
export type ServiceUrlPolicy = (serviceUrl: string) => string | undefined;

export class ServiceUrlRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'ServiceUrlRefusedError';
  }
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/**
 * Verdicts remembered per serviceUrl: every turn asks twice (at the edge and for its connector), with the same
 * few URLs, and parsing one costs more than the rest of the check. Bounded, since anyone may send any URL.
 */
const REMEMBERED_VERDICTS = 256;

export function serviceUrlPolicy(config: Pick<Config, 'microsoft' | 'allowedServiceUrls'>): ServiceUrlPolicy {
  if (config.microsoft) return () => undefined;
  const allowed = new Set(config.allowedServiceUrls);
  const check = verdictOf(allowed);
  const remembered = new Map<string, string | undefined>();
  return (serviceUrl) => {
    if (remembered.has(serviceUrl)) return remembered.get(serviceUrl);
    const verdict = check(serviceUrl);
    if (remembered.size >= REMEMBERED_VERDICTS) remembered.delete(remembered.keys().next().value!);
    remembered.set(serviceUrl, verdict);
    return verdict;
  };
}

function verdictOf(allowed: Set<string>): ServiceUrlPolicy {
  return (serviceUrl) => {
    let url: URL;
    try {
      url = new URL(serviceUrl);
    } catch {
      return 'serviceUrl is not a URL';
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'serviceUrl must be an http(s) URL';
    if (isLoopbackHost(url.hostname) || allowed.has(url.origin)) return undefined;
    return (
      `This bot runs without MicrosoftAppId (Emulator mode), so it replies only to serviceUrls on this machine ` +
      `(localhost, 127.0.0.0/8, ::1). To let it reply to ${url.origin}, add that origin to ALLOWED_SERVICE_URLS.`
    );
  };
}

/**
 * True for the literal name `localhost` and loopback IP literals. Other names are never resolved: what a name
 * resolves to can change between this check and the connection, and a name that resolves to 127.0.0.1 today may
 * point at an internal host tomorrow. The WHATWG URL parser has already turned spellings like `0x7f.1` or
 * `2130706433` into dotted IPv4, and wrapped IPv6 in brackets.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost') return true;
  const address = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  const family = isIP(address);
  if (family === 0) return false;
  return loopback.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
