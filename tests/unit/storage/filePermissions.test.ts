/**
 * Data files are private to the bot's user: created 600 in folders made 700, with the usual umask (022) that would
 * otherwise give 644 and 755, and a data folder left 755 / 644 by an earlier version is made private at start.
 */
import { chmodSync, mkdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { withFileLock } from '../../../services/storage/fileLock.js';
import { FileStateStorage } from '../../../services/storage/fileStateStorage.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { makeDataDirPrivate } from '../../../services/storage/privateDataDir.js';

const modeOf = (file: string): string => (statSync(file).mode & 0o777).toString(8);

describe('data file permissions', () => {
  let dir: string;
  let umask: number;

  beforeEach(async () => {
    umask = process.umask(0o022);
    dir = await mkdtemp(path.join(os.tmpdir(), 'file-modes-'));
  });

  afterEach(() => {
    process.umask(umask);
  });

  it('writes records 600 in folders 700, and a rewritten 644 record becomes 600', async () => {
    const store = new LocalRecordStore(path.join(dir, 'records'));
    await store.put('tokens/alice', { secret: 'sealed' });
    expect(modeOf(path.join(dir, 'records'))).toBe('700');
    expect(modeOf(path.join(dir, 'records', 'tokens'))).toBe('700');
    const file = path.join(dir, 'records', 'tokens', 'alice.json');
    expect(modeOf(file)).toBe('600');
    chmodSync(file, 0o644);
    await store.put('tokens/alice', { secret: 'sealed again' });
    expect(modeOf(file)).toBe('600');
  });

  it('writes state files 600 in a folder 700 once the data folder is made private, and a rewritten 644 state file becomes 600', async () => {
    makeDataDirPrivate(dir);
    const storage = new FileStateStorage(path.join(dir, 'state'));
    await storage.write({ 'webchat/conversations/c1': { draft: 'what the user typed', eTag: '*' } });
    expect(modeOf(path.join(dir, 'state'))).toBe('700');
    const [name] = await readdir(path.join(dir, 'state'));
    const file = path.join(dir, 'state', name!);
    expect(modeOf(file)).toBe('600');
    chmodSync(file, 0o644);
    await storage.write({ 'webchat/conversations/c1': { draft: 'more', eTag: '*' } });
    expect(modeOf(file)).toBe('600');
    expect(await readdir(path.join(dir, 'state'))).toEqual([name]);
    expect((await storage.read(['webchat/conversations/c1']))['webchat/conversations/c1']).toMatchObject({ draft: 'more' });
  });

  it('creates lock files 600', async () => {
    const lock = path.join(dir, 'x.lock');
    await withFileLock(lock, () => expect(modeOf(lock)).toBe('600'));
  });

  it('makes an existing 755 data folder and its direct entries private, and leaves symbolic links alone', () => {
    const data = path.join(dir, 'data');
    mkdirSync(path.join(data, 'records', 'tokens'), { recursive: true, mode: 0o755 });
    mkdirSync(path.join(data, 'state'), { mode: 0o755 });
    writeFileSync(path.join(data, 'encryption.key'), 'k', { mode: 0o644 });
    writeFileSync(path.join(data, 'bot.json.migrated'), '{}', { mode: 0o664 });
    const outside = path.join(dir, 'not-ours.txt');
    writeFileSync(outside, 'x', { mode: 0o644 });
    symlinkSync(outside, path.join(data, 'link'));
    chmodSync(data, 0o755);

    makeDataDirPrivate(data);

    expect(modeOf(data)).toBe('700');
    expect(modeOf(path.join(data, 'records'))).toBe('700');
    expect(modeOf(path.join(data, 'state'))).toBe('700');
    expect(modeOf(path.join(data, 'encryption.key'))).toBe('600');
    expect(modeOf(path.join(data, 'bot.json.migrated'))).toBe('600');
    expect(modeOf(outside)).toBe('644');
  });

  it('creates a missing data folder 700', () => {
    const data = path.join(dir, 'new', 'data');
    makeDataDirPrivate(data);
    expect(modeOf(data)).toBe('700');
  });
});
