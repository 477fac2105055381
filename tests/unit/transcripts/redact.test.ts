import { REDACTED, redactSecrets, redactText, redactUrl } from '../../../services/transcripts/redact.js';

describe('redactSecrets', () => {
  it('hides a message that is only a sign-in confirmation code, and leaves other numbers alone', () => {
    expect(redactSecrets({ type: 'message', text: '123 456' }).text).toBe(REDACTED);
    expect(redactSecrets({ type: 'message', text: '123456' }).text).toBe(REDACTED);
    expect(redactSecrets({ type: 'message', text: 'list pages 123456' }).text).toBe('list pages 123456');
    expect(redactSecrets({ type: 'message', text: '2026' }).text).toBe('2026');
  });

  it('hides the query string of our sign-in link and of the provider authorize and callback URLs', () => {
    expect(redactUrl('http://localhost:3978/oauth/start?id=abc123')).toBe(`http://localhost:3978/oauth/start?${REDACTED}`);
    expect(redactUrl('https://auth.atlassian.com/authorize?audience=api.atlassian.com&state=s3cr3t&client_id=x')).toBe(`https://auth.atlassian.com/authorize?${REDACTED}`);
    expect(redactUrl('https://bot.example.com/oauth/callback?code=c0de&state=st4te')).toBe(`https://bot.example.com/oauth/callback?${REDACTED}`);
  });

  it('hides only the secret parameters of other URLs, fragments included, and leaves plain URLs alone', () => {
    expect(redactUrl('https://x.example/page?token=t0k&view=full')).toBe(`https://x.example/page?token=${REDACTED}&view=full`);
    expect(redactUrl('https://x.example/cb#access_token=t0k&expires_in=3600')).toBe(`https://x.example/cb#access_token=${REDACTED}&expires_in=3600`);
    expect(redactUrl('https://x.example/a?Code=1&STATE=2&refresh_token=3')).toBe(`https://x.example/a?Code=${REDACTED}&STATE=${REDACTED}&refresh_token=${REDACTED}`);
    const page = 'http://localhost:3978/sandbox/wiki/spaces/DEMO/pages/65537/Getting+started';
    expect(redactUrl(page)).toBe(page);
  });

  it('finds URLs, bearer credentials and JWTs inside free text (Markdown links included)', () => {
    expect(redactText('open [this](http://h/oauth/start?id=zzz) now')).toBe(`open [this](http://h/oauth/start?${REDACTED}) now`);
    expect(redactText('Authorization: Bearer abc.def-ghi')).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(redactText('id eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end')).toBe(`id ${REDACTED} end`);
  });

  it('walks the whole activity and hides fields named like credentials, wherever they are', () => {
    const activity = {
      type: 'message',
      text: 'hi',
      channelData: { headers: { Authorization: 'Basic dXNlcjpwYXNz' }, nested: [{ access_token: 'a', refreshToken: 'r', state: 's', code: 'c' }] },
      value: { spaceKey: 'DEMO', clientSecret: 'cs', apiKey: 'k', password: 'p' },
      entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', value: 'http://h:1/oauth/start?id=L1NK' }] } }],
    };
    const redacted = redactSecrets(activity);
    expect(redacted).toEqual({
      type: 'message',
      text: 'hi',
      channelData: { headers: { Authorization: REDACTED }, nested: [{ access_token: REDACTED, refreshToken: REDACTED, state: REDACTED, code: REDACTED }] },
      value: { spaceKey: 'DEMO', clientSecret: REDACTED, apiKey: REDACTED, password: REDACTED },
      entities: [{ type: 'ClientCapabilities', requiresBotState: true }],
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', value: `http://h:1/oauth/start?${REDACTED}` }] } }],
    });
    expect(JSON.stringify(redacted)).not.toMatch(/L1NK|dXNlcjpwYXNz|"cs"|"k"|"p"/);
    expect(activity.value.clientSecret).toBe('cs');
  });

  it('is idempotent, so a redacted transcript stays the same when redacted again', () => {
    const once = redactSecrets({ text: 'go to http://h/oauth/start?id=1', token: 'x' });
    expect(redactSecrets(once)).toEqual(once);
  });
});
