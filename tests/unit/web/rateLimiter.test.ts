import { RateLimiter } from '../../../web/rateLimiter.js';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
  it('allows a burst, then refuses until tokens come back at perMinute', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 6, burst: 3, now: time.now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, true, false]);
    expect(limiter.limited('a')).toBe(true);
    time.advance(9_999);
    expect(limiter.take('a')).toBe(false);
    time.advance(1);
    expect(limiter.limited('a')).toBe(false);
    expect(limiter.take('a')).toBe(true);
    expect(limiter.take('a')).toBe(false);
  });

  it('keeps keys apart, and limited() spends nothing', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 2, now: time.now });
    for (let i = 0; i < 10; i++) expect(limiter.limited('b')).toBe(false);
    expect([limiter.take('b'), limiter.take('b'), limiter.take('b')]).toEqual([true, true, false]);
    expect(limiter.limited('b')).toBe(true);
    expect(limiter.limited('c')).toBe(false);
    expect(limiter.take('c')).toBe(true);
  });

  it('defaults the burst to perMinute and never saves up beyond it', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 5, now: time.now });
    limiter.take('a');
    time.advance(10 * 60_000);
    const allowed = Array.from({ length: 7 }, () => limiter.take('a')).filter(Boolean).length;
    expect(allowed).toBe(5);
  });

  it('remembers at most maxKeys, dropping the least recently charged', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 1, maxKeys: 3, now: time.now });
    for (const key of ['a', 'b', 'c']) limiter.take(key);
    limiter.take('a'); // refused, but 'a' stays the oldest charged
    expect(limiter.size).toBe(3);
    limiter.take('d');
    expect(limiter.size).toBe(3);
    expect(limiter.limited('a')).toBe(false); // forgotten: it starts afresh
    expect(limiter.limited('b')).toBe(true);
    expect(limiter.limited('d')).toBe(true);
  });

  it('forgets idle keys once their bucket is full again, so memory follows the active callers', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 2, now: time.now });
    for (let i = 0; i < 1000; i++) limiter.take(`caller-${i}`);
    expect(limiter.size).toBe(1000);
    time.advance(1_000);
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });

  it('refuses settings that would make no sense', () => {
    expect(() => new RateLimiter({ perMinute: 0 })).toThrow(/perMinute/);
    expect(() => new RateLimiter({ perMinute: 5, burst: 0 })).toThrow(/burst/);
    expect(() => new RateLimiter({ perMinute: 5, maxKeys: 0 })).toThrow(/maxKeys/);
  });
});
