/**
 * Conversation and user state storage, the same rules for each implementation: per-key files (one instance), and
 * the record store on local files and on Azure Blob Storage (Azurite), which several instances share.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FileStateStorage } from '../../../services/storage/fileStateStorage.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { RecordStateStorage } from '../../../services/storage/recordStateStorage.js';
import { ETAG_CREATE_ONLY, EtagConflictError, StateStorage } from '../../../services/storage/stateStorage.js';
import { azuriteForThisFile } from '../../helpers/azurite.js';

const azurite = azuriteForThisFile();

const tempDir = () => mkdtemp(path.join(os.tmpdir(), 'state-'));

const implementations: Array<[string, () => Promise<StateStorage>]> = [
  ['per-key files', async () => new FileStateStorage(await tempDir())],
  ['record store on local files', async () => new RecordStateStorage(new LocalRecordStore(await tempDir()))],
  [
    'record store on Azure Blob Storage (Azurite)',
    async () => new RecordStateStorage(await azurite.openStore()),
  ],
];

const KEY = 'msteams/conversations/19:abc|def/users/29:x';

describe.each(implementations)('state storage: %s', (_name, open) => {
  let storage: StateStorage;
  beforeEach(async () => {
    storage = await open();
  });

  it('round-trips items under any channel key, with a fresh eTag on every write', async () => {
    await storage.write({ [KEY]: { step: 2, text: 'héllo 🎉' } });
    const first = await storage.read([KEY, 'missing']);
    expect(Object.keys(first)).toEqual([KEY]);
    expect(first[KEY]).toMatchObject({ step: 2, text: 'héllo 🎉', eTag: expect.any(String) });
    await storage.write({ [KEY]: { step: 3, eTag: first[KEY]!.eTag } });
    const second = await storage.read([KEY]);
    expect(second[KEY]!.step).toBe(3);
    expect(second[KEY]!.eTag).not.toBe(first[KEY]!.eTag);
  });

  it('refuses a stale eTag and a write over a deleted item; "*" always writes', async () => {
    await storage.write({ k: { v: 1 } });
    const { k } = await storage.read(['k']);
    await storage.write({ k: { v: 2, eTag: k!.eTag } });
    await expect(storage.write({ k: { v: 3, eTag: k!.eTag } })).rejects.toThrow(EtagConflictError);
    await storage.write({ k: { v: 4, eTag: '*' } });
    expect((await storage.read(['k'])).k!.v).toBe(4);
    const { k: current } = await storage.read(['k']);
    await storage.delete(['k']);
    await expect(storage.write({ k: { v: 5, eTag: current!.eTag } })).rejects.toThrow(EtagConflictError);
  });

  it('creates only once with ETAG_CREATE_ONLY: the second of two first saves is refused', async () => {
    await storage.write({ k: { v: 1, eTag: ETAG_CREATE_ONLY } });
    await expect(storage.write({ k: { v: 2, eTag: ETAG_CREATE_ONLY } })).rejects.toThrow(EtagConflictError);
    expect((await storage.read(['k'])).k!.v).toBe(1);
  });

  it('puts the new eTag on the written item, so a second save in the same turn is conditional too', async () => {
    const item: { v: number; eTag?: string } = { v: 1, eTag: ETAG_CREATE_ONLY };
    await storage.write({ k: item });
    expect(item.eTag).toBe((await storage.read(['k'])).k!.eTag);
    item.v = 2;
    await storage.write({ k: item });
    expect((await storage.read(['k'])).k!.v).toBe(2);
  });

  it('lets only one of two concurrent writers with the same eTag win', async () => {
    await storage.write({ k: { v: 0 } });
    const { k } = await storage.read(['k']);
    const results = await Promise.allSettled([storage.write({ k: { v: 1, eTag: k!.eTag } }), storage.write({ k: { v: 2, eTag: k!.eTag } })]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
  });

  it('deletes, and a second storage object on the same place sees the same items (another instance, or a restart)', async () => {
    await storage.write({ a: { v: 1 }, b: { v: 2 } });
    await storage.delete(['a']);
    expect(await storage.read(['a'])).toEqual({});
    expect((await storage.read(['b'])).b!.v).toBe(2);
  });
});
