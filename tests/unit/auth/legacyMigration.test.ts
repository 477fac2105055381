/**
 * A data folder from before the record store (one bot.json) is moved into records on the first start: settings,
 * profiles, tokens and pending sign-ins all still work, links and states handed out before the upgrade included.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrateLegacyDatabase } from '../../../services/auth/legacyMigration.js';
import { ProfileStore } from '../../../services/auth/profiles.js';
import { SettingsStore } from '../../../services/auth/settings.js';
import { hashSecret, randomSecret, SignInRequestStore } from '../../../services/auth/signInRequests.js';
import { TokenStore } from '../../../services/auth/tokenStore.js';
import { silentLogger } from '../../../services/logging/logger.js';
import { openStorage, temporaryDirectory } from './authTestKit.js';

describe('moving bot.json into records', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  it('copies every setting, profile, token and live sign-in, keeps the file as bot.json.migrated, and runs once', async () => {
    const { records, secretBox } = await openStorage(dir.path);
    const now = Date.now();
    const liveLink = randomSecret();
    const liveState = randomSecret();
    const legacy = {
      settings: { type: 'custom', mode: 'preauthorized', profileName: 'acme' },
      profiles: [
        {
          name: 'acme',
          clientId: 'acme-client',
          clientSecret: secretBox.seal('acme-secret'),
          authorizationUrl: 'https://auth.example.com/authorize',
          tokenUrl: 'https://auth.example.com/token',
          refreshTokenUrl: 'https://auth.example.com/token',
          scopes: ['read:page:confluence', 'offline_access'],
          createdAt: 1,
        },
      ],
      tokens: [
        { profileName: 'acme', owner: 'shared', accessToken: secretBox.seal('shared-access'), refreshToken: secretBox.seal('shared-refresh'), expiresAt: now + 3_600_000, scope: 's', sites: [], updatedAt: now },
        { profileName: 'system', owner: 'msteams:29:alice/with|odd:chars', accessToken: secretBox.seal('alice-access'), expiresAt: now + 3_600_000, scope: 's', sites: [{ cloudId: 'c1', name: 'Site', url: 'https://x' }], updatedAt: now },
      ],
      signInRequests: [
        { idHash: hashSecret(liveLink), stateHash: hashSecret(liveState), kind: 'user', profileName: 'system', requester: { channelId: 'msteams', userId: 'bob' }, conversation: { activityId: 'a1', channelId: 'msteams', serviceUrl: 'https://smba.trafficmanager.net/emea/', conversation: { id: 'conv-bob' }, user: { id: 'bob' }, bot: { id: 'bot' } }, createdAt: now, expiresAt: now + 300_000 },
        { idHash: hashSecret('expired-link'), kind: 'user', profileName: 'system', createdAt: now - 900_000, expiresAt: now - 1 },
      ],
    };
    const file = join(dir.path, 'bot.json');
    await writeFile(file, JSON.stringify(legacy, null, 2));

    const report = await migrateLegacyDatabase(dir.path, records, silentLogger, now);
    expect(report).toMatchObject({ copied: 6, kept: 0 });
    expect(existsSync(file)).toBe(false);
    expect(JSON.parse(await readFile(`${file}.migrated`, 'utf8'))).toEqual(legacy);
    expect(await migrateLegacyDatabase(dir.path, records, silentLogger, now)).toBeUndefined();

    expect(await new SettingsStore(records).get()).toEqual({ type: 'custom', mode: 'preauthorized', profileName: 'acme' });
    expect((await new ProfileStore(records, secretBox).get('acme'))?.clientSecret).toBe('acme-secret');
    const tokens = new TokenStore(records, secretBox);
    expect(await tokens.get('acme', 'shared')).toMatchObject({ accessToken: 'shared-access', refreshToken: 'shared-refresh' });
    expect(await tokens.get('system', 'msteams:29:alice/with|odd:chars')).toMatchObject({ accessToken: 'alice-access', sites: [{ cloudId: 'c1' }] });

    // A sign-in that was at the consent page during the upgrade completes with its old state, once.
    const signIns = new SignInRequestStore(records);
    const migrated = await signIns.consume(liveState);
    expect(migrated).toMatchObject({ requester: { userId: 'bob' }, conversation: { conversation: { id: 'conv-bob' } } });
    expect(migrated?.conversation).not.toHaveProperty('activityId');
    expect(await signIns.consume(liveState)).toBeUndefined();
  });

  it('lets a link handed out before the upgrade start a sign-in afterwards', async () => {
    const { records } = await openStorage(dir.path);
    const link = randomSecret();
    const now = Date.now();
    await writeFile(
      join(dir.path, 'bot.json'),
      JSON.stringify({ signInRequests: [{ idHash: hashSecret(link), kind: 'preauthorize', profileName: 'system', createdAt: now, expiresAt: now + 60_000 }] }),
    );
    await migrateLegacyDatabase(dir.path, records, silentLogger, now);
    const signIns = new SignInRequestStore(records);
    const issued = await signIns.issueState(link);
    expect(issued?.request.kind).toBe('preauthorize');
    expect(await signIns.consume(issued!.state)).toMatchObject({ kind: 'preauthorize' });
  });

  it('never overwrites a record that already exists (a crash halfway, then a second start)', async () => {
    const { records } = await openStorage(dir.path);
    await records.put('settings', { type: 'system', mode: 'user' });
    await writeFile(join(dir.path, 'bot.json'), JSON.stringify({ settings: { type: 'system', mode: 'preauthorized' } }));
    expect(await migrateLegacyDatabase(dir.path, records, silentLogger)).toMatchObject({ copied: 0, kept: 1 });
    expect((await records.get('settings'))?.value).toEqual({ type: 'system', mode: 'user' });
  });
});
