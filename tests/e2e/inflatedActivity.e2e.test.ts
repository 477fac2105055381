/**
 * Finding 6: crafted activities must not inflate what the bot stores. The real server, Emulator mode: activities
 * that start a sign-in (which stores a conversation reference) are padded in every place an attacker controls,
 * then every file under DATA_DIR is measured.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { emulatorMessage, postActivity } from '../helpers/emulatorActivity.js';
import { freePort } from '../helpers/ports.js';

async function fileSizes(root: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    sizes.set(path.relative(root, file), (await stat(file)).size);
  }
  return sizes;
}

describe('inflated activities (Emulator mode)', () => {
  let app: RunningApp;
  let dataDir: string;
  let receiver: http.Server;
  let serviceUrl: string;
  const received: Array<{ text?: string; attachments?: unknown[] }> = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'inflate-'));
    // Transcripts record every incoming activity as it was accepted, so they show what the edge let through.
    app = await startApp({
      PORT: String(await freePort()),
      DATA_DIR: dataDir,
      TRANSCRIPTS_DIR: path.join(dataDir, 'transcripts'),
      LOG_LEVEL: 'silent',
    });
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: randomUUID() }));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    serviceUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  async function post(activity: Record<string, unknown>): Promise<number> {
    const response = await postActivity(app.url, emulatorMessage(serviceUrl, 'create page', activity));
    await response.arrayBuffer();
    return response.status;
  }

  it('stores nothing of 200 KB of extra conversation and account fields', async () => {
    // A first, ordinary sign-in request: whatever files it creates are the baseline.
    expect(await post({})).toBe(200);
    const before = await fileSizes(dataDir);
    const padding = 'x'.repeat(60_000);
    for (let attempt = 0; attempt < 4; attempt += 1) {
      const sent = received.length;
      const status = await post({
        conversation: { id: randomUUID(), padding, more: { padding } },
        from: { id: 'user-1', name: 'User', role: 'user', padding },
        recipient: { id: 'bot-1', padding: padding.slice(0, 20_000) },
      });
      expect(status).toBe(200);
      // The sign-in really was offered, so a pending sign-in was stored for this conversation.
      expect(JSON.stringify(received.slice(sent))).toMatch(/oauth\/start\?id=/);
    }
    const after = await fileSizes(dataDir);
    for (const [file, size] of after) {
      const grew = size - (before.get(file) ?? 0);
      expect({ file, grew: grew > 8_000 ? grew : 'under 8 KB' }).toEqual({ file, grew: 'under 8 KB' });
    }
  });

  it.each([
    ['a 200 KB locale', { locale: 'e'.repeat(200_000) }, /^locale: /],
    ['a locale that is not a language tag', { locale: '"><img src=x>' }, /^locale: /],
    ['a 200 KB conversation name', { conversation: { id: 'c', name: 'n'.repeat(200_000) } }, /^conversation\.name: /],
    ['a 200 KB user id', { from: { id: 'u'.repeat(200_000) } }, /^from\.id: /],
    ['a 10,000-level nesting', { value: '<nested>' }, /nested deeper/],
  ])('answers %s with 400 and stores nothing', async (_name, activity, detail) => {
    const before = await fileSizes(dataDir);
    const sent = received.length;
    const body = JSON.stringify({ type: 'message', channelId: 'emulator', serviceUrl, text: 'create page', conversation: { id: 'c' }, from: { id: 'u' }, ...activity });
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      // Written out, since JSON.stringify itself would overflow the stack on such a value.
      body: body.replace('"<nested>"', '['.repeat(10_000) + ']'.repeat(10_000)),
    });
    expect(response.status).toBe(400);
    const answer = (await response.json()) as { error: string; detail: string };
    expect(answer.detail).toMatch(detail);
    expect(received.length).toBe(sent);
    expect(await fileSizes(dataDir)).toEqual(before);
  });

  it('refuses a 5 MB conversation object before reading it (body cap)', async () => {
    const status = await post({ conversation: { id: 'c', padding: 'x'.repeat(5_000_000) } });
    expect(status).toBe(413);
  });
});
