/** What arrives over HTTP can be anything: malformed bodies get a 4xx, odd activities are ignored, nothing crashes. */
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { EmulatorChannel, textsOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

describe('/api/messages robustness', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ PORT: String(await freePort()), DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'robust-')), LOG_LEVEL: 'silent' });
  });

  afterAll(async () => {
    await app?.close();
  });

  async function post(body: string, contentType = 'application/json'): Promise<number> {
    const response = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
    return response.status;
  }

  it.each([
    ['malformed JSON', '{"type": "message", "text": '],
    ['an empty object', '{}'],
    ['a JSON array', '[1,2,3]'],
    ['a string', '"hello"'],
    ['a message without conversation or serviceUrl', JSON.stringify({ type: 'message', text: 'hi', channelId: 'emulator' })],
  ])('answers %s with a 4xx', async (_name, body) => {
    const status = await post(body);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('ignores unknown activity types, and keeps serving afterwards', async () => {
    const channel = new EmulatorChannel(app.url);
    await channel.start();
    try {
      expect(await channel.post({ type: 'somethingNew', value: { x: 1 } })).toBeLessThan(300);
      expect(await channel.post({ type: 'event', name: 'unrelated/event' })).toBeLessThan(300);
      expect(channel.received).toHaveLength(0);
      expect(textsOf(await channel.say('help')).join('\n')).toMatch(/create page/);
    } finally {
      await channel.stop();
    }
  });
});

describe('start-up with a corrupted database', () => {
  it('stops with an error naming a damaged bot.json left by an earlier version, and leaves it as it was', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'corrupt-'));
    const file = path.join(dataDir, 'bot.json');
    await writeFile(file, '{"settings": {"type": "sys');
    await expect(startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent' })).rejects.toThrow(/bot\.json/);
    expect(await readFile(file, 'utf8')).toBe('{"settings": {"type": "sys');
  });

  it('stops with an error naming a damaged settings record, and leaves it as it was', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'corrupt-'));
    await mkdir(path.join(dataDir, 'records'), { recursive: true });
    const file = path.join(dataDir, 'records', 'settings.json');
    await writeFile(file, '{"value": {"type": "galactic"}}');
    await expect(startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent' })).rejects.toThrow(/"settings"/);
    expect(await readFile(file, 'utf8')).toBe('{"value": {"type": "galactic"}}');
  });
});
