/**
 * One simulated person over HTTP, as the Emulator talks: asks for a page, signs in through the sandbox's consent page
 * like a browser, writes the body and confirms. Between a reply and their next action (a message, or pressing the
 * sign-in button) they pause for the think time (±25%, so conversations do not march in lockstep); the consent page
 * is accepted at once.
 *
 * Timed: each message turn from sending it to the arrival of the reply it waits for, and the sign-in from fetching
 * the OAuth callback (what the browser does after Accept) to the arrival of the resumed conversation's question.
 */
import { performance } from 'node:perf_hooks';
import { decideOnConsentPage, followRedirect } from '../replay/browserSignIn.js';
import { signInLinkOf, TimedChannel, textsOf } from './timedChannel.js';

/** The journey's message turns, in order. */
export const MESSAGE_TURNS = ['ask for a page', 'body', 'create'] as const;
export type MessageTurn = (typeof MESSAGE_TURNS)[number];

export interface JourneyResult {
  ok: boolean;
  error?: string;
  /** Message turns that finished: sent → the awaited reply arrived. */
  turnLatenciesMs: Partial<Record<MessageTurn, number>>;
  /** Callback fetched → the resumed reply arrived; undefined when the journey failed before it. */
  signInResumedMs?: number;
}

export interface JourneyOptions {
  /** Where /api/messages is: the bot, or the load balancer in front of several. */
  botUrl: string;
  title: string;
  body: string;
  thinkMs: number;
  /** Waits this long before the first message (conversations start spread over the first think interval). */
  startAfterMs: number;
}

const TURN_TIMEOUT_MS = 60_000;

export async function runJourney(options: JourneyOptions): Promise<JourneyResult> {
  const channel = new TimedChannel(options.botUrl);
  const turnLatenciesMs: Partial<Record<MessageTurn, number>> = {};
  let signInResumedMs: number | undefined;

  const turn = async (name: MessageTurn, text: string, expect: RegExp) => {
    const from = channel.received.length;
    const sent = performance.now();
    const posted = channel.post({ type: 'message', text });
    // An error status (or no answer) ends the journey at once instead of after the reply's timeout.
    const refused = posted.then((status) => {
      if (status >= 300) throw new Error(`/api/messages answered ${status} to "${text}"`);
      return new Promise<never>(() => undefined);
    });
    const reply = await Promise.race([
      channel.waitUntil(from, (arrived) => expect.test(textsOf(arrived)), TURN_TIMEOUT_MS, `${expect} after "${text}"`),
      refused,
    ]);
    // The person sees the reply now; /api/messages answers when the turn is over, and the next message waits for that
    // so two turns of one conversation never overlap.
    await posted;
    turnLatenciesMs[name] = reply.at - sent;
    return reply.activities;
  };
  const think = () => pause(options.thinkMs * (0.75 + Math.random() * 0.5));

  await channel.start();
  try {
    await pause(options.startAfterMs);
    const card = await turn('ask for a page', `create a page called ${options.title} in DEMO`, /Sign in to Confluence/);
    await think();
    const callbackUrl = await decideOnConsentPage(await followRedirect(signInLinkOf(card)), 'accept');
    const from = channel.received.length;
    const fetched = performance.now();
    const callback = await fetch(callbackUrl, { signal: AbortSignal.timeout(TURN_TIMEOUT_MS) });
    await callback.arrayBuffer();
    if (callback.status !== 200) throw new Error(`the OAuth callback answered ${callback.status}`);
    const resumed = await channel.waitUntil(from, (arrived) => /Markdown/.test(textsOf(arrived)), TURN_TIMEOUT_MS, 'resumed conversation after sign-in');
    signInResumedMs = resumed.at - fetched;
    await think();
    await turn('body', options.body, /Ready to create/);
    await think();
    await turn('create', 'Create', /Done!/);
    return { ok: true, turnLatenciesMs, signInResumedMs };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error), turnLatenciesMs, signInResumedMs };
  } finally {
    await channel.stop();
  }
}

function pause(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
