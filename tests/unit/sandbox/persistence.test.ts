import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { api, CLIENT_ID, CLIENT_SECRET, decide, newDataDir, postToken, signIn, startSandbox } from './sandboxHarness.js';

describe('sandbox persistence (lowdb, sandbox.json)', () => {
  it('keeps tokens and content across a restart on the same dataDir', async () => {
    const dataDir = path.join(await newDataDir(), 'nested', 'dir');
    const first = await startSandbox({ dataDir });
    const tokens = await signIn(first);
    const [demo] = (await first.sandbox.listSpaces()).filter((space) => space.key === 'DEMO');
    const created = await api(`${first.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: demo.id, title: 'Survives restarts' }) });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    await first.close();

    const second = await startSandbox({ dataDir });
    try {
      expect((await second.sandbox.listSpaces()).map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);
      const page = await api(`${second.v2}/pages?space-id=${demo.id}&title=Survives%20restarts`, tokens.access_token);
      expect(page.status).toBe(200);
      expect(((await page.json()) as { results: Array<{ id: string }> }).results.map((result) => result.id)).toEqual([id]);
      const rotated = await postToken(second, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: tokens.refresh_token ?? '' });
      expect(rotated.status).toBe(200);
    } finally {
      await second.close();
    }
  });

  it('writes no code, access token or refresh token in clear text, only their SHA-256 hashes', async () => {
    const harness = await startSandbox();
    try {
      const tokens = await signIn(harness);
      const pendingCode = (await decide(harness, 'accept')).searchParams.get('code') ?? '';
      const rotated = (await (
        await postToken(harness, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: tokens.refresh_token ?? '' })
      ).json()) as { access_token: string; refresh_token: string };
      const file = await readFile(path.join(harness.dataDir, 'sandbox.json'), 'utf8');
      for (const secret of [tokens.access_token, pendingCode, rotated.access_token, rotated.refresh_token, CLIENT_SECRET, 'state-123']) {
        expect(secret.length).toBeGreaterThan(8);
        expect(file).not.toContain(secret);
      }
      const data = JSON.parse(file) as { accessTokens: unknown[]; refreshTokens: Array<{ tokenHash: string }>; codes: Array<{ codeHash: string }> };
      expect(data.refreshTokens).toHaveLength(1);
      expect(data.refreshTokens[0].tokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(data.codes).toHaveLength(1);
    } finally {
      await harness.close();
    }
  });

  it('refuses a data file that is not its own instead of overwriting it', async () => {
    const dataDir = await newDataDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path.join(dataDir, 'sandbox.json'), JSON.stringify({ something: 'else' }));
    await expect(startSandbox({ dataDir })).rejects.toThrow(/not a sandbox data file/);
  });
});
