/**
 * The `pages` scenario (issue 12's find and read): F people at once, each in a conversation of their own, sign in
 * once in user mode through the consent page (not measured), then C times per round say `find kept for the record`
 * (a card of 5 of the sandbox's thousands of generated pages and the "more" prompt), `more` (the next 5, through the
 * search's cursor) and `open 1` (the page card: title, author, start of the text, newest comments), each once the
 * previous reply arrived. CPU per pages turn = the bot process's CPU over the batch / (3 × C × F); in the same
 * process, F other users then send `help` 10 times each, as in create, and the pages turn is compared with that help
 * turn. The sandbox runs apart (sandboxed.ts) and its CPU per turn is reported on its own.
 *
 * A bot contender that answers "I did not catch that" to `find …` (a checkout from before issue 12) does not support
 * the scenario: it is reported as such and left out of the rounds, and the suite goes on.
 */
import { performance } from 'node:perf_hooks';
import { decideOnConsentPage, followRedirect } from '../../replay/browserSignIn.js';
import { cpuMs, settle } from '../../load/processCpu.js';
import { signInLinkOf, TimedChannel, textsOf } from '../../load/timedChannel.js';
import { delay, inRoundOrder, type Running } from '../contenders.js';
import type { Sandboxed } from '../sandboxed.js';
import { helpBatch } from './create.js';
import { sayAndWait } from './help.js';

/** The body of every generated page in the sandbox's DOCS and BIG spaces (sandbox/seed.ts): thousands of results. */
export const SEARCH_SENTENCE = 'find kept for the record';
export const TURNS_PER_CYCLE = 3;
const SIGN_IN_TIMEOUT_MS = 30_000;

/** The prompt after the first card, after "more", and after the page card (whose text the generated body starts). */
const FIRST_FIVE = /Say \*\*open 1\*\* \(or another number up to 5\)/;
const NEXT_FIVE = /Say \*\*open 6\*\* \(or another number up to 10\)/;
const PAGE_SHOWN = /Kept for the record[\s\S]*Say \*\*comment\*\*/;
const SIGN_IN_CARD = /Sign in to Confluence/;
/** What a bot that does not know the sentence answers (dialogs/messages.ts). */
const NOT_CAUGHT = /I did not catch that/;

export interface PagesRound {
  pagesCpuMsPerTurn: number;
  helpCpuMsPerTurn: number;
  /** The sandbox's CPU per pages turn: what the embedded sandbox would have added to the bot's. */
  sandboxCpuMsPerTurn: number;
  seconds: number;
}

export interface PagesFigures {
  /** Per bot contender that supports the scenario. */
  rounds: Record<string, PagesRound[]>;
  /** Bot contenders that answered "I did not catch that" to `find …`. */
  unsupported: string[];
}

export interface PagesSettings {
  flows: number;
  cycles: number;
  rounds: number;
  thinkMs: number;
}

interface Side {
  bot: Running;
  people: TimedChannel[];
  helpUsers: TimedChannel[];
}

export async function runPages(sandboxed: Sandboxed, settings: PagesSettings, log: (line: string) => void): Promise<PagesFigures> {
  const channels: TimedChannel[] = [];
  const opened = async (bot: Running) => {
    const channel = new TimedChannel(bot.url);
    await channel.start();
    channels.push(channel);
    return channel;
  };
  try {
    const sides: Side[] = [];
    const unsupported: string[] = [];
    for (const bot of sandboxed.bots) {
      const people = await Promise.all(Array.from({ length: settings.flows }, () => opened(bot)));
      const signedIn = await Promise.all(people.map((person) => signIn(person)));
      if (signedIn.includes('unsupported')) {
        unsupported.push(bot.contender.name);
        log(`  pages: ${bot.contender.name} answers "I did not catch that" to "${SEARCH_SENTENCE}": it does not support the scenario, not measured`);
        continue;
      }
      const helpUsers = await Promise.all(Array.from({ length: settings.flows }, () => opened(bot)));
      // Warm-up, not measured: each person goes through one cycle (the sign-in showed the first results already).
      await Promise.all(people.map((person) => cycle(person, 1, 0)));
      await helpBatch(helpUsers);
      sides.push({ bot, people, helpUsers });
    }
    const rounds: Record<string, PagesRound[]> = Object.fromEntries(sides.map((side) => [side.bot.contender.name, []]));
    for (let round = 0; round < settings.rounds && sides.length > 0; round += 1) {
      const line: string[] = [];
      for (const side of inRoundOrder(sides, round)) {
        const measured = await measure(side, sandboxed, settings);
        rounds[side.bot.contender.name]!.push(measured);
        line.push(
          `${side.bot.contender.name} ${measured.pagesCpuMsPerTurn.toFixed(2)} ms CPU/pages turn vs ${measured.helpCpuMsPerTurn.toFixed(2)} ms/help turn ` +
            `(${(measured.pagesCpuMsPerTurn / measured.helpCpuMsPerTurn).toFixed(2)}×), sandbox ${measured.sandboxCpuMsPerTurn.toFixed(2)} ms/turn, ` +
            `${settings.flows} people × ${settings.cycles} cycle(s) in ${measured.seconds.toFixed(1)} s`,
        );
      }
      log(`  pages round ${round + 1}: ${line.join('; ')}`);
    }
    return { rounds, unsupported };
  } finally {
    await Promise.all(channels.map((channel) => channel.stop()));
  }
}

async function measure(side: Side, sandboxed: Sandboxed, settings: PagesSettings): Promise<PagesRound> {
  const { bot } = side;
  const busy = [bot.pid, sandboxed.sandbox.pid];
  await settle(busy);
  const [botBefore, sandboxBefore] = [await cpuMs(bot.pid), await cpuMs(sandboxed.sandbox.pid)];
  const started = performance.now();
  await Promise.all(side.people.map((person) => cycle(person, settings.cycles, settings.thinkMs)));
  const seconds = (performance.now() - started) / 1000;
  await settle(busy);
  const turns = side.people.length * settings.cycles * TURNS_PER_CYCLE;
  const pagesCpuMsPerTurn = ((await cpuMs(bot.pid)) - botBefore) / turns;
  const sandboxCpuMsPerTurn = ((await cpuMs(sandboxed.sandbox.pid)) - sandboxBefore) / turns;

  await settle([bot.pid]);
  const helpBefore = await cpuMs(bot.pid);
  const helpTurns = await helpBatch(side.helpUsers);
  await settle([bot.pid]);
  const helpCpuMsPerTurn = ((await cpuMs(bot.pid)) - helpBefore) / helpTurns;
  return { pagesCpuMsPerTurn, helpCpuMsPerTurn, sandboxCpuMsPerTurn, seconds };
}

/**
 * The first search, which asks the person to sign in: the consent page accepted as a browser would, then the
 * results the bot resumes with. 'unsupported' when the bot does not know the sentence.
 */
async function signIn(person: TimedChannel): Promise<'signed-in' | 'unsupported'> {
  const from = person.received.length;
  const posted = person.post({ type: 'message', text: SEARCH_SENTENCE });
  const asked = await person.waitUntil(
    from,
    (arrived) => SIGN_IN_CARD.test(textsOf(arrived)) || NOT_CAUGHT.test(textsOf(arrived)),
    SIGN_IN_TIMEOUT_MS,
    `the sign-in card after "${SEARCH_SENTENCE}"`,
  );
  if ((await posted) >= 300) throw new Error(`/api/messages refused "${SEARCH_SENTENCE}"`);
  if (!SIGN_IN_CARD.test(textsOf(asked.activities))) return 'unsupported';
  const callback = await fetch(await decideOnConsentPage(await followRedirect(signInLinkOf(asked.activities)), 'accept'));
  await callback.arrayBuffer();
  if (callback.status !== 200) throw new Error(`the OAuth callback answered ${callback.status}`);
  await person.waitUntil(from, (arrived) => FIRST_FIVE.test(textsOf(arrived)), SIGN_IN_TIMEOUT_MS, 'the first results after signing in');
  return 'signed-in';
}

/** `cycles` times: find, more, open 1, each once the previous reply arrived (plus the think time, ±25%). */
async function cycle(person: TimedChannel, cycles: number, thinkMs: number): Promise<void> {
  const think = () => (thinkMs > 0 ? delay(thinkMs * (0.75 + Math.random() * 0.5)) : Promise.resolve());
  for (let index = 0; index < cycles; index += 1) {
    await sayAndWait(person, SEARCH_SENTENCE, FIRST_FIVE);
    await think();
    await sayAndWait(person, 'more', NEXT_FIVE);
    await think();
    await sayAndWait(person, 'open 1', PAGE_SHOWN);
    await think();
  }
}
