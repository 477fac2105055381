import { createLogger } from '../../../services/logging/logger.js';

describe('logger', () => {
  it('redacts credential-looking fields at any depth, and keeps the rest', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line)).child({ component: 'test' });
    logger.info('token refreshed', {
      accessToken: 'at-123',
      nested: { refresh_token: 'rt-456', client_secret: 'cs-789', code: 'code-1', state: 'st-2', ok: 'visible' },
      list: [{ Authorization: 'Bearer x' }],
      signedIn: true,
    });
    const line = lines[0]!;
    for (const secret of ['at-123', 'rt-456', 'cs-789', 'code-1', 'st-2', 'Bearer x']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ level: 'info', msg: 'token refreshed', component: 'test', nested: { ok: 'visible' }, signedIn: true });
  });

  it('drops messages below its level', () => {
    const lines: string[] = [];
    const logger = createLogger('warn', (line) => lines.push(line));
    logger.info('quiet');
    logger.warn('loud');
    expect(lines).toHaveLength(1);
  });
});

describe('LOG_FORMAT=pretty', () => {
  const secrets = { accessToken: 'at-123', nested: { refresh_token: 'rt-456', client_secret: 'cs-789', code: 'code-1', state: 'st-2', ok: 'visible' }, list: [{ Authorization: 'Bearer x' }] };
  const message = 'callback http://localhost:3978/oauth/callback?code=c0de-secret&state=st4te-secret';

  it('writes the message plainly, then the fields, with the level only when it is not info', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line), {}, 'pretty').child({ component: 'test' });
    logger.info('Open http://localhost:3978 or connect the Emulator to http://localhost:3978/api/messages');
    logger.warn('slow', { ms: 1200, note: 'two words' });
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d Open http:\/\/localhost:3978 or connect the Emulator to http:\/\/localhost:3978\/api\/messages component=test$/);
    expect(lines[1]).toMatch(/^\d\d:\d\d:\d\d WARN slow component=test ms=1200 note="two words"$/);
  });

  it('redacts exactly what the JSON format redacts', () => {
    const json: string[] = [];
    const pretty: string[] = [];
    createLogger('info', (line) => json.push(line)).info(message, secrets);
    createLogger('info', (line) => pretty.push(line), {}, 'pretty').info(message, secrets);
    for (const secret of ['at-123', 'rt-456', 'cs-789', 'code-1', 'st-2', 'Bearer x', 'c0de-secret', 'st4te-secret']) {
      expect(json[0]).not.toContain(secret);
      expect(pretty[0]).not.toContain(secret);
    }
    // The same redacted values, field by field.
    const record = JSON.parse(json[0]!) as Record<string, unknown>;
    expect(pretty[0]).toContain(String(record.msg));
    for (const key of ['accessToken', 'nested', 'list']) expect(pretty[0]).toContain(`${key}=${typeof record[key] === 'string' ? record[key] : JSON.stringify(record[key])}`);
  });
});
