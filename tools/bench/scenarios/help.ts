/**
 * The `help` scenario (and `memory`, which is measured under the same load): N Emulator users, each in a
 * conversation of their own with its own serviceUrl receiver, send `help` back to back: the next message once the
 * reply arrived and the POST was answered (plus the think time). The echo bot gets the same text.
 *
 * Per contender and round: CPU per turn of the bot process (utime + stime from /proc, read after it has gone quiet
 * before and after the batch), throughput over the measured window, latency sent → reply arrived; peak RSS (VmHWM)
 * once the rounds are over, i.e. under this load.
 */
import { performance } from 'node:perf_hooks';
import { cpuMs, settle } from '../../load/processCpu.js';
import { percentile } from '../../load/percentiles.js';
import { TimedChannel, textsOf } from '../../load/timedChannel.js';
import { delay, inRoundOrder, memoryMiB, startContender, type Contender, type Running } from '../contenders.js';

export interface HelpRound {
  cpuMsPerTurn: number;
  turnsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
}

export interface HelpFigures {
  rounds: HelpRound[];
  peakRssMiB: number;
}

export interface HelpSettings {
  users: number;
  turns: number;
  warmup: number;
  rounds: number;
  thinkMs: number;
}

const TURN_TIMEOUT_MS = 30_000;
/** What each answers to `help`: ours lists examples, the echo bot repeats. */
const EXPECTED: Record<Contender['kind'], RegExp> = { bot: /For example/, echo: /Echo: help/ };

interface Side {
  running: Running;
  users: TimedChannel[];
}

export async function runHelp(contenders: Contender[], settings: HelpSettings, log: (line: string) => void): Promise<Record<string, HelpFigures>> {
  const sides: Side[] = [];
  try {
    for (const contender of contenders) {
      const running = await startContender(contender);
      const users = Array.from({ length: settings.users }, () => new TimedChannel(running.url));
      await Promise.all(users.map((user) => user.start()));
      sides.push({ running, users });
    }
    // A bot that just started compiles code as it first runs it; the warm-up makes the figures those of a warm one.
    for (const side of inRoundOrder(sides, 0)) await batch(side, settings.warmup, settings.thinkMs);
    const figures: Record<string, HelpFigures> = {};
    for (const side of sides) figures[side.running.contender.name] = { rounds: [], peakRssMiB: 0 };
    for (let round = 0; round < settings.rounds; round += 1) {
      const line: string[] = [];
      for (const side of inRoundOrder(sides, round)) {
        const measured = await measure(side, settings);
        figures[side.running.contender.name]!.rounds.push(measured);
        line.push(`${side.running.contender.name} ${measured.cpuMsPerTurn.toFixed(2)} ms CPU/turn, ${Math.round(measured.turnsPerSecond)} turns/s, p50 ${measured.p50Ms.toFixed(1)} ms`);
      }
      log(`  help round ${round + 1}: ${line.join('; ')}`);
    }
    for (const side of sides) figures[side.running.contender.name]!.peakRssMiB = (await memoryMiB(side.running.pid)).peak;
    return figures;
  } finally {
    for (const side of sides) {
      await Promise.all(side.users.map((user) => user.stop()));
      await side.running.stop();
    }
  }
}

async function measure(side: Side, settings: HelpSettings): Promise<HelpRound> {
  const pid = side.running.pid;
  await settle([pid]);
  const before = await cpuMs(pid);
  const started = performance.now();
  const latencies = await batch(side, settings.turns, settings.thinkMs);
  const seconds = (performance.now() - started) / 1000;
  await settle([pid]);
  const turns = latencies.length;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    cpuMsPerTurn: ((await cpuMs(pid)) - before) / turns,
    turnsPerSecond: turns / seconds,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
  };
}

/** Every user sends `help` `turns` times, one after another; all users at once. Returns every turn's latency. */
async function batch(side: Side, turns: number, thinkMs: number): Promise<number[]> {
  const expect = EXPECTED[side.running.contender.kind];
  const perUser = await Promise.all(
    side.users.map(async (user) => {
      const latencies: number[] = [];
      for (let turn = 0; turn < turns; turn += 1) {
        latencies.push(await sayAndWait(user, 'help', expect));
        if (thinkMs > 0) await delay(thinkMs * (0.75 + Math.random() * 0.5));
      }
      return latencies;
    }),
  );
  return perUser.flat();
}

/** Sends `text`; resolves with sent → the awaited reply arrived, once the POST was answered too. */
export async function sayAndWait(channel: TimedChannel, text: string, expect: RegExp, timeoutMs = TURN_TIMEOUT_MS): Promise<number> {
  const from = channel.received.length;
  const sent = performance.now();
  const posted = channel.post({ type: 'message', text });
  const reply = channel.waitUntil(from, (arrived) => expect.test(textsOf(arrived)), timeoutMs, `${expect} after "${text}"`);
  const [status, arrival] = await Promise.all([posted, reply]);
  if (status >= 300) throw new Error(`/api/messages answered ${status} to "${text}"`);
  return arrival.at - sent;
}
