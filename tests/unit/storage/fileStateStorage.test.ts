import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileStateStorage } from '../../../services/storage/fileStateStorage.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'state-'));
}

describe('FileStateStorage', () => {
  it('round-trips items and assigns a fresh eTag on every write', async () => {
    const storage = new FileStateStorage(await tempDir());
    await storage.write({ 'emulator/conversations/a|livechat': { step: 2 } });
    const first = await storage.read(['emulator/conversations/a|livechat', 'missing']);
    expect(Object.keys(first)).toEqual(['emulator/conversations/a|livechat']);
    expect(first['emulator/conversations/a|livechat']!.step).toBe(2);
    const firstTag = first['emulator/conversations/a|livechat']!.eTag;
    expect(typeof firstTag).toBe('string');

    await storage.write({ 'emulator/conversations/a|livechat': { step: 3, eTag: firstTag } });
    const second = await storage.read(['emulator/conversations/a|livechat']);
    expect(second['emulator/conversations/a|livechat']!.step).toBe(3);
    expect(second['emulator/conversations/a|livechat']!.eTag).not.toBe(firstTag);
  });

  it('refuses a write whose eTag is stale, and accepts "*"', async () => {
    const storage = new FileStateStorage(await tempDir());
    await storage.write({ k: { v: 1 } });
    const { k } = await storage.read(['k']);
    await storage.write({ k: { v: 2, eTag: k!.eTag } });
    await expect(storage.write({ k: { v: 3, eTag: k!.eTag } })).rejects.toThrow(/eTag conflict/);
    await storage.write({ k: { v: 4, eTag: '*' } });
    expect((await storage.read(['k'])).k!.v).toBe(4);
  });

  it('lets only one of two concurrent writers with the same eTag win', async () => {
    const storage = new FileStateStorage(await tempDir());
    await storage.write({ k: { v: 0 } });
    const { k } = await storage.read(['k']);
    const results = await Promise.allSettled([
      storage.write({ k: { v: 1, eTag: k!.eTag } }),
      storage.write({ k: { v: 2, eTag: k!.eTag } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('keeps one file per key and deletes it', async () => {
    const dir = await tempDir();
    const storage = new FileStateStorage(dir);
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    expect(await readdir(dir)).toHaveLength(2);
    await storage.delete(['a']);
    expect(await readdir(dir)).toHaveLength(1);
    expect(await storage.read(['a'])).toEqual({});
    const [remaining] = await readdir(dir);
    expect(JSON.parse(await readFile(path.join(dir, remaining!), 'utf8')).key).toBe('b');
  });

  it('survives a new instance on the same folder (a restart)', async () => {
    const dir = await tempDir();
    await new FileStateStorage(dir).write({ k: { draft: { title: 'Release notes' } } });
    const again = await new FileStateStorage(dir).read(['k']);
    expect(again.k!.draft).toEqual({ title: 'Release notes' });
  });
});
