/**
 * The replay tool's Emulator channel (tools/replay/channel.ts) with the moment each reply arrived. Its `waitFor`
 * looks every 20 ms, which is a tenth of the latencies being judged; here every arrival is timed as the channel's
 * receiver stores it, and a waiter is woken by the arrival itself.
 */
import { performance } from 'node:perf_hooks';
import { ChannelActivity, ReplayChannel } from '../replay/channel.js';

export interface Arrival {
  /** Everything that arrived since `from`. */
  activities: ChannelActivity[];
  /** performance.now() when the activity that satisfied the wait arrived. */
  at: number;
}

export class TimedChannel extends ReplayChannel {
  /** `arrivedAt[i]` is when `received[i]` arrived (performance.now()). Declared before `received`, which fills it. */
  private readonly arrivedAt: number[] = [];
  private readonly wakers = new Set<() => void>();
  // The receiver only ever pushes onto this array: the proxy notes the time of each new element and wakes waiters.
  override readonly received: ChannelActivity[] = new Proxy<ChannelActivity[]>([], {
    set: (array, property, value: unknown) => {
      const stored = Reflect.set(array, property, value);
      if (typeof property === 'string' && /^\d+$/.test(property)) {
        this.arrivedAt[Number(property)] = performance.now();
        for (const wake of [...this.wakers]) wake();
      }
      return stored;
    },
  });

  /**
   * Resolves once `enough` holds for what arrived since `from`, with the time of the arrival that made it hold;
   * rejects after `timeoutMs`, naming `what` was awaited and showing what did arrive.
   */
  waitUntil(from: number, enough: (arrived: ChannelActivity[]) => boolean, timeoutMs: number, what: string): Promise<Arrival> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const activities = this.received.slice(from);
        if (!enough(activities)) return false;
        resolve({ activities, at: this.arrivedAt[this.received.length - 1] ?? performance.now() });
        return true;
      };
      if (check()) return;
      const timer = setTimeout(() => {
        this.wakers.delete(wake);
        reject(new Error(`no ${what} within ${timeoutMs} ms; got: ${textsOf(this.received.slice(from)).slice(0, 300)}`));
      }, timeoutMs);
      const wake = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.wakers.delete(wake);
      };
      this.wakers.add(wake);
    });
  }
}

/** The texts and cards of activities as one string, for matching a reply and for error messages. */
export function textsOf(activities: ChannelActivity[]): string {
  return JSON.stringify(activities.map((activity) => [activity.text, activity.attachments]));
}

/** The sign-in link (our /oauth/start) in a sign-in card. */
export function signInLinkOf(activities: ChannelActivity[]): string {
  const match = /"(http[^"]+\/oauth\/start\?id=[^"]+)"/.exec(JSON.stringify(activities));
  if (!match) throw new Error('no sign-in link in the reply');
  return match[1]!;
}
