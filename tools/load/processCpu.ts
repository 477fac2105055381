/**
 * CPU time of a process as Linux accounts it: utime + stime from /proc/<pid>/stat, in clock ticks. Measured from
 * outside, so a bot's figure is its own work (event loop, GC, libuv threads), never the load generator's.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

export interface ClockTicks {
  perSecond: number;
  /** True when `getconf CLK_TCK` could not be run and 100 (Linux's USER_HZ on every common build) was assumed. */
  assumed: boolean;
}

let ticks: ClockTicks | undefined;

export function clockTicks(): ClockTicks {
  if (ticks !== undefined) return ticks;
  try {
    const value = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    ticks = Number.isInteger(value) && value > 0 ? { perSecond: value, assumed: false } : { perSecond: 100, assumed: true };
  } catch {
    ticks = { perSecond: 100, assumed: true };
  }
  return ticks;
}

/** User + system CPU the process has used so far, in ms (resolution: one clock tick, 10 ms at 100 Hz). */
export async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The command name, in parentheses, may itself hold spaces or parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name, field 3 (state) is index 0, so utime (field 14) and stime (field 15) are indexes 11 and 12.
  const used = Number(fields[11]) + Number(fields[12]);
  return (used * 1000) / clockTicks().perSecond;
}

/** The CPU of a process that may already have exited: undefined instead of an error. */
export async function cpuMsIfRunning(pid: number | undefined): Promise<number | undefined> {
  if (pid === undefined) return undefined;
  return cpuMs(pid).catch(() => undefined);
}

/** Direct children of this process whose command line contains `text` (for a child a helper started, e.g. Azurite). */
export async function childPidsRunning(text: string): Promise<number[]> {
  const found: number[] = [];
  for (const thread of await readdir(`/proc/${process.pid}/task`)) {
    const children = await readFile(`/proc/${process.pid}/task/${thread}/children`, 'utf8').catch(() => '');
    for (const pid of children.split(' ').filter(Boolean).map(Number)) {
      const commandLine = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
      if (commandLine.includes(text)) found.push(pid);
    }
  }
  return found;
}

/**
 * Waits until none of the processes uses CPU for `quietMs` (work a turn left running in the background, in the bot
 * or in the storage it waits on, is then counted).
 */
export async function settle(pids: number[], quietMs = 150, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = async () => (await Promise.all(pids.map((pid) => cpuMs(pid)))).reduce((sum, used) => sum + used, 0);
  let before = await total();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = await total();
    if (now === before) return;
    before = now;
  }
}

/**
 * CPU time every process on the machine has used (ms, all cores together), from the first line of /proc/stat.
 * Minus what the measured processes used, it shows whether something else was competing during a run.
 */
export async function machineBusyMs(): Promise<number> {
  const first = (await readFile('/proc/stat', 'utf8')).split('\n', 1)[0]!;
  // cpu  user nice system idle iowait irq softirq steal …: busy is all but idle and iowait.
  const [user, nice, system, , , irq, softirq, steal] = first.trim().split(/\s+/).slice(1).map(Number);
  const busy = [user, nice, system, irq, softirq, steal].reduce<number>((sum, value) => sum + (value ?? 0), 0);
  return (busy * 1000) / clockTicks().perSecond;
}
