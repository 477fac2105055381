import { SIGN_IN_LIFETIME_MS, SignInRequestStore, hashSecret } from '../../../services/auth/signInRequests.js';
import type { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { addressIn, openStorage, storedText, temporaryDirectory } from './authTestKit.js';

describe('SignInRequestStore', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let records: LocalRecordStore;
  let clock: number;
  let store: SignInRequestStore;
  const requester = { channelId: 'msteams', userId: 'user-1' };

  beforeEach(async () => {
    dir = await temporaryDirectory();
    records = (await openStorage(dir.path)).records;
    // The store's own expiry is real time, so the test clock starts now and only moves forward.
    clock = Date.now();
    store = new SignInRequestStore(records, () => clock);
  });
  afterEach(() => dir.remove());

  it('stores only hashes of the id and the state', async () => {
    const { id, expiresAt } = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c1') });
    expect(expiresAt).toBe(clock + SIGN_IN_LIFETIME_MS);
    const issued = await store.issueState(id);
    const file = await storedText(dir.path);
    const [recordKey, stateSecret] = issued!.state.split('.');
    expect(file).not.toContain(id);
    expect(file).not.toContain(stateSecret);
    expect(file).toContain(hashSecret(id));
    expect(recordKey).toBe(hashSecret(id));
    expect(file).toContain(hashSecret(stateSecret!));
  });

  it('binds the state to the requester, conversation and profile it was created for', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'acme', requester, conversation: addressIn('c1') });
    const issued = await store.issueState(id);
    expect(await store.consume(issued!.state)).toMatchObject({ kind: 'user', profileName: 'acme', requester, conversation: addressIn('c1') });
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

  it('refuses a state whose secret part was changed, and one pointing at another link', async () => {
    const first = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c1') });
    const second = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c2') });
    const { state } = (await store.issueState(first.id))!;
    const other = (await store.issueState(second.id))!;
    const [key, secret] = state.split('.');
    const tampered = `${key}.${secret!.slice(0, -1)}${secret!.endsWith('A') ? 'B' : 'A'}`;
    expect(await store.consume(tampered)).toBeUndefined();
    expect(await store.consume(`${other.state.split('.')[0]}.${secret}`)).toBeUndefined();
    expect(await store.consume(`${key}.${secret}.extra`)).toBeUndefined();
    expect(await store.consume(state)).toBeDefined();
  });

  it('gives the request to exactly one of several callbacks racing with the same state (two instances)', async () => {
    const { id } = await store.create({ kind: 'user', profileName: 'system', requester });
    const { state } = (await store.issueState(id))!;
    const otherInstance = new SignInRequestStore((await openStorage(dir.path)).records, () => clock);
    const outcomes = await Promise.all([store.consume(state), otherInstance.consume(state), store.consume(state), otherInstance.consume(state)]);
    expect(outcomes.filter((outcome) => outcome !== undefined)).toHaveLength(1);
  });

  it('finds a request by a link opened on one instance and a callback landing on another', async () => {
    const otherInstance = new SignInRequestStore((await openStorage(dir.path)).records, () => clock);
    const { id } = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c9') });
    const { state } = (await otherInstance.issueState(id))!;
    expect(await store.consume(state)).toMatchObject({ conversation: { conversation: { id: 'c9' } } });
  });

  it('writes one record per sign-in and prunes the abandoned ones', async () => {
    for (let index = 0; index < 5; index += 1) {
      await store.create({ kind: 'user', profileName: 'system', requester: { channelId: 'msteams', userId: `user-${index}` } });
    }
    expect(await records.listKeys('signins/')).toHaveLength(5);
    clock += SIGN_IN_LIFETIME_MS + 1;
    await store.create({ kind: 'user', profileName: 'system', requester: { channelId: 'msteams', userId: 'someone-else' } });
    expect(await store.prune()).toBe(5);
    expect(await records.listKeys('signins/')).toHaveLength(1);
    expect(await records.listKeys('signin-owners/')).toHaveLength(1);
  });

  it('keeps one pending sign-in per user and conversation: a new link replaces the earlier one', async () => {
    const earlier = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c1') });
    const elsewhere = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c2') });
    for (let index = 0; index < 20; index += 1) await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c1') });
    const latest = await store.create({ kind: 'user', profileName: 'system', requester, conversation: addressIn('c1') });
    expect(await store.issueState(earlier.id)).toBeUndefined();
    expect(await store.issueState(elsewhere.id)).toBeDefined();
    expect(await store.issueState(latest.id)).toBeDefined();
    expect(await records.listKeys('signins/')).toHaveLength(2);
    expect(await records.listKeys('signin-owners/')).toHaveLength(2);
  });

  it('keeps one pending pre-authorization per profile', async () => {
    const earlier = await store.create({ kind: 'preauthorize', profileName: 'system' });
    const latest = await store.create({ kind: 'preauthorize', profileName: 'system' });
    expect(await store.issueState(earlier.id)).toBeUndefined();
    expect(await store.issueState(latest.id)).toBeDefined();
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
    expect(await records.listKeys('signins/')).toEqual([]);
  });
});
