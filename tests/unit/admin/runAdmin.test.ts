import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { runAdmin } from '../../../admin/runAdmin.js';
import { AuthService } from '../../../services/auth/authService.js';
import { loadConfig } from '../../../services/config/config.js';
import { FakeAtlassianAuth } from '../../helpers/fakeAtlassianAuth.js';
import { TEST_KEY_HEX, environmentFor, storedText, temporaryDirectory } from '../auth/authTestKit.js';

const PROFILE_SECRET = 'acme-profile-secret-9d2c';

describe('admin CLI', () => {
  let fake: FakeAtlassianAuth;
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let env: NodeJS.ProcessEnv;
  let output: string[];

  const admin = async (...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    let stdout = '';
    let stderr = '';
    const code = await runAdmin(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      env,
    });
    output.push(stdout, stderr);
    return { code, stdout, stderr };
  };

  const addAcme = (...extra: string[]) =>
    admin(
      'profile', 'add', 'acme',
      '--client-id', 'acme-client',
      '--client-secret', PROFILE_SECRET,
      '--authorization-url', 'https://auth.example.com/authorize',
      '--token-url', 'https://auth.example.com/oauth/token',
      '--refresh-token-url', 'https://auth.example.com/oauth/token',
      ...extra,
    );

  beforeEach(async () => {
    fake = await new FakeAtlassianAuth().start();
    dir = await temporaryDirectory();
    env = environmentFor(fake, dir.path);
    output = [];
  });

  afterEach(async () => {
    try {
      const everything = output.join('\n');
      for (const secret of [PROFILE_SECRET, fake.clientSecret, TEST_KEY_HEX]) expect(everything).not.toContain(secret);
      const stored = await storedText(dir.path);
      expect(stored).not.toContain(PROFILE_SECRET);
      expect(stored).not.toContain(fake.clientSecret);
    } finally {
      await fake.stop();
      await dir.remove();
    }
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['profile']],
    [['profile', 'rename', 'a']],
    [['profile', 'add', 'acme', '--client-id', 'x']],
    [['profile', 'add', '--client-id', 'x']],
    [['profile', 'list', '--verbose']],
    [['profile', 'remove']],
    [['use', 'system']],
    [['use', 'system', '--mode', 'everyone']],
    [['use', '--mode', 'user']],
    [['status', 'now']],
    [['authorize', '--force']],
  ])('rejects bad arguments %j with the usage on stderr and exit code 2', async (argv) => {
    const result = await admin(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run admin');
    expect(result.stdout).toBe('');
    expect(existsSync(join(dir.path, 'records'))).toBe(false);
  });

  it('rejects an invalid profile name or URL with exit code 2', async () => {
    expect((await admin('profile', 'add', 'system', '--client-id', 'a', '--client-secret', PROFILE_SECRET, '--authorization-url', 'https://a/x', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t')).code).toBe(2);
    const badUrl = await admin('profile', 'add', 'ok', '--client-id', 'a', '--client-secret', PROFILE_SECRET, '--authorization-url', 'not a url', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('authorizationUrl');
  });

  it('prints help on request', async () => {
    const result = await admin('help');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('profile add <name>');
  });

  it('adds, lists and removes profiles without ever showing the secret', async () => {
    const added = await addAcme('--scopes', 'read:page:confluence  offline_access');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(added.stdout).toContain('Added profile "acme"');

    expect((await addAcme()).code).toBe(1);

    const listed = await admin('profile', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('acme');
    expect(listed.stdout).toContain('acme-client');
    expect(listed.stdout).toContain('read:page:confluence offline_access');

    expect(await admin('profile', 'remove', 'acme')).toMatchObject({ code: 0 });
    expect((await admin('profile', 'remove', 'acme')).code).toBe(1);
    expect((await admin('profile', 'list')).stdout).toContain('No custom profiles');
  });

  it('switches the active authorization and reports it in status', async () => {
    expect((await admin('status')).stdout).toMatch(/Type: +system\nMode: +user\nProfile: +system\n/);
    expect((await admin('use', 'acme', '--mode', 'user')).code).toBe(1);
    await addAcme();
    const used = await admin('use', 'acme', '--mode', 'preauthorized');
    expect(used.code).toBe(0);
    expect(used.stdout).toContain('run "authorize"');
    const status = await admin('status');
    expect(status.stdout).toMatch(/Type: +custom\nMode: +preauthorized\nProfile: +acme\n/);
    expect(status.stdout).toContain('Shared token: none stored');
    const removeActive = await admin('profile', 'remove', 'acme');
    expect(removeActive.code).toBe(1);
    expect(removeActive.stderr).toContain('active profile');
  });

  it('authorize refuses in user mode with a clear message', async () => {
    const result = await admin('authorize');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('use system --mode preauthorized');
  });

  it('authorize prints a link that the running bot completes; status then shows the site', async () => {
    await admin('use', 'system', '--mode', 'preauthorized');
    const result = await admin('authorize');
    expect(result.code).toBe(0);
    const link = /http:\/\/localhost:3978\/oauth\/start\?id=\S+/.exec(result.stdout)![0];

    // The running bot: its own handle on the same data directory.
    const bot = await AuthService.open({ config: loadConfig(env) });
    const providerUrl = await bot.beginAuthorization(new URL(link).searchParams.get('id')!);
    const state = new URL(providerUrl!).searchParams.get('state')!;
    expect((await bot.completeAuthorization({ state, code: fake.grantCode() })).kind).toBe('preauthorized');

    const status = await admin('status');
    expect(status.stdout).toContain('Shared token: stored');
    expect(status.stdout).toContain('site: Example https://example.atlassian.net (cloudId cloud-1)');
    expect(await bot.getConnection({ channelId: 'webchat', userId: 'anyone' })).toMatchObject({ status: 'connected' });
  });

  it('explains a configuration problem with exit code 1', async () => {
    env = { ...env, ATLASSIAN_CLIENT_SECRET: '' };
    const result = await admin('status');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ATLASSIAN_CLIENT_SECRET');
  });

  it('works in the sandbox, sharing the generated key with the bot', async () => {
    env = { DATA_DIR: dir.path };
    expect((await addAcme()).code).toBe(0);
    expect(existsSync(join(dir.path, 'encryption.key'))).toBe(true);
    const bot = await AuthService.open({ config: loadConfig(env) });
    expect((await bot.profiles.get('acme'))?.clientSecret).toBe(PROFILE_SECRET);
    expect((await admin('status')).stdout).toContain('Profile:  system (sandbox)');
  });
});
