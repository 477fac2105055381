import { comparable, differencesBetween, isIgnored, normalizeText } from '../../../tools/replay/normalize.js';

describe('normalize', () => {
  it('neutralizes the bot host and port, numbers inside URLs, UUIDs and timestamps, not the words around them', () => {
    expect(normalizeText('[Runbook](http://localhost:41234/sandbox/wiki/spaces/ENG/pages/65545/Runbook) has 3,000 pages')).toBe(
      '[Runbook](http://<local>/sandbox/wiki/spaces/ENG/pages/<n>/Runbook) has 3,000 pages',
    );
    expect(normalizeText('http://127.0.0.1:9/x and https://example.com/a/12')).toBe('http://<local>/x and https://example.com/a/<n>');
    expect(normalizeText('id 1b4e28ba-2fa1-11d2-883f-0016d3cca427 at 2024-05-01T10:00:00.123Z')).toBe('id <uuid> at <timestamp>');
    expect(normalizeText('Meeting notes 2018-01-08')).toBe('Meeting notes 2018-01-08');
  });

  it('compares what a person sees and ignores ids, timestamps, accounts and serviceUrl', () => {
    const recorded = {
      type: 'message', id: 'a', timestamp: '2020-01-01T00:00:00Z', replyToId: 'r', serviceUrl: 'http://localhost:1',
      from: { id: 'bot-1', role: 'bot' }, conversation: { id: 'c1' }, text: 'Which space?', inputHint: 'expectingInput',
      suggestedActions: { actions: [{ type: 'imBack', title: 'DEMO', value: 'DEMO' }] },
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Sign in', value: 'http://localhost:1/oauth/start?[redacted]' }] } }],
    };
    const fresh = {
      ...recorded, id: 'b', timestamp: '2025-01-01T00:00:00Z', replyToId: 'q', serviceUrl: 'http://127.0.0.1:2',
      from: { id: 'bot-2' }, conversation: { id: 'c2' },
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Sign in', value: 'http://localhost:5555/oauth/start?id=fresh-id' }] } }],
    };
    expect(differencesBetween(comparable(recorded), comparable(fresh))).toEqual([]);
  });

  it('reports each differing field with both values', () => {
    const expected = comparable({ type: 'message', text: 'What is the title of the page?', suggestedActions: { actions: [{ type: 'imBack', title: 'Create', value: 'Create' }] } });
    const actual = comparable({ type: 'message', text: 'What is the name?', suggestedActions: { actions: [] } });
    expect(differencesBetween(expected, actual)).toEqual([
      'text: expected "What is the title of the page?", got "What is the name?"',
      'suggestedActions: expected [{"type":"imBack","title":"Create","value":"Create"}], got (nothing)',
    ]);
  });

  it('does not hold a recording without input hints to one', () => {
    expect(differencesBetween(comparable({ type: 'message', text: 'x' }), comparable({ type: 'message', text: 'x', inputHint: 'acceptingInput' }))).toEqual([]);
    expect(differencesBetween(comparable({ type: 'message', text: 'x', inputHint: 'expectingInput' }), comparable({ type: 'message', text: 'x', inputHint: 'acceptingInput' }))).toHaveLength(1);
  });

  it('ignores traces, typing indicators and timing-dependent progress messages', () => {
    expect(isIgnored({ type: 'trace' })).toBe(true);
    expect(isIgnored({ type: 'typing' })).toBe(true);
    expect(isIgnored({ type: 'message', text: 'Fetched 750 pages so far…' })).toBe(true);
    expect(isIgnored({ type: 'message', text: 'Which space?' })).toBe(false);
  });
});
