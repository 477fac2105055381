/**
 * The `create` scenario: F people at once, each in a new conversation, go through the whole create flow in user
 * mode (journey.ts): ask → sign-in card → consent page → resumed → body → confirm → Done!. A flow is 4 turns, the
 * 4 things the person does: ask, sign in (the link opened and the callback it ends in), send the body, press Create.
 * CPU per turn = the bot process's CPU over the batch of flows (everything it served: /api/messages, /oauth/start,
 * /oauth/callback, the resumed turn; read once it has gone quiet) / (4 × F). The sandbox runs apart (sandboxed.ts).
 *
 * In the same process, at the same concurrency, F other users then send `help` H times each: the create turn is
 * compared with that help turn (the target: at most 2×).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { runJourney } from '../../load/journey.js';
import { cpuMs, settle } from '../../load/processCpu.js';
import { TimedChannel } from '../../load/timedChannel.js';
import { inRoundOrder, type Running } from '../contenders.js';
import type { Sandboxed } from '../sandboxed.js';
import { sayAndWait } from './help.js';

export const TURNS_PER_FLOW = 4;
const HELP_TURNS_PER_USER = 10;
const WARMUP_FLOWS = 2;

export interface CreateRound {
  createCpuMsPerTurn: number;
  helpCpuMsPerTurn: number;
  /** The sandbox's CPU per create turn: what the embedded sandbox would have added to the bot's. */
  sandboxCpuMsPerTurn: number;
  flowSeconds: number;
}

export async function runCreate(
  sandboxed: Sandboxed,
  settings: { flows: number; rounds: number; thinkMs: number },
  log: (line: string) => void,
): Promise<Record<string, CreateRound[]>> {
  const helpUsers = new Map<Running, TimedChannel[]>();
  try {
    for (const bot of sandboxed.bots) {
      const users = Array.from({ length: settings.flows }, () => new TimedChannel(bot.url));
      await Promise.all(users.map((user) => user.start()));
      helpUsers.set(bot, users);
      for (let flow = 0; flow < WARMUP_FLOWS; flow += 1) await flows(bot, 1, 0, `warm-up ${flow}`);
      await helpBatch(users);
    }
    const figures: Record<string, CreateRound[]> = Object.fromEntries(sandboxed.bots.map((bot) => [bot.contender.name, []]));
    for (let round = 0; round < settings.rounds; round += 1) {
      const line: string[] = [];
      for (const bot of inRoundOrder(sandboxed.bots, round)) {
        const busy = [bot.pid, sandboxed.sandbox.pid];
        await settle(busy);
        const [botBefore, sandboxBefore] = [await cpuMs(bot.pid), await cpuMs(sandboxed.sandbox.pid)];
        const started = performance.now();
        await flows(bot, settings.flows, settings.thinkMs, `round ${round + 1}`);
        const flowSeconds = (performance.now() - started) / 1000;
        await settle(busy);
        const createTurns = settings.flows * TURNS_PER_FLOW;
        const createCpuMsPerTurn = ((await cpuMs(bot.pid)) - botBefore) / createTurns;
        const sandboxCpuMsPerTurn = ((await cpuMs(sandboxed.sandbox.pid)) - sandboxBefore) / createTurns;

        await settle([bot.pid]);
        const helpBefore = await cpuMs(bot.pid);
        const helpTurns = await helpBatch(helpUsers.get(bot)!);
        await settle([bot.pid]);
        const helpCpuMsPerTurn = ((await cpuMs(bot.pid)) - helpBefore) / helpTurns;
        figures[bot.contender.name]!.push({ createCpuMsPerTurn, helpCpuMsPerTurn, sandboxCpuMsPerTurn, flowSeconds });
        line.push(
          `${bot.contender.name} ${createCpuMsPerTurn.toFixed(2)} ms CPU/create turn vs ${helpCpuMsPerTurn.toFixed(2)} ms/help turn ` +
            `(${(createCpuMsPerTurn / helpCpuMsPerTurn).toFixed(2)}×), sandbox ${sandboxCpuMsPerTurn.toFixed(2)} ms/turn, ${settings.flows} flow(s) in ${flowSeconds.toFixed(1)} s`,
        );
      }
      log(`  create round ${round + 1}: ${line.join('; ')}`);
    }
    return figures;
  } finally {
    for (const users of helpUsers.values()) await Promise.all(users.map((user) => user.stop()));
  }
}

/** `count` people through the whole flow at once; throws with the first failure. */
async function flows(bot: Running, count: number, thinkMs: number, label: string): Promise<void> {
  const tag = randomBytes(3).toString('hex');
  const results = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      runJourney({ botUrl: bot.url, title: `Bench ${label} ${tag} ${index + 1}`, body: 'Measured by npm run bench.', thinkMs, startAfterMs: 0 }),
    ),
  );
  const failed = results.find((result) => !result.ok);
  if (failed) throw new Error(`a create flow against ${bot.contender.name} failed: ${failed.error}`);
}

/**
 * Every user sends `help` HELP_TURNS_PER_USER times, all users at once; returns the number of turns. The pages
 * scenario compares its turns with the same batch.
 */
export async function helpBatch(users: TimedChannel[]): Promise<number> {
  await Promise.all(
    users.map(async (user) => {
      for (let turn = 0; turn < HELP_TURNS_PER_USER; turn += 1) await sayAndWait(user, 'help', /For example/);
    }),
  );
  return users.length * HELP_TURNS_PER_USER;
}
