import { createHash } from 'node:crypto';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readSandboxContents, SandboxDataError, SEED_WITH_DOCS } from '../../../sandbox/index.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import type { RecordStore, VersionedRecord, WriteOptions } from '../../../services/storage/recordStore.js';
import { ALL_SCOPES, api, CLIENT_ID, CLIENT_SECRET, CLOUD_ID, decide, newDataDir, postToken, REDIRECT_URI, signIn, startSandbox, type Harness, type Tokens } from './sandboxHarness.js';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const START = Date.parse('2026-11-30T10:00:00.000Z');

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** A record store that remembers the key of every write, to prove what a change costs. */
class WriteLog implements RecordStore {
  readonly written: string[] = [];
  constructor(private readonly inner: RecordStore) {}
  get location(): string {
    return this.inner.location;
  }
  get revalidateAfterMs(): number {
    return this.inner.revalidateAfterMs;
  }
  get<T>(key: string): Promise<VersionedRecord<T> | undefined> {
    return this.inner.get<T>(key);
  }
  getIfChanged<T>(key: string, etag: string): Promise<VersionedRecord<T> | undefined | 'unchanged'> {
    return this.inner.getIfChanged<T>(key, etag);
  }
  create<T>(key: string, value: T, options?: WriteOptions): Promise<string | undefined> {
    this.written.push(key);
    return this.inner.create(key, value, options);
  }
  replace<T>(key: string, value: T, etag: string, options?: WriteOptions): Promise<string | undefined> {
    this.written.push(key);
    return this.inner.replace(key, value, etag, options);
  }
  put<T>(key: string, value: T, options?: WriteOptions): Promise<string> {
    this.written.push(key);
    return this.inner.put(key, value, options);
  }
  delete(key: string, etag?: string): Promise<boolean> {
    this.written.push(key);
    return this.inner.delete(key, etag);
  }
  listKeys(prefix: string): Promise<string[]> {
    return this.inner.listKeys(prefix);
  }
  pruneExpired(prefix: string, now?: number): Promise<number> {
    return this.inner.pruneExpired(prefix, now);
  }
}

const refreshBody = (refreshToken: string | undefined): Record<string, string> => ({
  grant_type: 'refresh_token',
  client_id: CLIENT_ID,
  client_secret: CLIENT_SECRET,
  refresh_token: refreshToken ?? '',
});

async function demoSpaceId(harness: Harness): Promise<string> {
  return (await harness.sandbox.listSpaces()).find((space) => space.key === 'DEMO')!.id;
}

describe('sandbox persistence (records under sandbox/)', () => {
  it('keeps tokens, rotations and content across a restart on the same records', async () => {
    const dataDir = path.join(await newDataDir(), 'nested', 'dir');
    const first = await startSandbox({ dataDir });
    const tokens = await signIn(first);
    const demo = await demoSpaceId(first);
    const created = await api(`${first.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: demo, title: 'Survives restarts' }) });
    expect(created.status).toBe(200);
    const { id } = (await created.json()) as { id: string };
    const other = await signIn(first);
    const rotated = (await (await postToken(first, refreshBody(other.refresh_token))).json()) as Tokens;
    await first.close();

    const second = await startSandbox({ dataDir });
    try {
      expect((await second.sandbox.listSpaces()).map((space) => space.key)).toEqual(['DEMO', 'ENG', 'TEAM', 'ARCHIVE']);
      const page = await api(`${second.v2}/pages?space-id=${demo}&title=Survives%20restarts`, tokens.access_token);
      expect(page.status).toBe(200);
      expect(((await page.json()) as { results: Array<{ id: string }> }).results.map((result) => result.id)).toEqual([id]);
      // Ids go on after the largest stored one.
      const next = await api(`${second.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: demo, title: 'After the restart' }) });
      expect(Number(((await next.json()) as { id: string }).id)).toBe(Number(id) + 1);
      expect((await postToken(second, refreshBody(tokens.refresh_token))).status).toBe(200);
      // The rotation was remembered: replaying the old token still revokes its family.
      expect((await postToken(second, refreshBody(other.refresh_token))).status).toBe(403);
      expect((await postToken(second, refreshBody(rotated.refresh_token))).status).toBe(403);
    } finally {
      await second.close();
    }
  });

  it('writes no code, access token or refresh token in clear text, only records named by their SHA-256 hashes', async () => {
    const harness = await startSandbox();
    try {
      const tokens = await signIn(harness);
      const pendingCode = (await decide(harness, 'accept')).searchParams.get('code') ?? '';
      const rotated = (await (await postToken(harness, refreshBody(tokens.refresh_token))).json()) as Tokens;
      await harness.sandbox.close();
      for (const file of await filesUnder(path.join(harness.dataDir, 'records'))) {
        const text = await readFile(file, 'utf8');
        for (const secret of [tokens.access_token, pendingCode, rotated.access_token, rotated.refresh_token ?? '', CLIENT_SECRET, 'state-123']) {
          expect(secret.length).toBeGreaterThan(8);
          expect(text).not.toContain(secret);
          expect(file).not.toContain(secret);
        }
      }
      const keys = async (kind: string): Promise<string[]> => (await harness.records.listKeys(`sandbox/grants/${kind}/`)).sort();
      expect(await keys('codes')).toEqual([`sandbox/grants/codes/${sha256(pendingCode)}`]);
      expect(await keys('access')).toEqual([`sandbox/grants/access/${sha256(tokens.access_token)}`, `sandbox/grants/access/${sha256(rotated.access_token)}`].sort());
      expect(await keys('refresh')).toEqual([`sandbox/grants/refresh/${sha256(rotated.refresh_token ?? '')}`]);
      expect(await keys('rotated')).toEqual([`sandbox/grants/rotated/${sha256(tokens.refresh_token ?? '')}`]);
    } finally {
      await harness.close();
    }
  });

  it('writes one small record per change: a sign-in only grants, a page only its own space (never DOCS)', async () => {
    const dataDir = await newDataDir();
    const records = new WriteLog(new LocalRecordStore(path.join(dataDir, 'records')));
    const harness = await startSandbox({ dataDir, records, seed: SEED_WITH_DOCS });
    try {
      const spaces = await harness.sandbox.listSpaces();
      const demo = spaces.find((space) => space.key === 'DEMO')!.id;
      const docs = spaces.find((space) => space.key === 'DOCS')!.id;
      expect(records.written).toEqual(expect.arrayContaining(['sandbox/meta', `sandbox/spaces/${docs}`]));

      records.written.length = 0;
      const tokens = await signIn(harness);
      expect(records.written.length).toBe(4); // code issued, code spent, access token, refresh token
      expect(records.written.every((key) => key.startsWith('sandbox/grants/'))).toBe(true);

      records.written.length = 0;
      const created = await api(`${harness.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: demo, title: 'Only DEMO is written' }) });
      expect(created.status).toBe(200);
      expect(records.written).toEqual([`sandbox/spaces/${demo}`]);

      const size = async (spaceId: string): Promise<number> => (await stat(path.join(dataDir, 'records', 'sandbox', 'spaces', `${spaceId}.json`))).size;
      expect(await size(demo)).toBeLessThan(10_000);
      expect(await size(docs)).toBeGreaterThan(500_000);
    } finally {
      await harness.close();
    }
  });

  it('keeps every one of many pages created at once in one space, writing only that space', async () => {
    const dataDir = await newDataDir();
    const records = new WriteLog(new LocalRecordStore(path.join(dataDir, 'records')));
    const harness = await startSandbox({ dataDir, records });
    const tokens = await signIn(harness);
    const demo = await demoSpaceId(harness);
    records.written.length = 0;
    const titles = Array.from({ length: 30 }, (_, index) => `Burst ${index}`);
    const answers = await Promise.all(
      titles.map((title) => api(`${harness.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: demo, title }) })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(titles.map(() => 200));
    // How many writes a burst folds into depends on how the requests interleave; only the space's record is written.
    expect(records.written.length).toBeGreaterThan(0);
    expect(records.written.every((key) => key === `sandbox/spaces/${demo}`)).toBe(true);
    await harness.close();

    const offline = await readSandboxContents(new LocalRecordStore(path.join(dataDir, 'records')));
    expect(offline.filter((content) => content.title.startsWith('Burst ')).map((content) => content.title).sort()).toEqual([...titles].sort());
  });

  it('reads the contents offline, as findContent sees them', async () => {
    const harness = await startSandbox();
    try {
      const tokens = await signIn(harness);
      await api(`${harness.v2}/pages`, tokens.access_token, { method: 'POST', body: JSON.stringify({ spaceId: await demoSpaceId(harness), title: 'Read offline' }) });
      await harness.sandbox.close();
      const offline = await readSandboxContents(new LocalRecordStore(path.join(harness.dataDir, 'records')), harness.url);
      expect(offline).toEqual(await harness.sandbox.findContent(() => true));
      expect(offline.filter((content) => content.title === 'Read offline')).toHaveLength(1);
      expect(await readSandboxContents(new LocalRecordStore(path.join(await newDataDir(), 'records')))).toEqual([]);
    } finally {
      await harness.close();
    }
  });

  it.each([
    ['a meta record that is not JSON', 'meta', 'not JSON at all {', /"sandbox\/meta" in .* is not valid JSON/],
    ['a meta record of another shape', 'meta', JSON.stringify({ value: { schemaVersion: 2, sites: 'wrong' } }), /"sandbox\/meta" in .* is not a sandbox data record/],
    ['a space record of another shape', 'space', JSON.stringify({ value: { contents: [{ id: 1 }] } }), /"sandbox\/spaces\/\d+" in .* is not a sandbox data record/],
    ['a grant record of another shape', 'grant', JSON.stringify({ value: { clientId: 'x' } }), /"sandbox\/grants\/access\/[0-9a-f]{64}" in .* is not a sandbox data record/],
  ])('refuses to start on %s, naming it', async (_case, which, text, message) => {
    const dataDir = await newDataDir();
    const harness = await startSandbox({ dataDir });
    await signIn(harness);
    await harness.close();
    const records = path.join(dataDir, 'records', 'sandbox');
    const target =
      which === 'meta'
        ? path.join(records, 'meta.json')
        : which === 'space'
          ? path.join(records, 'spaces', (await readdir(path.join(records, 'spaces')))[0])
          : path.join(records, 'grants', 'access', (await readdir(path.join(records, 'grants', 'access')))[0]);
    await writeFile(target, text);
    const refused = startSandbox({ dataDir });
    await expect(refused).rejects.toThrow(SandboxDataError);
    await expect(refused).rejects.toThrow(message);
  });

  it('refuses to start when the meta record names a space whose record is gone', async () => {
    const dataDir = await newDataDir();
    const harness = await startSandbox({ dataDir });
    const demo = await demoSpaceId(harness);
    await harness.close();
    await rename(path.join(dataDir, 'records', 'sandbox', 'spaces', `${demo}.json`), path.join(dataDir, 'aside.json'));
    await expect(startSandbox({ dataDir })).rejects.toThrow(new RegExp(`"sandbox/spaces/${demo}" .* is missing \\(sandbox/meta lists the space DEMO\\)`));
  });
});

describe('sandbox migration from the single sandbox.json', () => {
  const accessToken = 'legacy-access-token-value-0123456789';
  const refreshToken = 'legacy-refresh-token-value-0123456789';
  const code = 'legacy-authorization-code-0123456789';
  const author = '712020:5a7e1c0d-sandbox-user';
  const createdAt = '2026-11-01T09:00:00.000Z';
  const token = (value: string, expiresAt: number) => ({ tokenHash: sha256(value), clientId: CLIENT_ID, scopes: ALL_SCOPES, expiresAt });
  const content = (id: string, title: string, parentId?: string) => ({
    id,
    cloudId: CLOUD_ID,
    spaceId: '70000',
    type: 'page',
    status: 'current',
    title,
    ...(parentId === undefined ? {} : { parentId, position: 0 }),
    authorId: author,
    createdAt,
    versionNumber: 1,
    body: `<p>${title}</p>`,
  });
  const legacy = {
    schemaVersion: 1,
    user: { accountId: author, displayName: 'Sandbox User' },
    sites: [{ cloudId: CLOUD_ID, name: 'Sandbox' }],
    spaces: [
      { id: '70000', cloudId: CLOUD_ID, key: 'OLD', name: 'Old space', description: 'From sandbox.json.', type: 'global', status: 'current', createdAt, authorId: author, homepageId: '70001', canCreate: true },
    ],
    contents: [content('70001', 'Old space'), content('70002', 'Written before records', '70001')],
    codes: [{ codeHash: sha256(code), clientId: CLIENT_ID, redirectUri: REDIRECT_URI, scopes: ALL_SCOPES, expiresAt: START + 5 * 60 * 1000 }],
    accessTokens: [token(accessToken, START + 3600 * 1000), token('an-expired-access-token-value', START - 1)],
    refreshTokens: [token(refreshToken, START + 30 * 24 * 3600 * 1000)],
    nextId: 70003,
  };

  it('imports the wiki and the live grants once, then renames the file sandbox.json.migrated', async () => {
    const dataDir = await newDataDir();
    const legacyText = JSON.stringify(legacy);
    await writeFile(path.join(dataDir, 'sandbox.json'), legacyText);

    const first = await startSandbox({ dataDir, legacyDataDir: dataDir });
    try {
      expect((await first.sandbox.listSpaces()).map((space) => space.key)).toEqual(['OLD']);
      expect((await first.sandbox.findContent((item) => item.title === 'Written before records')).map((item) => item.id)).toEqual(['70002']);
      expect(await readFile(path.join(dataDir, 'sandbox.json.migrated'), 'utf8')).toBe(legacyText);
      await expect(stat(path.join(dataDir, 'sandbox.json'))).rejects.toThrow(/ENOENT/);

      const listed = await api(`${first.v2}/spaces/70000/pages`, accessToken);
      expect(listed.status).toBe(200);
      expect(((await listed.json()) as { results: Array<{ title: string }> }).results.map((page) => page.title)).toEqual(['Old space', 'Written before records']);
      expect(await first.records.get(`sandbox/grants/access/${sha256('an-expired-access-token-value')}`)).toBeUndefined();
      const exchanged = await postToken(first, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT_URI });
      expect(exchanged.status).toBe(200);
      expect((await postToken(first, refreshBody(refreshToken))).status).toBe(200);

      const created = await api(`${first.v2}/pages`, accessToken, { method: 'POST', body: JSON.stringify({ spaceId: '70000', title: 'After the migration' }) });
      expect(((await created.json()) as { id: string }).id).toBe('70003');
    } finally {
      await first.close();
    }

    // A sandbox.json put back by hand is not imported over existing records, and is left where it is.
    await writeFile(path.join(dataDir, 'sandbox.json'), legacyText);
    const second = await startSandbox({ dataDir, legacyDataDir: dataDir });
    try {
      expect((await second.sandbox.findContent((item) => item.title === 'After the migration')).map((item) => item.id)).toEqual(['70003']);
      expect(await readFile(path.join(dataDir, 'sandbox.json'), 'utf8')).toBe(legacyText);
    } finally {
      await second.close();
    }
  });

  it('refuses a sandbox.json that is not its own instead of overwriting it', async () => {
    const dataDir = await newDataDir();
    await writeFile(path.join(dataDir, 'sandbox.json'), JSON.stringify({ something: 'else' }));
    await expect(startSandbox({ dataDir, legacyDataDir: dataDir })).rejects.toThrow(/sandbox\.json in .* is not a sandbox data file/);
    expect(await readFile(path.join(dataDir, 'sandbox.json'), 'utf8')).toBe(JSON.stringify({ something: 'else' }));
  });
});
