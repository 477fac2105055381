/**
 * The storage seam's contract, run against both implementations: local files and Azure Blob Storage (Azurite,
 * started in memory on a free port). Whatever passes here holds for settings, profiles, tokens and sign-ins alike,
 * including the two things built on it that several instances rely on: the refresh claim and the bot.json migration.
 */
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { migrateLegacyDatabase } from '../../../services/auth/legacyMigration.js';
import { TokenStore } from '../../../services/auth/tokenStore.js';
import { SecretBox } from '../../../services/crypto/secretBox.js';
import { silentLogger } from '../../../services/logging/logger.js';
import { LocalRecordStore, RecordCorruptError } from '../../../services/storage/localRecordStore.js';
import { DELETE, InvalidRecordKeyError, RecordStore, UNCHANGED, updateRecord } from '../../../services/storage/recordStore.js';
import { azuriteForThisFile } from '../../helpers/azurite.js';

const azurite = azuriteForThisFile();

const implementations: Array<[string, () => Promise<RecordStore>]> = [
  ['local files', async () => new LocalRecordStore(await mkdtemp(path.join(os.tmpdir(), 'records-')))],
  ['Azure Blob Storage (Azurite)', () => azurite.openStore()],
];

describe.each(implementations)('RecordStore contract: %s', (_name, open) => {
  let store: RecordStore;

  beforeEach(async () => {
    store = await open();
  });

  it('reads what was written, with an ETag, and nothing for an unknown key', async () => {
    expect(await store.get('tokens/system/nobody')).toBeUndefined();
    const etag = await store.create('tokens/system/alice', { scope: 'read', emoji: 'héllo 🎉 שלום' });
    expect(etag).toEqual(expect.any(String));
    expect(await store.get('tokens/system/alice')).toEqual({ value: { scope: 'read', emoji: 'héllo 🎉 שלום' }, etag });
  });

  it('creates only once: a second create of the same key is refused and changes nothing', async () => {
    expect(await store.create('signins/abc', { n: 1 })).toBeDefined();
    expect(await store.create('signins/abc', { n: 2 })).toBeUndefined();
    expect((await store.get<{ n: number }>('signins/abc'))?.value.n).toBe(1);
  });

  it('replaces only the version it read (If-Match); a stale ETag is refused', async () => {
    const first = (await store.create('settings', { mode: 'user' }))!;
    const second = await store.replace('settings', { mode: 'preauthorized' }, first);
    expect(second).toBeDefined();
    expect(second).not.toBe(first);
    expect(await store.replace('settings', { mode: 'stale' }, first)).toBeUndefined();
    expect(await store.get('settings')).toEqual({ value: { mode: 'preauthorized' }, etag: second });
    expect(await store.replace('missing', { any: 1 }, first)).toBeUndefined();
  });

  it('lets exactly one of many concurrent conditional writers win', async () => {
    const etag = (await store.create('tokens/system/shared', { holder: 'nobody' }))!;
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) => store.replace('tokens/system/shared', { holder: `writer ${index}` }, etag)),
    );
    const winners = outcomes.filter((outcome) => outcome !== undefined);
    expect(winners).toHaveLength(1);
    const stored = await store.get<{ holder: string }>('tokens/system/shared');
    expect(stored?.etag).toBe(winners[0]);
    expect(stored?.value.holder).toBe(`writer ${outcomes.findIndex((outcome) => outcome !== undefined)}`);
  });

  it('answers "unchanged" to a cache holding the current version, and the new value after a change', async () => {
    const etag = (await store.create('profiles/corporate', { clientId: 'a' }))!;
    expect(await store.getIfChanged('profiles/corporate', etag)).toBe('unchanged');
    const next = await store.put('profiles/corporate', { clientId: 'b' });
    expect(await store.getIfChanged('profiles/corporate', etag)).toEqual({ value: { clientId: 'b' }, etag: next });
    await store.delete('profiles/corporate');
    expect(await store.getIfChanged('profiles/corporate', next)).toBeUndefined();
  });

  it('deletes, conditionally when given an ETag', async () => {
    const etag = (await store.create('signins/one', { n: 1 }))!;
    const newer = (await store.replace('signins/one', { n: 2 }, etag))!;
    expect(await store.delete('signins/one', etag)).toBe(false);
    expect(await store.delete('signins/one', newer)).toBe(true);
    expect(await store.delete('signins/one')).toBe(false);
    expect(await store.get('signins/one')).toBeUndefined();
  });

  it('lists keys under a prefix, and only there', async () => {
    await store.create('tokens/system/a', 1);
    await store.create('tokens/system/b', 2);
    await store.create('tokens/corporate/c', 3);
    await store.create('tokens-not/x', 4);
    expect((await store.listKeys('tokens/system/')).sort()).toEqual(['tokens/system/a', 'tokens/system/b']);
    expect((await store.listKeys('tokens/')).sort()).toEqual(['tokens/corporate/c', 'tokens/system/a', 'tokens/system/b']);
    expect(await store.listKeys('nothing/')).toEqual([]);
  });

  it('treats an expired record as absent, lets a create take its place, and prunes it', async () => {
    const now = Date.now();
    await store.create('signins/old', { n: 1 }, { expiresAt: now - 1 });
    await store.create('signins/live', { n: 2 }, { expiresAt: now + 60_000 });
    await store.create('signins/forever', { n: 3 });
    expect(await store.get('signins/old')).toBeUndefined();
    expect((await store.get('signins/live'))?.value).toEqual({ n: 2 });

    await store.create('signins/old2', { n: 4 }, { expiresAt: now - 1 });
    expect(await store.create('signins/old2', { n: 5 })).toBeDefined();
    expect((await store.get('signins/old2'))?.value).toEqual({ n: 5 });

    expect(await store.pruneExpired('signins/', now)).toBe(1);
    expect((await store.listKeys('signins/')).sort()).toEqual(['signins/forever', 'signins/live', 'signins/old2']);
  });

  it('lets one of two instances claim a token for its refresh; the other sees the claim and who holds it', async () => {
    const secretBox = new SecretBox(randomBytes(32));
    const [first, second] = [new TokenStore(store, secretBox), new TokenStore(store, secretBox)];
    await first.save('system', 'shared', { accessToken: 'a', refreshToken: 'r', expiresAt: 1, scope: 's', sites: [] });
    const [seenByFirst, seenBySecond] = [await first.getVersion('system', 'shared'), await second.getVersion('system', 'shared')];
    const claims = await Promise.all([
      first.claim(seenByFirst!, { by: 'instance-1', until: Date.now() + 30_000 }),
      second.claim(seenBySecond!, { by: 'instance-2', until: Date.now() + 30_000 }),
    ]);
    expect(claims.filter((etag) => etag !== undefined)).toHaveLength(1);
    const holder = claims[0] !== undefined ? 'instance-1' : 'instance-2';
    expect((await second.getVersion('system', 'shared'))?.claim?.by).toBe(holder);
  });

  it('takes in a bot.json from an earlier version, one record each, and runs only once', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'legacy-'));
    const legacy = {
      settings: { type: 'system', mode: 'preauthorized' },
      tokens: [{ profileName: 'system', owner: 'shared', accessToken: 'v1:sealed', expiresAt: 1, scope: 's', sites: [], updatedAt: 1 }],
    };
    await writeFile(path.join(dataDir, 'bot.json'), JSON.stringify(legacy));
    expect(await migrateLegacyDatabase(dataDir, store, silentLogger)).toMatchObject({ copied: 2 });
    expect(await migrateLegacyDatabase(dataDir, store, silentLogger)).toBeUndefined();
    expect((await store.get('settings'))?.value).toEqual(legacy.settings);
    expect((await store.listKeys('tokens/system/')).length).toBe(1);
  });

  it('refuses keys that could escape their folder or are not plain names', async () => {
    for (const key of ['', '../etc/passwd', 'a//b', 'a/../b', '/abs', 'a/b/', 'spaces not allowed', 'x'.repeat(1000), '.hidden']) {
      await expect(store.get(key)).rejects.toThrow(InvalidRecordKeyError);
      await expect(store.put(key, 1)).rejects.toThrow(InvalidRecordKeyError);
    }
    await expect(store.listKeys('no-trailing-slash')).rejects.toThrow(InvalidRecordKeyError);
  });

  it('updateRecord re-reads and decides again after losing a race, and never loses an increment', async () => {
    await Promise.all(
      Array.from({ length: 15 }, () =>
        updateRecord<number, void>(store, 'counters/hits', (current) => ({ next: (current ?? 0) + 1, result: undefined }), { attempts: 50 }),
      ),
    );
    expect((await store.get<number>('counters/hits'))?.value).toBe(15);
    expect(await updateRecord<number, string>(store, 'counters/hits', () => ({ next: UNCHANGED, result: 'kept' }))).toBe('kept');
    await updateRecord<number, void>(store, 'counters/hits', () => ({ next: DELETE, result: undefined }));
    expect(await store.get('counters/hits')).toBeUndefined();
  });
});

describe('LocalRecordStore on disk', () => {
  it('writes one small private file per record, with no temporary or lock files left behind', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'records-'));
    const store = new LocalRecordStore(root);
    await Promise.all(Array.from({ length: 20 }, (_, index) => store.put(`tokens/system/user${index}`, { index })));
    const files = await readdir(path.join(root, 'tokens', 'system'));
    expect(files.sort()).toEqual(Array.from({ length: 20 }, (_, index) => `user${index}.json`).sort());
    expect(JSON.parse(await readFile(path.join(root, 'tokens', 'system', 'user3.json'), 'utf8'))).toEqual({ value: { index: 3 } });
  });

  it('reports a damaged record by file name and leaves it untouched', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'records-'));
    const store = new LocalRecordStore(root);
    await store.put('settings', { mode: 'user' });
    const file = path.join(root, 'settings.json');
    await writeFile(file, '{ not json');
    await expect(store.get('settings')).rejects.toThrow(RecordCorruptError);
    await expect(store.get('settings')).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe('{ not json');
  });
});
