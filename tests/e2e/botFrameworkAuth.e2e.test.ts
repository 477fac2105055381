/**
 * With MicrosoftAppId set, /api/messages enforces Bot Framework authentication. (Only requests refused before any
 * key look-up are sent: validating a real-looking token would fetch Microsoft's signing keys over the network.)
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { startApp, RunningApp } from '../../app.js';
import { freePort } from '../helpers/ports.js';

describe('Bot Framework authentication', () => {
  let app: RunningApp;

  beforeAll(async () => {
    // CloudAdapter reports every refused request on console.error; the refusal is what this test expects.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
    app = await startApp({
      PORT: String(await freePort()),
      DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'bfauth-')),
      LOG_LEVEL: 'silent',
      MicrosoftAppId: '8b2c1a5e-0f3d-4c6b-9a7e-2d1f0e9c8b7a',
      MicrosoftAppPassword: 'not-a-real-password',
      MicrosoftAppType: 'MultiTenant',
    });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('refuses an activity without a Bot Framework token', async () => {
    const response = await fetch(`${app.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        text: 'create page',
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:9/',
        conversation: { id: 'c1' },
        from: { id: 'u1' },
        recipient: { id: 'bot' },
      }),
    });
    expect(response.status).toBe(401);
  });
});
