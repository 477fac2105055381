import { jest } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { CLIENT_SECRET_FLAG_WARNING, runAdmin } from '../../../admin/runAdmin.js';
import type { SecretStdin } from '../../../admin/secretInput.js';
import { HEALTH_CHECK_TIMEOUT_MS } from '../../../admin/botCheck.js';
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

  type Result = { code: number; stdout: string; stderr: string };
  /** What the command running now has printed so far (a prompt waits with its output already written). */
  let liveStdout = '';
  const lastStdout = (): string => liveStdout;
  const adminWithInput = async (stdin: SecretStdin, argv: string[]): Promise<Result> => {
    let stdout = '';
    let stderr = '';
    liveStdout = '';
    const code = await runAdmin(argv, {
      stdout: { write: (text: string) => ((stdout += text), (liveStdout = stdout)) },
      stderr: { write: (text: string) => (stderr += text) },
      stdin,
      env,
    });
    output.push(stdout, stderr);
    return { code, stdout, stderr };
  };
  /** Standard input piped, as `printf '%s\n' "$SECRET" | npm run admin -- …` gives it. */
  const admin = (...argv: string[]): Promise<Result> => adminWithInput(Readable.from([`${PROFILE_SECRET}\nnot part of it\n`]), argv);

  const ACME_ARGS = [
    'profile', 'add', 'acme',
    '--client-id', 'acme-client',
    '--authorization-url', 'https://auth.example.com/authorize',
    '--token-url', 'https://auth.example.com/oauth/token',
    '--refresh-token-url', 'https://auth.example.com/oauth/token',
  ];
  const addAcme = (...extra: string[]) => admin(...ACME_ARGS, ...extra);
  const storedSecret = async (): Promise<string | undefined> =>
    (await (await AuthService.open({ config: loadConfig(env) })).profiles.get('acme'))?.clientSecret;

  beforeEach(async () => {
    fake = await new FakeAtlassianAuth().start();
    dir = await temporaryDirectory();
    env = environmentFor(fake, dir.path);
    output = [];
  });

  afterEach(async () => {
    try {
      const everything = output.join('\n');
      // Every hint is a command that can be pasted: never a bare "run authorize" or "with: use …".
      expect(everything).not.toMatch(/(?:run|runs|with):? "?(?:authorize|confirm|use|profile|status)\b/i);
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
    [[...['profile', 'add', 'acme', '--client-id', 'x', '--authorization-url', 'https://a/x', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t'], '--client-secret', 'a', '--client-secret-file', '/dev/null']],
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
    expect((await admin('profile', 'add', 'system', '--client-id', 'a', '--authorization-url', 'https://a/x', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t')).code).toBe(2);
    const badUrl = await admin('profile', 'add', 'ok', '--client-id', 'a', '--authorization-url', 'not a url', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t');
    expect(badUrl.code).toBe(2);
    // The flag the person typed, not the store's field name.
    expect(badUrl.stderr).toContain('profile add: --authorization-url must be an http:// or https:// URL');
    expect(badUrl.stderr).not.toContain('authorizationUrl');
    const badName = await admin('profile', 'add', 'a b', '--client-id', 'a', '--authorization-url', 'https://a/x', '--token-url', 'https://a/t', '--refresh-token-url', 'https://a/t');
    expect(badName.stderr).toMatch(/^profile add: the profile name must be 1 to 64 letters/);
  });

  it.each([
    [['status', '--verbose'], 'status: unknown option --verbose. status takes no options.'],
    [['use', 'acme', '--mode'], 'use: --mode needs a value.'],
    [['use', 'acme', '-x', '--mode', 'user'], 'use: unknown option -x. use takes --mode <value>.'],
    [['status', 'now'], 'status takes no other arguments (got "now").'],
    [['profile', 'remove'], 'profile remove: name the profile.'],
  ])('says what is wrong with %j in its own words, not Node\'s', async (argv, first) => {
    const result = await admin(...argv);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(first);
    expect(result.stderr).not.toMatch(/positional argument|argument missing|'--/);
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
    expect(added.stdout).toContain('Make it active with: npm run admin -- use acme --mode <user|preauthorized>');

    expect((await addAcme()).code).toBe(1);

    const listed = await admin('profile', 'list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('acme');
    expect(listed.stdout).toContain('acme-client');
    expect(listed.stdout).toContain('read:page:confluence offline_access');

    expect(await admin('profile', 'remove', 'acme')).toMatchObject({ code: 0 });
    expect((await admin('profile', 'remove', 'acme')).code).toBe(1);
    expect((await admin('profile', 'list')).stdout).toContain('No custom profiles. Add one with: npm run admin -- profile add');
  });

  it('reads the client secret from the first line of piped standard input, with no warning', async () => {
    const added = await addAcme();
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(await storedSecret()).toBe(PROFILE_SECRET);
  });

  it('reads the client secret from --client-secret-file, without its final newline', async () => {
    // Outside the data folder, whose files afterEach checks for the secret in clear.
    const file = join(await mkdtemp(join(tmpdir(), 'admin-secret-')), 'acme.secret');
    await writeFile(file, `${PROFILE_SECRET}\n`, { mode: 0o600 });
    const added = await adminWithInput(Readable.from([]), [...ACME_ARGS, '--client-secret-file', file]);
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect(await storedSecret()).toBe(PROFILE_SECRET);
  });

  it('still takes --client-secret, warning on stderr that other users can see it', async () => {
    const added = await adminWithInput(Readable.from([]), [...ACME_ARGS, '--client-secret', PROFILE_SECRET]);
    expect(added.code).toBe(0);
    expect(added.stderr).toBe(CLIENT_SECRET_FLAG_WARNING);
    expect(added.stderr).toContain('process list');
    expect(await storedSecret()).toBe(PROFILE_SECRET);
  });

  it('prompts on a terminal with the echo off, and takes what was typed, backspaces applied', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: jest.fn() });
    const added = adminWithInput(terminal, ACME_ARGS);
    terminal.write(`${PROFILE_SECRET}x\u007f`);
    terminal.write('\r');
    const result = await added;
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Client secret for profile "acme" (typing is not shown');
    expect(terminal.setRawMode.mock.calls).toEqual([[true], [false]]);
    expect(await storedSecret()).toBe(PROFILE_SECRET);
  });

  it('adds nothing when the prompt is cancelled with Ctrl-C', async () => {
    const terminal = Object.assign(new PassThrough(), { isTTY: true, setRawMode: jest.fn() });
    const added = adminWithInput(terminal, ACME_ARGS);
    terminal.write('half\u0003');
    const result = await added;
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Cancelled');
    expect(terminal.setRawMode).toHaveBeenLastCalledWith(false);
    expect(existsSync(join(dir.path, 'records'))).toBe(false);
  });

  it.each([
    ['empty standard input', [], ''],
    ['an empty first line', [], '\nsecond line\n'],
    ['an empty file', ['--client-secret-file', '/dev/null'], ''],
  ])('refuses %s with a message saying where to give the secret', async (_case, extra: string[], input) => {
    const result = await adminWithInput(Readable.from(input === '' ? [] : [input]), [...ACME_ARGS, ...extra]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the client secret from .* is empty/);
    expect(existsSync(join(dir.path, 'records'))).toBe(false);
  });

  it('says which secret file it could not read', async () => {
    const result = await adminWithInput(Readable.from([]), [...ACME_ARGS, '--client-secret-file', join(dir.path, 'missing')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Could not read the client secret from ${join(dir.path, 'missing')} (ENOENT)`);
  });

  it('reads a piped secret through the real CLI (node dist/admin/cli.js), which then exits', async () => {
    const entry = resolve('dist/admin/cli.js');
    if (!existsSync(entry)) throw new Error('dist/admin/cli.js is missing: run `npm run build` (npm test does it first)');
    const child = spawn(process.execPath, [entry, ...ACME_ARGS], { cwd: dir.path, env: { PATH: process.env.PATH, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The pipe stays open: the CLI must stop at the first line, not wait for the end of input.
    child.stdin.write(`${PROFILE_SECRET}\n`);
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    child.stdin.destroy();
    output.push(stdout, stderr);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('Added profile "acme"');
    expect(await storedSecret()).toBe(PROFILE_SECRET);
  });

  it('switches the active authorization and reports it in status', async () => {
    expect((await admin('status')).stdout).toMatch(/Type: +system\nMode: +user\nProfile: +system\n/);
    expect((await admin('use', 'acme', '--mode', 'user')).code).toBe(1);
    await addAcme();
    const used = await admin('use', 'acme', '--mode', 'preauthorized');
    expect(used.code).toBe(0);
    expect(used.stdout).toContain('run npm run admin -- authorize');
    const status = await admin('status');
    expect(status.stdout).toMatch(/Type: +custom\nMode: +preauthorized\nProfile: +acme\n/);
    expect(status.stdout).toContain('Shared token: none stored');
    expect(status.stdout).toContain('until an administrator runs: npm run admin -- authorize');
    const removeActive = await admin('profile', 'remove', 'acme');
    expect(removeActive.code).toBe(1);
    expect(removeActive.stderr).toContain('active profile');
  });

  it('authorize refuses in user mode with a clear message', async () => {
    const result = await admin('authorize');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('npm run admin -- use system --mode preauthorized');
  });

  /** `authorize`, then the browser: the running bot (its own handle on the data folder) shows the code. */
  const authorizeInBrowser = async (stdin?: SecretStdin): Promise<{ bot: AuthService; code: string; pending: Promise<Result> }> => {
    const pending = stdin ? adminWithInput(stdin, ['authorize']) : admin('authorize');
    let link: string | undefined;
    for (let waited = 0; link === undefined && waited < 200; waited += 1) {
      link = /http:\/\/localhost:3978\/oauth\/start\?id=[A-Za-z0-9_-]+/.exec(lastStdout())?.[0];
      if (link === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const bot = await AuthService.open({ config: loadConfig(env) });
    const providerUrl = await bot.beginAuthorization(new URL(link!).searchParams.get('id')!);
    const state = new URL(providerUrl!).searchParams.get('state')!;
    const outcome = await bot.completeAuthorization({ state, code: fake.grantCode() });
    if (outcome.kind !== 'preauthorization-confirmation-required') throw new Error(`expected a code, got ${outcome.kind}`);
    return { bot, code: outcome.code, pending };
  };

  it('authorize prints a link; the shared token is stored only once "confirm" brings the Connected page\'s code', async () => {
    await admin('use', 'system', '--mode', 'preauthorized');
    const { bot, code, pending } = await authorizeInBrowser();
    const result = await pending;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('npm run admin -- confirm <code>');
    // Whoever opened the link approved, but nothing is connected until the code comes back.
    expect(await bot.getConnection({ channelId: 'webchat', userId: 'anyone' })).toMatchObject({ status: 'admin-action-required' });
    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await admin('confirm', wrong);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/does not match \(2 attempts left\)/);
    expect((await admin('confirm', 'abc')).code).toBe(2);
    const confirmed = await admin('confirm', `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toContain('is authorized (sites: Example)');
    expect((await admin('confirm', code)).stderr).toMatch(/No authorization is waiting/);

    const status = await admin('status');
    expect(status.stdout).toContain('Shared token: stored');
    expect(status.stdout).toContain('site: Example https://example.atlassian.net (cloudId cloud-1)');
    expect(await bot.getConnection({ channelId: 'webchat', userId: 'anyone' })).toMatchObject({ status: 'connected' });
  });

  it('authorize at a terminal waits for the code at its prompt', async () => {
    await admin('use', 'system', '--mode', 'preauthorized');
    const terminal = Object.assign(new PassThrough(), { isTTY: true }) as PassThrough & SecretStdin;
    const { bot, code, pending } = await authorizeInBrowser(terminal);
    terminal.write('12345\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    terminal.write(`${code}\n`);
    const result = await pending;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('That is not a 6-digit code.');
    expect(result.stdout).toContain('is authorized');
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

  describe('authorize checks that a bot answers at PUBLIC_URL', () => {
    let bot: Server | undefined;
    afterEach(async () => {
      bot?.closeAllConnections();
      await new Promise((done) => (bot ? bot.close(done) : done(undefined)));
      bot = undefined;
    });
    /** A stand-in for a running bot's /healthz on loopback; `answer` undefined: accepts and never answers. */
    const botAnswering = async (answer?: { status: number; body: unknown }): Promise<string> => {
      bot = createServer((req, res) => {
        if (answer === undefined) return;
        // Not chained: restify, loaded in the same worker by other test files, replaces writeHead with one returning nothing.
        res.writeHead(req.url === '/healthz' ? answer.status : 404, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      });
      await new Promise<void>((done) => bot!.listen(0, '127.0.0.1', done));
      return `http://127.0.0.1:${(bot.address() as AddressInfo).port}`;
    };
    const authorizeAt = async (publicUrl: string): Promise<Result> => {
      env = { ...env, PUBLIC_URL: publicUrl };
      await admin('use', 'system', '--mode', 'preauthorized');
      const result = await admin('authorize');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`${publicUrl}/oauth/start?id=`);
      return result;
    };

    it('says nothing more when the bot there answers with the same kind of settings', async () => {
      const result = await authorizeAt(await botAnswering({ status: 200, body: { status: 'ok', sandbox: false } }));
      expect(result.stderr).toBe('');
    });

    it('warns, and still prints the link, when nothing listens there', async () => {
      const closed = await botAnswering({ status: 200, body: {} });
      await new Promise((done) => bot!.close(done));
      bot = undefined;
      // Nothing listens on that port now (another process could take it in between, which this test would notice).
      const result = await authorizeAt(closed);
      expect(result.stderr).toContain(`Warning: no bot answered at ${closed}/healthz (ECONNREFUSED)`);
      expect(result.stderr).toContain('PUBLIC_URL and PORT are the same for it and for this command');
    });

    it('warns when something else answers there', async () => {
      const url = await botAnswering({ status: 404, body: { error: 'not here' } });
      expect((await authorizeAt(url)).stderr).toContain(`Warning: ${url}/healthz answered 404 but not as this bot does`);
    });

    it('warns when the bot there uses the sandbox and this command does not', async () => {
      const url = await botAnswering({ status: 200, body: { status: 'ok', sandbox: true } });
      expect((await authorizeAt(url)).stderr).toContain('uses the built-in sandbox, but this command\'s settings use a real Atlassian app');
    });

    it('gives up on a bot that never answers after a short wait', async () => {
      const url = await botAnswering();
      const started = Date.now();
      const result = await authorizeAt(url);
      expect(result.stderr).toContain(`no answer within ${HEALTH_CHECK_TIMEOUT_MS / 1000} s`);
      expect(Date.now() - started).toBeLessThan(HEALTH_CHECK_TIMEOUT_MS + 3000);
    });
  });
});
