/**
 * One-off activities posted straight to the bot's /api/messages, as the Bot Framework Emulator would post them, for
 * tests that choose the serviceUrl themselves (EmulatorChannel runs its own receiver instead).
 */
import { randomUUID } from 'node:crypto';

/** A message from user-1 to bot-1 in a new conversation, with a fresh id; `overrides` replace whole fields. */
export function emulatorMessage(serviceUrl: string, text: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    channelId: 'emulator',
    serviceUrl,
    locale: 'en-US',
    text,
    from: { id: 'user-1', name: 'User', role: 'user' },
    recipient: { id: 'bot-1', name: 'Bot', role: 'bot' },
    conversation: { id: randomUUID() },
    ...overrides,
  };
}

/** POSTs `activity` as JSON to `${botUrl}/api/messages`. */
export function postActivity(botUrl: string, activity: Record<string, unknown>): Promise<Response> {
  return fetch(`${botUrl}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(activity),
  });
}
