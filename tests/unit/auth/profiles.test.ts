import { DEFAULT_SCOPES } from '../../../services/config/config.js';
import { ProfileError, ProfileStore } from '../../../services/auth/profiles.js';
import { DEFAULT_SETTINGS, SettingsStore } from '../../../services/auth/settings.js';
import { tokenKey } from '../../../services/auth/records.js';
import type { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { openStorage, storedText, temporaryDirectory } from './authTestKit.js';

const SECRET = 'custom-client-secret-3f9a';

const newProfile = {
  name: 'acme',
  clientId: 'acme-client',
  clientSecret: SECRET,
  authorizationUrl: 'https://auth.example.com/authorize',
  tokenUrl: 'https://auth.example.com/oauth/token',
  refreshTokenUrl: 'https://auth.example.com/oauth/token/',
};

describe('ProfileStore and SettingsStore', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let records: LocalRecordStore;
  let profiles: ProfileStore;
  let settings: SettingsStore;

  beforeEach(async () => {
    dir = await temporaryDirectory();
    const storage = await openStorage(dir.path);
    records = storage.records;
    profiles = new ProfileStore(records, storage.secretBox);
    settings = new SettingsStore(records);
  });
  afterEach(() => dir.remove());

  it('adds a profile with the default scopes and keeps its secret encrypted in its record', async () => {
    const added = await profiles.add(newProfile);
    expect(added).toMatchObject({ name: 'acme', clientId: 'acme-client', scopes: DEFAULT_SCOPES, refreshTokenUrl: 'https://auth.example.com/oauth/token' });
    expect(added).not.toHaveProperty('clientSecret');

    const file = await storedText(dir.path);
    expect(file).not.toContain(SECRET);
    expect(file).toMatch(/"clientSecret":"v1:/);
    expect((await profiles.get('acme'))?.clientSecret).toBe(SECRET);
  });

  it('lists profiles without their secrets', async () => {
    await profiles.add(newProfile);
    await profiles.add({ ...newProfile, name: 'beta', scopes: ['read:page:confluence', 'offline_access'] });
    const listed = await profiles.list();
    expect(listed.map((profile) => profile.name)).toEqual(['acme', 'beta']);
    expect(JSON.stringify(listed)).not.toContain(SECRET);
    expect(listed[1]!.scopes).toEqual(['read:page:confluence', 'offline_access']);
  });

  it.each([
    ['', 'name'],
    ['has space', 'name'],
    ['x'.repeat(65), 'name'],
    ['system', 'reserved'],
    ['SYSTEM', 'reserved'],
  ])('rejects the name %j', async (name, message) => {
    await expect(profiles.add({ ...newProfile, name })).rejects.toThrow(message);
  });

  it('accepts a 64-character name of letters, digits, _ and -', async () => {
    await expect(profiles.add({ ...newProfile, name: `A-b_9${'z'.repeat(59)}` })).resolves.toBeDefined();
  });

  it('rejects URLs that are not http(s), and a duplicate name', async () => {
    await expect(profiles.add({ ...newProfile, tokenUrl: 'ftp://x/token' })).rejects.toThrow(/tokenUrl/);
    await profiles.add(newProfile);
    await expect(profiles.add(newProfile)).rejects.toThrow(ProfileError);
  });

  it('removes a profile with its tokens, but not while it is active', async () => {
    await profiles.add(newProfile);
    await records.put(tokenKey('acme', 'shared'), { profileName: 'acme', owner: 'shared', accessToken: 'v1:x', expiresAt: 0, scope: '', sites: [], updatedAt: 0 });
    await records.put(tokenKey('acme', 'msteams:alice'), { profileName: 'acme', owner: 'msteams:alice', accessToken: 'v1:y', expiresAt: 0, scope: '', sites: [], updatedAt: 0 });
    await settings.use('acme', 'preauthorized');
    await expect(profiles.remove('acme')).rejects.toThrow(/active profile/);
    await settings.use('system', 'user');
    expect(await profiles.remove('acme')).toBe(true);
    expect(await profiles.remove('acme')).toBe(false);
    expect(await records.listKeys('tokens/')).toEqual([]);
  });

  it('defaults to the system app in user mode', async () => {
    expect(DEFAULT_SETTINGS).toEqual({ type: 'system', mode: 'user', profileName: 'system' });
    expect(await settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  it('switches to a custom profile and back; refuses an unknown profile', async () => {
    await expect(settings.use('nope', 'user')).rejects.toThrow(/no profile named "nope"/);
    await profiles.add(newProfile);
    await settings.use('acme', 'preauthorized');
    expect(await settings.get()).toEqual({ type: 'custom', mode: 'preauthorized', profileName: 'acme' });
    await settings.use('system', 'user');
    expect(await settings.get()).toEqual({ type: 'system', mode: 'user', profileName: 'system' });
  });
});
