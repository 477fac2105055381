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
