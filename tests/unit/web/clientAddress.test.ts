import { clientAddress, normaliseAddress, UNKNOWN_ADDRESS } from '../../../web/clientAddress.js';
import type { TrustProxy } from '../../../services/config/config.js';

const request = (socket: string | undefined, forwarded?: string | string[]) => ({
  headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  socket: { remoteAddress: socket },
});

const none: TrustProxy = { kind: 'none' };
const hops = (count: number): TrustProxy => ({ kind: 'hops', count });
const addresses = (...ranges: string[]): TrustProxy => ({ kind: 'addresses', ranges });

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless TRUST_PROXY says so', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), none)).toBe('203.0.113.9');
    expect(clientAddress(request('203.0.113.9', ['198.51.100.1', '198.51.100.2']), none)).toBe('203.0.113.9');
  });

  it('normalises IPv4-mapped IPv6 socket addresses, so one caller is one key', () => {
    expect(clientAddress(request('::ffff:127.0.0.1'), none)).toBe('127.0.0.1');
    expect(clientAddress(request('::FFFF:10.1.2.3'), none)).toBe('10.1.2.3');
    expect(clientAddress(request('2001:DB8::1'), none)).toBe('2001:db8::1');
    expect(clientAddress(request(undefined), none)).toBe(UNKNOWN_ADDRESS);
  });

  describe('with a hop count', () => {
    it('takes the Nth entry from the right, the socket being the last hop', () => {
      const req = request('10.0.0.1', '1.1.1.1, 2.2.2.2, 3.3.3.3');
      expect(clientAddress(req, hops(1))).toBe('3.3.3.3');
      expect(clientAddress(req, hops(2))).toBe('2.2.2.2');
      expect(clientAddress(req, hops(3))).toBe('1.1.1.1');
    });

    it('takes the leftmost entry when there are fewer than N, and the socket when there is no header', () => {
      expect(clientAddress(request('10.0.0.1', '2.2.2.2, 3.3.3.3'), hops(5))).toBe('2.2.2.2');
      expect(clientAddress(request('10.0.0.1'), hops(1))).toBe('10.0.0.1');
      expect(clientAddress(request('10.0.0.1', ''), hops(1))).toBe('10.0.0.1');
    });

    it('cannot be steered by entries a client adds on the left', () => {
      for (const spoof of ['9.9.9.9', '8.8.8.8, 7.7.7.7', 'anything']) {
        expect(clientAddress(request('10.0.0.1', `${spoof}, 3.3.3.3`), hops(1))).toBe('3.3.3.3');
      }
    });

    it('joins repeated headers and accepts ports and brackets as proxies write them', () => {
      expect(clientAddress(request('10.0.0.1', ['1.1.1.1', '2.2.2.2:5678']), hops(1))).toBe('2.2.2.2');
      expect(clientAddress(request('10.0.0.1', '[2001:db8::5]:443'), hops(1))).toBe('2001:db8::5');
      expect(clientAddress(request('10.0.0.1', '::ffff:4.4.4.4'), hops(1))).toBe('4.4.4.4');
    });

    it('stops at a garbage entry, keeping the last real address', () => {
      expect(clientAddress(request('10.0.0.1', 'unknown'), hops(1))).toBe('10.0.0.1');
      expect(clientAddress(request('10.0.0.1', '1.1.1.1, <script>, 3.3.3.3'), hops(3))).toBe('3.3.3.3');
      expect(clientAddress(request('10.0.0.1', '1.1.1.1, 999.1.1.1'), hops(1))).toBe('10.0.0.1');
    });
  });

  describe('with trusted proxy addresses', () => {
    it('walks from the socket leftwards while the address is a trusted proxy', () => {
      const trust = addresses('10.0.0.0/8', '192.0.2.7');
      expect(clientAddress(request('10.0.0.1', '198.51.100.4, 192.0.2.7, 10.9.9.9'), trust)).toBe('198.51.100.4');
      expect(clientAddress(request('10.0.0.1', '6.6.6.6, 198.51.100.4, 10.9.9.9'), trust)).toBe('198.51.100.4');
    });

    it('uses the socket address when the socket is not a trusted proxy, whatever the header says', () => {
      expect(clientAddress(request('203.0.113.9', '198.51.100.4'), addresses('10.0.0.0/8'))).toBe('203.0.113.9');
    });

    it('stops at the leftmost trusted proxy when every entry is trusted, and at garbage', () => {
      const trust = addresses('10.0.0.0/8');
      expect(clientAddress(request('10.0.0.1', '10.0.0.2'), trust)).toBe('10.0.0.2');
      expect(clientAddress(request('10.0.0.1', 'garbage, 10.0.0.2'), trust)).toBe('10.0.0.2');
      expect(clientAddress(request('10.0.0.1', 'garbage-1'), trust)).toBe(clientAddress(request('10.0.0.1', 'garbage-2'), trust));
    });

    it('matches mapped and IPv6 addresses against the ranges', () => {
      expect(clientAddress(request('::ffff:10.0.0.1', '198.51.100.4'), addresses('10.0.0.1'))).toBe('198.51.100.4');
      expect(clientAddress(request('fd00::1', '198.51.100.4'), addresses('fd00::/8'))).toBe('198.51.100.4');
      expect(clientAddress(request('10.0.0.1', '198.51.100.4'), addresses('::ffff:10.0.0.0/104'))).toBe('198.51.100.4');
    });
  });
});

describe('normaliseAddress', () => {
  it('refuses what is not an address', () => {
    for (const text of ['', 'unknown', '1.2.3', '1.2.3.4.5', '[::1', 'fe80::1%eth0x y', '1.2.3.4:', ':80']) {
      expect({ text, address: normaliseAddress(text) }).toEqual({ text, address: undefined });
    }
  });
});
