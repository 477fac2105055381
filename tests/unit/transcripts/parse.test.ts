import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { botIdOf, parseTranscript, sideOf, toTurns, TranscriptFormatError } from '../../../tools/replay/transcript.js';
import { messages } from '../../../dialogs/messages.js';

const fixtures = path.resolve('tests/fixtures/emulator-transcripts');
const fixture = async (name: string) => parseTranscript(await readFile(path.join(fixtures, name), 'utf8'));

describe('parseTranscript', () => {
  it('accepts a flat array and an object with a transcript field, and skips entries without a type', () => {
    const activities = [{ type: 'message', text: 'hi', from: { role: 'user' } }, { text: 'no type' }, 42, { type: 'message', text: 'hello', from: { role: 'bot' } }];
    expect(parseTranscript(JSON.stringify(activities)).map((a) => a.text)).toEqual(['hi', 'hello']);
    expect(parseTranscript(JSON.stringify({ transcript: activities, other: true })).map((a) => a.text)).toEqual(['hi', 'hello']);
    expect(parseTranscript(`\uFEFF${JSON.stringify(activities)}`)).toHaveLength(2);
  });

  it('refuses what is not a transcript, saying why', () => {
    expect(() => parseTranscript('not json')).toThrow(TranscriptFormatError);
    expect(() => parseTranscript('{"activities": []}')).toThrow(/JSON array of activities/);
    expect(() => parseTranscript('[{"type": "message", "text": 5}]')).toThrow(/entry 1: text/);
  });

  it("reads the Emulator's sample conversation: two conversationUpdates whose from has no role, then messages", async () => {
    const activities = await fixture('emulator-sample-conversation.transcript');
    expect(activities).toHaveLength(7);
    const botId = botIdOf(activities);
    expect(botId).toBe('92e19130-c37f-11e9-aaf4-234c3b063205');
    expect(activities.map((a) => sideOf(a, botId))).toEqual(['user', 'user', 'bot', 'user', 'bot', 'bot', 'user']);
    const turns = toTurns(activities);
    expect(turns.map((t) => [t.action.kind === 'send' ? t.action.activity.type : t.action.kind, t.expected.map((a) => a.text)])).toEqual([
      ['conversationUpdate', []],
      ['conversationUpdate', ['Welcome to the e2e testing bot! :)']],
      ['message', ['Hello! :)', 'How are you doing?']],
      ['message', []],
    ]);
  });

  it('leaves traces out of the turns of an Emulator recording that has them', async () => {
    const activities = await fixture('functionaltests-WaterfallGreeting.transcript');
    expect(activities.some((a) => a.type === 'trace')).toBe(true);
    const turns = toTurns(activities);
    expect(turns.flatMap((t) => t.expected).some((a) => a.type === 'trace')).toBe(false);
    expect(turns[0]!.expected[0]!.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('parses an Emulator recording with a sign-in card', async () => {
    const activities = await fixture('functionaltests-SignIn.transcript');
    expect(activities[1]!.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.signin');
    expect(toTurns(activities).length).toBeGreaterThan(0);
  });

  it('turns our recorded sign-in event into a sign-in step, accepting or declining as recorded', () => {
    const turns = toTurns([
      { type: 'message', text: 'create page', from: { role: 'user' } },
      { type: 'message', from: { role: 'bot' }, attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ value: 'http://h/oauth/start?[redacted]' }] } }] },
      { type: 'event', name: 'confluence/signInCompleted', value: { outcome: 'denied' }, from: { role: 'user' } },
      { type: 'message', text: messages.signInDeclined, from: { role: 'bot' } },
    ]);
    expect(turns.map((t) => t.action)).toEqual([expect.objectContaining({ kind: 'send' }), { kind: 'sign-in', decision: 'decline' }]);
    expect(turns[1]!.expected.map((a) => a.text)).toEqual([messages.signInDeclined]);
  });

  it('in an Emulator save (no sign-in event), signs in where the bot goes on by itself after its sign-in card', () => {
    const card = { type: 'message', from: { id: 'b', role: 'bot' }, attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ value: 'http://localhost:3978/oauth/start?id=x' }] } }] };
    const turns = toTurns([
      { type: 'message', text: 'create page', from: { id: 'u', role: 'user' } },
      card,
      { type: 'message', text: messages.signedIn, from: { id: 'b', role: 'bot' } },
      { type: 'message', text: 'Which space?', from: { id: 'b', role: 'bot' } },
      { type: 'message', text: 'DEMO', from: { id: 'u', role: 'user' } },
    ]);
    expect(turns.map((t) => [t.number, t.action.kind, t.expected.length])).toEqual([
      [1, 'send', 1],
      [2, 'sign-in', 2],
      [3, 'send', 0],
    ]);
    expect(turns[1]!.action).toEqual({ kind: 'sign-in', decision: 'accept' });
  });
});
