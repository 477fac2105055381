/**
 * Finding 4: sign-in link ids, states and codes are working credentials for minutes, so no text the logger writes
 * may carry them, wherever they hide: the message, a field, an error, a framework's request line.
 */
import { createLogger, redactText } from '../../../services/logging/logger.js';
import { restifyLog } from '../../../web/restifyLog.js';

const LINK = 'rXpzQiw82rl6jvqc3Kjue3GDUMaifbEbYb2IkcWRuek';
const STATE = `${'a'.repeat(64)}.FP7zrt-j4UfepqzXfDXtYKNBfLblDX0srCDH5TUVo2Y`;
const CODE = 'sandbox-code-Tj5LUGfOzSJ3TAUHYXKI6x';

const leaks = [LINK, STATE, CODE, 'FP7zrt-j4UfepqzXfDXtYKNBfLblDX0srCDH5TUVo2Y'];

describe('sign-in values in log text', () => {
  it.each([
    `/oauth/start?id=${LINK}`,
    `GET https://bot.example.com/oauth/callback?code=${CODE}&state=${STATE} 400`,
    `http://127.0.0.1:3978/sandbox/authorize?client_id=x&state=${STATE}&redirect_uri=http%3A%2F%2Fh%2Foauth%2Fcallback`,
    `redirect to http%3A%2F%2Fh%2Foauth%2Fcallback%3Fcode%3D${CODE}%26state%3D${STATE}`,
    `failed: /somewhere/else?x=1&state=${STATE}&code=${CODE}`,
    `"url":"/OAUTH/CALLBACK?state=${STATE}"`,
  ])('masks %s', (text) => {
    const masked = redactText(text);
    for (const secret of leaks) expect(masked).not.toContain(secret);
    expect(masked).toContain('[redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text = 'listed 3 pages in space DOCS at https://x.atlassian.net/wiki/spaces/DOCS?mode=list';
    expect(redactText(text)).toBe(text);
  });

  it('masks them in messages, string fields, nested fields and errors', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', (line) => lines.push(line)).child({ route: `/oauth/start?id=${LINK}` });
    logger.warn(`could not open /oauth/callback?state=${STATE}`, {
      url: `http://h/oauth/callback?code=${CODE}&state=${STATE}`,
      nested: { list: [`?id=${LINK}`] },
      error: new Error(`Request to http://h/oauth/callback?code=${CODE} failed`),
    });
    expect(lines).toHaveLength(1);
    for (const secret of leaks) expect(lines[0]).not.toContain(secret);
    expect(() => JSON.parse(lines[0]!)).not.toThrow();
  });

  it("routes restify's own log calls through the logger, without request URLs", () => {
    const lines: string[] = [];
    const log = restifyLog(createLogger('info', (line) => lines.push(line)));
    const req = { method: 'GET', url: `/oauth/start?id=${LINK}`, headers: {} };
    expect(log.trace()).toBe(false);
    log.info({ address: '127.0.0.1', method: 'GET', url: `/oauth/start?id=${LINK}`, user: '?' }, 'Throttling');
    log.warn({ req, err: new Error('boom') }, 'error retrieving formatter');
    log.child({ req_id: '1' }).warn(`handler ${req.url} returned %s`, 'x');
    log.debug('not at info level');
    expect(lines).toHaveLength(3);
    for (const line of lines) for (const secret of leaks) expect(line).not.toContain(secret);
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'error retrieving formatter', req: { method: 'GET', path: '/oauth/start' } });
  });
});
