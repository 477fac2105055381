/**
 * `npm run admin -- test [profile]` against a sandbox that plays someone else's Atlassian app registry
 * (tests/unit/sandbox/sandboxHarness.ts: one registered client, one registered callback URL), so that the answers
 * to an unknown client id, an unregistered callback URL and a wrong secret are Atlassian's, read over real HTTP.
 */
import { Readable } from 'node:stream';
import { formatProfileCheck } from '../../../admin/format.js';
import { runProfileCheck, type ProfileCheckReport } from '../../../admin/profileCheck.js';
import { runAdmin } from '../../../admin/runAdmin.js';
import { AuthService } from '../../../services/auth/authService.js';
import { SHARED_TOKEN_OWNER } from '../../../services/auth/tokenStore.js';
import { DEFAULT_SCOPES, loadConfig } from '../../../services/config/config.js';
import { CLIENT_ID, CLIENT_SECRET, CLOUD_ID, REDIRECT_URI, signIn, startSandbox, type Harness } from '../sandbox/sandboxHarness.js';
import { temporaryDirectory } from '../auth/authTestKit.js';
import { result } from './checkResults.js';

const HARNESS_SCOPES = ['read:space:confluence', 'read:page:confluence', 'write:page:confluence', 'offline_access'];
const WRONG_SECRET = 'not-the-registered-secret-77a0';

let harness: Harness;
let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
let env: NodeJS.ProcessEnv;
let auth: AuthService;
let printed: string[];

/** The bot's settings as the CLI reads them: the harness's token endpoint and gateway, and a callback URL. */
function environment(publicUrl: string): NodeJS.ProcessEnv {
  return {
    PORT: new URL(harness.url).port,
    PUBLIC_URL: publicUrl,
    DATA_DIR: dir.path,
    LOG_LEVEL: 'silent',
    ATLASSIAN_AUTHORIZATION_URL: `${harness.url}/sandbox/authorize`,
  };
}

async function addProfile(name: string, clientId: string, clientSecret: string, scopes = HARNESS_SCOPES): Promise<void> {
  const config = loadConfig(env);
  await auth.profiles.add({
    name,
    clientId,
    clientSecret,
    authorizationUrl: config.system.authorizationUrl,
    tokenUrl: config.system.tokenUrl,
    refreshTokenUrl: config.system.tokenUrl,
    scopes,
  });
}

/** A shared token as `authorize` would have stored it, granted `scopes` by the harness. */
async function storeSharedToken(profileName: string, scopes: string[]): Promise<void> {
  const tokens = await signIn(harness, scopes);
  await auth.tokens.save(profileName, SHARED_TOKEN_OWNER, {
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + tokens.expires_in * 1000,
    scope: tokens.scope,
    sites: [{ cloudId: CLOUD_ID, name: 'Sandbox', url: `${harness.url}/sandbox` }],
  });
}

async function check(profileName: string, publicUrl = new URL(REDIRECT_URI).origin): Promise<ProfileCheckReport> {
  const report = await runProfileCheck(auth, loadConfig(environment(publicUrl)), { profileName, neededScopes: HARNESS_SCOPES });
  printed.push(formatProfileCheck(report));
  return report;
}


beforeEach(async () => {
  harness = await startSandbox();
  dir = await temporaryDirectory();
  // The harness registers the callback http://127.0.0.1:9/oauth/callback: a bot whose PUBLIC_URL is http://127.0.0.1:9.
  env = environment(new URL(REDIRECT_URI).origin);
  auth = await AuthService.open({ config: loadConfig(env) });
  printed = [];
});

afterEach(async () => {
  try {
    const everything = printed.join('\n');
    for (const secret of [CLIENT_SECRET, WRONG_SECRET]) expect(everything).not.toContain(secret);
    // Neither the made-up code nor the state (both random) may be shown; both would be long base64/hex runs.
    expect(everything).not.toMatch(/admin-test-[0-9a-f]{8}/);
  } finally {
    await harness.close();
    await dir.remove();
  }
});

describe('admin test [profile] against an app registry that is not the bot\'s', () => {
  it('passes with the registered client, callback and secret, and a token with the scopes', async () => {
    await addProfile('registered', CLIENT_ID, CLIENT_SECRET);
    await storeSharedToken('registered', HARNESS_SCOPES);

    const report = await check('registered');

    expect(report.results.map((entry) => [entry.name, entry.status])).toEqual([
      ['Authorization URL', 'passed'],
      ['Token URL', 'passed'],
      ['Configured scopes', 'passed'],
      ['Shared token', 'passed'],
      ['Sites', 'passed'],
      ['Confluence call', 'passed'],
      ['Granted scopes', 'passed'],
    ]);
  });

  it('diagnoses an unknown client id at the authorization URL, and refused credentials at the token URL', async () => {
    await addProfile('unknown', 'nobody-registered-this-app', CLIENT_SECRET);

    const report = await check('unknown');

    expect(result(report, 'Authorization URL')).toMatchObject({
      status: 'failed',
      summary: `${new URL(harness.url).host} does not know the client id "nobody-registered-this-app" (invalid_client).`,
    });
    expect(result(report, 'Authorization URL').next).toContain('developer.atlassian.com → your app → Settings');
    expect(result(report, 'Authorization URL').next).toContain('npm run admin -- profile remove unknown');
    expect(result(report, 'Token URL')).toMatchObject({
      status: 'failed',
      summary: expect.stringContaining('refused the client credentials (401 access_denied): the client id "nobody-registered-this-app" is unknown or the client secret is wrong'),
    });
  });

  it('diagnoses a callback URL that is not registered for the app', async () => {
    await addProfile('registered', CLIENT_ID, CLIENT_SECRET);

    const report = await check('registered', 'https://bot.example.com');

    expect(result(report, 'Authorization URL')).toMatchObject({
      status: 'failed',
      summary: 'The callback URL https://bot.example.com/oauth/callback is not registered for this app (unauthorized_client).',
    });
    // The token endpoint does not check the callback for a code it never issued: the credentials still pass there.
    expect(result(report, 'Token URL').status).toBe('passed');
    expect(formatProfileCheck(report)).toMatch(/Verdict: ✗ profile "registered" failed 1 of 4 checks: Authorization URL \(1 not tested\)\.\n$/);
  });

  it('tells a real app where its callback URL is registered', async () => {
    await addProfile('registered', CLIENT_ID, CLIENT_SECRET);
    // With ATLASSIAN_CLIENT_ID set the CLI is not in sandbox mode: the advice names Atlassian's developer console.
    const config = loadConfig({ ...environment('https://bot.example.com'), ATLASSIAN_CLIENT_ID: 'x', ATLASSIAN_CLIENT_SECRET: 'y', ENCRYPTION_KEY: 'a'.repeat(64), ATLASSIAN_TOKEN_URL: `${harness.url}/sandbox/oauth/token`, ATLASSIAN_API_URL: `${harness.url}/sandbox/api` });

    const report = await runProfileCheck(auth, config, { profileName: 'registered', neededScopes: HARNESS_SCOPES });
    printed.push(formatProfileCheck(report));

    expect(result(report, 'Authorization URL').next).toBe(
      'Add it in developer.atlassian.com → your app → Authorization → OAuth 2.0 (3LO) → Callback URL, exactly as shown (it is PUBLIC_URL followed by /oauth/callback).',
    );
  });

  it('says which scopes to add when the app has not added one the profile asks for', async () => {
    await addProfile('greedy', CLIENT_ID, CLIENT_SECRET, [...HARNESS_SCOPES, 'delete:everything:confluence']);

    const report = await check('greedy');

    expect(result(report, 'Authorization URL')).toMatchObject({
      status: 'failed',
      summary: expect.stringContaining('accepts the client id and the callback URL but refused the request (invalid_scope)'),
      next: expect.stringContaining('add them in developer.atlassian.com → your app → Permissions'),
    });
  });

  it('diagnoses a wrong client secret at the token URL only', async () => {
    await addProfile('wrong-secret', CLIENT_ID, WRONG_SECRET);

    const report = await check('wrong-secret');

    expect(result(report, 'Authorization URL').status).toBe('passed');
    expect(result(report, 'Token URL')).toMatchObject({ status: 'failed', summary: expect.stringContaining('the client secret is wrong') });
  });

  it('names the missing scope when Confluence refuses a token that lacks it', async () => {
    // The profile asks only for what was granted; the bot's actions need more, and the call needs read:space.
    await addProfile('narrow', CLIENT_ID, CLIENT_SECRET, ['read:page:confluence', 'offline_access']);
    await storeSharedToken('narrow', ['read:page:confluence', 'offline_access']);

    const report = await check('narrow');

    expect(result(report, 'Configured scopes')).toMatchObject({
      status: 'failed',
      summary: expect.stringContaining('does not ask for read:space:confluence (listing spaces), write:page:confluence (creating pages and adding to them)'),
    });
    expect(result(report, 'Sites').status).toBe('passed');
    expect(result(report, 'Confluence call')).toMatchObject({
      status: 'failed',
      summary: 'GET /wiki/api/v2/spaces on "Sandbox" was refused for a missing scope (401 "scope does not match"): it needs read:space:confluence (listing spaces), which the token lacks.',
    });
    expect(result(report, 'Granted scopes').status).toBe('passed');
  });
});

describe('npm run admin -- test', () => {
  const admin = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runAdmin(argv, {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin: Readable.from([]),
      env,
    });
    printed.push(stdout, stderr);
    return { code, stdout, stderr };
  };

  it('prints one line per check and exits 1 when one failed', async () => {
    await addProfile('wrong-secret', CLIENT_ID, WRONG_SECRET);

    const { code, stdout } = await admin('test', 'wrong-secret');

    expect(code).toBe(1);
    expect(stdout).toMatch(/^Testing profile "wrong-secret" \(custom, client id test-client; not active\)\n\n/);
    expect(stdout).toMatch(/\n✓ Authorization URL +http:\/\/127\.0\.0\.1:\d+\/sandbox\/authorize accepts client id "test-client"/);
    expect(stdout).toMatch(/\n✗ Token URL +http:\/\/127\.0\.0\.1:\d+\/sandbox\/oauth\/token refused the client credentials/);
    expect(stdout).toMatch(/\n +→ Copy the Client ID and Secret from developer\.atlassian\.com → your app → Settings/);
    expect(stdout).toMatch(/\nVerdict: ✗ profile "wrong-secret" failed/);
  });

  it('exits 0 when every check passed, with the scopes the bot needs', async () => {
    await addProfile('registered', CLIENT_ID, CLIENT_SECRET, DEFAULT_SCOPES);
    await storeSharedToken('registered', DEFAULT_SCOPES);

    const { code, stdout } = await admin('test', 'registered');

    expect(stdout).toMatch(/\nVerdict: ✓ profile "registered" passed every check\.\n$/);
    expect(code).toBe(0);
  });

  it('exits 1 for a profile that does not exist', async () => {
    const missing = await admin('test', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('There is no profile named "nope" (see npm run admin -- profile list).\n');
  });

  it('takes at most one profile name', async () => {
    const { code, stderr } = await admin('test', 'a', 'b');
    expect(code).toBe(2);
    expect(stderr).toMatch(/^test takes one name, got 2/);
  });
});
