/** The edge check of /api/messages: sizes, the locale, and the parts of an activity that end up stored. */
import { inspectActivity } from '../../../web/activityGuard.js';

const anyServiceUrl = () => undefined;

function activity(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: 'f:1234567890',
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    locale: 'en-US',
    text: 'list pages',
    from: { id: '29:1' + 'x'.repeat(120), name: 'Ada Lovelace', aadObjectId: '6b0b5c2e-1b1a-4e8e-9d1a-2f1e0c3b4a5d' },
    recipient: { id: '28:bot', name: 'Confluence Assistant' },
    conversation: { id: 'a:1' + 'y'.repeat(250), conversationType: 'personal', tenantId: '0d3f0c6e-2a4b-4c3d-8e9f-1a2b3c4d5e6f' },
    channelData: { tenant: { id: '0d3f0c6e-2a4b-4c3d-8e9f-1a2b3c4d5e6f' } },
    entities: [{ type: 'clientInfo', locale: 'en-US', country: 'US', platform: 'Web' }],
    ...overrides,
  };
}

function problem(body: unknown): string {
  const verdict = inspectActivity(body, anyServiceUrl);
  if (!verdict.refusal) throw new Error('expected a refusal');
  expect(verdict.refusal.status).toBe(400);
  return verdict.refusal.body.detail;
}

describe('inspectActivity', () => {
  it('accepts a Teams message with long Teams ids, and keeps what channels add', () => {
    const verdict = inspectActivity(activity({ textFormat: 'plain', attachments: [{ contentType: 'text/html', content: '<p>x</p>' }] }), anyServiceUrl);
    expect(verdict.refusal).toBeUndefined();
    expect(verdict.activity).toMatchObject({ textFormat: 'plain', channelData: { tenant: {} }, attachments: [{ contentType: 'text/html' }] });
  });

  it.each([
    [
      'a Teams signin/verifyState invoke',
      { type: 'invoke', name: 'signin/verifyState', value: { state: '123456' }, localTimestamp: '2024-05-01T10:00:00.000+02:00', channelData: { tenant: { id: 't' }, source: { name: 'message' } } },
    ],
    ['an Adaptive Card submission', { value: { action: 'create', space: 'DEMO', nested: { a: [{ b: [1, 2] }] } }, text: undefined }],
    [
      'a channel message in a team',
      { conversation: { isGroup: true, conversationType: 'channel', tenantId: 't', id: '19:abc123def456@thread.tacv2;messageid=1714550400000' } },
    ],
    ['a conversationUpdate adding members', { type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:bot' }, { id: '29:1abc', aadObjectId: 'g' }] }],
  ])('accepts %s unchanged', (_name, overrides) => {
    const sent = activity(overrides);
    const verdict = inspectActivity(sent, anyServiceUrl);
    expect(verdict.refusal).toBeUndefined();
    expect(JSON.parse(JSON.stringify(verdict.activity))).toEqual(JSON.parse(JSON.stringify(sent)));
  });

  it.each(['en-US', 'de', 'zh-Hant-TW', 'de-DE-u-co-phonebk', 'en_GB', ''])('accepts the locale %j', (locale) => {
    expect(inspectActivity(activity({ locale }), anyServiceUrl).refusal).toBeUndefined();
  });

  it.each([
    ['a 200 KB locale', 'e'.repeat(200_000)],
    ['markup', '<script>'],
    ['a sentence', 'en US please'],
    ['a 36-character tag', 'en-' + 'abcdefgh-'.repeat(3) + 'abcdefg'],
  ])('refuses %s as locale', (_name, locale) => {
    expect(problem(activity({ locale }))).toMatch(/^locale: /);
  });

  it.each([
    ['id', { id: 'i'.repeat(1001) }],
    ['replyToId', { replyToId: 'r'.repeat(1001) }],
    ['from.id', { from: { id: 'u'.repeat(1001) } }],
    ['recipient.id', { recipient: { id: 'b'.repeat(1001) } }],
    ['conversation.id', { conversation: { id: 'c'.repeat(1001) } }],
    ['conversation.name', { conversation: { id: 'c', name: 'n'.repeat(513) } }],
    ['conversation.tenantId', { conversation: { id: 'c', tenantId: 't'.repeat(101) } }],
    ['from.name', { from: { id: 'u', name: 'n'.repeat(200_000) } }],
    ['attachments', { attachments: Array.from({ length: 51 }, () => ({ contentType: 'text/plain' })) }],
    ['entities', { entities: Array.from({ length: 51 }, () => ({ type: 'mention' })) }],
  ])('refuses an oversized %s', (field, overrides) => {
    expect(problem(activity(overrides))).toContain(`${field}:`);
  });

  it('refuses values nested deeper than any channel sends, without exhausting the stack', () => {
    let value: unknown = 'leaf';
    for (let depth = 0; depth < 100_000; depth += 1) value = { v: value };
    expect(problem(activity({ value }))).toMatch(/nested deeper than 64 levels/);
    let fine: unknown = 'leaf';
    for (let depth = 0; depth < 40; depth += 1) fine = [fine];
    expect(inspectActivity(activity({ value: fine }), anyServiceUrl).refusal).toBeUndefined();
  });

  it('keeps only the documented fields of the conversation and the two accounts', () => {
    const padding = 'p'.repeat(200_000);
    const verdict = inspectActivity(
      activity({
        conversation: { id: 'c1', isGroup: false, conversationType: 'personal', tenantId: 't', padding, nested: { padding } },
        from: { id: 'u1', name: 'Ada', role: 'user', padding },
        recipient: { id: 'b1', padding },
        membersAdded: [{ id: 'u1', padding }],
      }),
      anyServiceUrl,
    );
    expect(verdict.refusal).toBeUndefined();
    expect(verdict.activity?.conversation).toEqual({ id: 'c1', isGroup: false, conversationType: 'personal', tenantId: 't' });
    expect(verdict.activity?.from).toEqual({ id: 'u1', name: 'Ada', role: 'user' });
    expect(verdict.activity?.recipient).toEqual({ id: 'b1' });
    expect(verdict.activity?.membersAdded).toEqual([{ id: 'u1' }]);
    expect(JSON.stringify(verdict.activity).length).toBeLessThan(2000);
  });

  it('answers 403 with what to set when the serviceUrl policy refuses', () => {
    const verdict = inspectActivity(activity(), () => 'add that origin to ALLOWED_SERVICE_URLS');
    expect(verdict.refusal).toEqual({ status: 403, body: { error: 'serviceUrl not allowed', detail: 'add that origin to ALLOWED_SERVICE_URLS' } });
  });

  it.each([[{}], [[1, 2]], ['hello'], [null]])('refuses %j as not an activity', (body) => {
    expect(problem(body)).toBeTruthy();
  });
});
