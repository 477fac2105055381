import { readFile } from 'node:fs/promises';
import { SIGN_IN_LIFETIME_MS, SignInRequestStore, hashSecret } from '../../../services/auth/signInRequests.js';
import type { BotDatabase } from '../../../services/storage/database.js';
import { openStorage, temporaryDirectory } from './authTestKit.js';

describe('SignInRequestStore', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let database: BotDatabase;
  let clock: number;
  let store: SignInRequestStore;
  const requester = { channelId: 'msteams', userId: 'user-1' };

  beforeEach(async () => {
    dir = await temporaryDirectory();
    database = (await openStorage(dir.path)).database;
    clock = 1_000_000;
    store = new SignInRequestStore(database, () => clock);
  });
  afterEach(() => dir.remove());

  it('stores only hashes of the id and the state', async () => {
    const { id, expiresAt } = await store.create({ kind: 'user', profileName: 'system', requester, conversation: { id: 'c1' } });
    expect(expiresAt).toBe(clock + SIGN_IN_LIFETIME_MS);
    const issued = await store.issueState(id);
    const file = await readFile(database.file, 'utf8');
    expect(file).not.toContain(id);
    expect(file).not.toContain(issued!.state);
    expect(file).toContain(hashSecret(id));
    expect(file).toContain(hashSecret(issued!.state));
  });

  it('binds the state to the requester, conversation and profile it was created for', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'acme', requester, conversation: { id: 'c1' } });
    const issued = await store.issueState(id);
    expect(await store.consume(issued!.state)).toMatchObject({ kind: 'user', profileName: 'acme', requester, conversation: { id: 'c1' } });
  });

  it('is single-use', async () => {
    const { id } = await store.create({ kind: 'preauthorize', profileName: 'system' });
    const { state } = (await store.issueState(id))!;
    expect(await store.consume(state)).toBeDefined();
    expect(await store.consume(state)).toBeUndefined();
    expect(await store.issueState(id)).toBeUndefined();
  });

  it('rejects an unknown id and a wrong state', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'system', requester });
    expect(await store.issueState('made-up')).toBeUndefined();
    await store.issueState(id);
    expect(await store.consume('made-up')).toBeUndefined();
  });

  it('only the latest state of a link completes', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'system', requester });
    const first = (await store.issueState(id))!;
    const second = (await store.issueState(id))!;
    expect(await store.consume(first.state)).toBeUndefined();
    expect(await store.consume(second.state)).toBeDefined();
  });

  it('expires after ten minutes, for the link and for the state', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'system', requester });
    const { state } = (await store.issueState(id))!;
    clock += SIGN_IN_LIFETIME_MS;
    expect(await store.issueState(id)).toBeUndefined();
    expect(await store.consume(state)).toBeUndefined();
    expect((await database.read()).signInRequests).toEqual([]);
  });
});
