import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileStateStorage } from '../../../services/storage/fileStateStorage.js';

async function tempDir(): Promise<string> {
  return mkdtemp(path.join(os.tmpdir(), 'state-'));
}

/** What is particular to the per-key files; the shared rules are in stateStorage.contract.test.ts. */
describe('FileStateStorage', () => {
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
