/**
 * `npm run admin -- test [profile]` against the bot's own set-up (tests/helpers/world.ts): the real AuthService on a
 * temporary data folder and the sandbox on 127.0.0.1 playing Atlassian, which knows every profile the bot has.
 * The shared token is stored the real way: `authorize`, the consent page, and the code from the Connected page.
 */
import { formatProfileCheck } from '../../../admin/format.js';
import { allPassed, runProfileCheck, type ProfileCheckOptions, type ProfileCheckReport } from '../../../admin/profileCheck.js';
import { SHARED_TOKEN_OWNER } from '../../../services/auth/tokenStore.js';
import { loadConfig, type Config } from '../../../services/config/config.js';
import { createWorld, type World, type WorldOptions } from '../../helpers/world.js';
import { result } from './checkResults.js';

/** Scopes the sandbox's authorization server knows; the profiles below ask for these. */
const TESTED_SCOPES = ['read:space:confluence', 'read:page:confluence', 'write:page:confluence', 'search:confluence', 'offline_access'];
const TESTED_SECRET = 'tested-profile-secret-5b1e';

let world: World | undefined;
let printed: string[];

async function start(options: WorldOptions = {}): Promise<World> {
  world = await createWorld(options);
  await world.auth.profiles.add({
    name: 'tested',
    clientId: 'tested-app',
    clientSecret: TESTED_SECRET,
    authorizationUrl: configFor(world).system.authorizationUrl,
    tokenUrl: configFor(world).system.tokenUrl,
    refreshTokenUrl: configFor(world).system.tokenUrl,
    scopes: TESTED_SCOPES,
  });
  return world;
}

function configFor(current: World): Config {
  return loadConfig({ PORT: new URL(current.publicUrl).port, DATA_DIR: current.dataDir, LOG_LEVEL: 'silent' });
}

async function check(current: World, options: ProfileCheckOptions = {}): Promise<ProfileCheckReport> {
  const report = await runProfileCheck(current.auth, configFor(current), { neededScopes: TESTED_SCOPES, ...options });
  printed.push(formatProfileCheck(report));
  return report;
}

function statuses(report: ProfileCheckReport): Record<string, string> {
  return Object.fromEntries(report.results.map((result) => [result.name, result.status]));
}


beforeEach(() => {
  printed = [];
});

afterEach(async () => {
  if (world === undefined) return;
  try {
    const everything = printed.join('\n');
    expect(everything).not.toContain(TESTED_SECRET);
    expect(everything).not.toContain('sandbox-system-secret-for-tests');
    const token = await world.auth.tokens.get('tested', SHARED_TOKEN_OWNER);
    if (token !== undefined) {
      expect(everything).not.toContain(token.accessToken);
      if (token.refreshToken !== undefined) expect(everything).not.toContain(token.refreshToken);
    }
  } finally {
    await world.close();
    world = undefined;
  }
});

describe('admin test [profile] in the bot\'s own sandbox', () => {
  it('passes every check for a pre-authorized profile whose app, callback, scopes and site are right', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'preauthorized');
    await current.preauthorize();

    const report = await check(current);

    expect(statuses(report)).toEqual({
      'Authorization URL': 'passed',
      'Token URL': 'passed',
      'Configured scopes': 'passed',
      'Shared token': 'passed',
      Sites: 'passed',
      'Confluence call': 'passed',
      'Granted scopes': 'passed',
    });
    expect(allPassed(report)).toBe(true);
    const text = formatProfileCheck(report);
    expect(text).toContain('Testing profile "tested" (custom, client id tested-app; active, preauthorized mode)');
    expect(text).toContain(`accepts client id "tested-app" and callback URL ${current.publicUrl}/oauth/callback`);
    expect(text).toContain('reaches "Sandbox"');
    expect(text).toMatch(/Verdict: ✓ profile "tested" passed every check\.\n$/);
  });

  it('tests the active profile when none is named, and "system" on request', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'user');
    expect((await check(current)).profileName).toBe('tested');

    const system = await check(current, { profileName: 'system', neededScopes: undefined });
    expect(system.type).toBe('system');
    expect(system.activeMode).toBeUndefined();
    // Only the process that runs the sandbox knows the system app's secret (made afresh at each start).
    expect(result(system, 'Token URL')).toMatchObject({ status: 'skipped', summary: expect.stringContaining('only the bot knows it') });
  });

  it('without a stored token runs the URL checks only and says how to authorize', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'user');

    const report = await check(current);

    expect(statuses(report)).toEqual({
      'Authorization URL': 'passed',
      'Token URL': 'passed',
      'Configured scopes': 'passed',
      'Shared token': 'skipped',
    });
    expect(allPassed(report)).toBe(true);
    expect(formatProfileCheck(report)).toContain(
      '→ To test one, authorize a shared connection: npm run admin -- use tested --mode preauthorized, then npm run admin -- authorize.',
    );
  });

  it('fails when the profile is active in pre-authorized mode and no shared token is stored', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'preauthorized');

    const report = await check(current);

    expect(result(report, 'Shared token')).toMatchObject({ status: 'failed', summary: expect.stringContaining('cannot reach Confluence') });
    expect(allPassed(report)).toBe(false);
    expect(formatProfileCheck(report)).toMatch(/Verdict: ✗ profile "tested" failed 1 of 4 checks: Shared token\.\n$/);
  });

  it('refreshes a due token the way the bot does, and keeps the rotated refresh token', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'preauthorized');
    await current.preauthorize();
    const stored = (await current.auth.tokens.get('tested', SHARED_TOKEN_OWNER))!;
    await current.auth.tokens.save('tested', SHARED_TOKEN_OWNER, { ...stored, expiresAt: Date.now() - 1000 }, Date.now() - 3_600_000);

    const report = await check(current);

    expect(result(report, 'Shared token')).toMatchObject({ status: 'passed', summary: expect.stringContaining('refreshed') });
    expect(result(report, 'Confluence call').status).toBe('passed');
    const after = (await current.auth.tokens.get('tested', SHARED_TOKEN_OWNER))!;
    expect(after.refreshToken).not.toBe(stored.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
  });

  it('refreshes the due token of a profile that is not in use too, as the bot would, and calls Confluence with it', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'preauthorized');
    await current.preauthorize();
    await current.auth.settings.use('system', 'user');
    const stored = (await current.auth.tokens.get('tested', SHARED_TOKEN_OWNER))!;
    await current.auth.tokens.save('tested', SHARED_TOKEN_OWNER, { ...stored, expiresAt: Date.now() - 1000 }, Date.now() - 3_600_000);

    const report = await check(current, { profileName: 'tested' });

    expect(result(report, 'Shared token')).toMatchObject({ status: 'passed', summary: 'Stored; it was due, and was refreshed as the bot refreshes it.' });
    expect(result(report, 'Confluence call').status).toBe('passed');
    const after = (await current.auth.tokens.get('tested', SHARED_TOKEN_OWNER))!;
    expect(after.refreshToken).not.toBe(stored.refreshToken);
    expect(after.expiresAt).toBeGreaterThan(Date.now());
  });

  it('says the site is not shared with the app when the token reaches no site', async () => {
    const current = await start({ sites: [] });
    await current.auth.settings.use('tested', 'preauthorized');
    await current.preauthorize();

    const report = await check(current);

    expect(result(report, 'Sites')).toMatchObject({
      status: 'failed',
      summary: 'The token reaches no Confluence site: the site is not shared with the app, or the app is not installed on a site.',
    });
    expect(report.results.map((entry) => entry.name)).not.toContain('Confluence call');
    expect(allPassed(report)).toBe(false);
  });

  it('names the scopes a token lacks when it was granted before the profile asked for them', async () => {
    const current = await start();
    await current.auth.settings.use('tested', 'preauthorized');
    await current.preauthorize();
    const stored = (await current.auth.tokens.get('tested', SHARED_TOKEN_OWNER))!;
    // An older sign-in: the same token record, without search:confluence.
    await current.auth.tokens.save('tested', SHARED_TOKEN_OWNER, { ...stored, scope: stored.scope.replace('search:confluence', '').trim() });

    const report = await check(current);

    expect(result(report, 'Granted scopes')).toMatchObject({ status: 'failed', summary: expect.stringContaining('search:confluence (finding pages)') });
    expect(result(report, 'Granted scopes').next).toContain('npm run admin -- use tested --mode preauthorized, then npm run admin -- authorize');
  });
});
