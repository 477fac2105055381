import { AuthService } from '../../../services/auth/authService.js';
import { OAuthUnavailableError } from '../../../services/auth/oauthClient.js';
import type { Requester } from '../../../services/auth/types.js';
import type { Config } from '../../../services/config/config.js';
import { createLogger } from '../../../services/logging/logger.js';
import { FakeAtlassianAuth } from '../../helpers/fakeAtlassianAuth.js';
import { addressIn, configFor, openStorage, storedText, temporaryDirectory } from './authTestKit.js';

const alice: Requester = { channelId: 'msteams', userId: 'alice' };
const bob: Requester = { channelId: 'msteams', userId: 'bob' };
const HOUR = 3600 * 1000;

describe('AuthService', () => {
  let fake: FakeAtlassianAuth;
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  let config: Config;
  let clock: number;
  let logLines: string[];
  let adminMessages: string[];
  let service: AuthService;
  /** Every secret value the test has seen: none may reach the data folder or the log. */
  let secrets: string[];

  const build = async (): Promise<AuthService> => {
    const storage = await openStorage(dir.path);
    return new AuthService({
      config,
      ...storage,
      now: () => clock,
      logger: createLogger('debug', (line) => logLines.push(line)),
      onAdminAttention: (message) => adminMessages.push(message),
    });
  };

  /** Plays the browser: open our link, follow it to the provider, consent, come back to the callback. */
  const consent = async (linkUrl: string): Promise<{ state: string; code: string }> => {
    const id = new URL(linkUrl).searchParams.get('id')!;
    const providerUrl = await service.beginAuthorization(id);
    const state = new URL(providerUrl!).searchParams.get('state')!;
    const code = fake.grantCode();
    secrets.push(id, state, code);
    return { state, code };
  };

  const signIn = async (requester: Requester, conversation = addressIn(`conv-${requester.userId}`, requester.userId)) => {
    const link = await service.startSignIn({ requester, conversation });
    return service.completeAuthorization(await consent(link.url));
  };

  /** `npm run admin -- authorize`, the browser, then the code from the Connected page typed into the CLI. */
  const preauthorize = async () => {
    const outcome = await service.completeAuthorization(await consent((await service.createPreauthorizationLink()).url));
    if (outcome.kind !== 'preauthorization-confirmation-required') throw new Error(`expected a code to confirm, got ${outcome.kind}`);
    secrets.push(outcome.code);
    return service.confirmPreauthorization(outcome.code);
  };

  const storedSecretsAreSealed = async (): Promise<void> => {
    const file = await storedText(dir.path);
    for (const secret of secrets) expect(file).not.toContain(secret);
    for (const line of logLines) for (const secret of secrets) expect(line).not.toContain(secret);
  };

  const connectedToken = async (requester: Requester, options?: { forceRefresh?: boolean }): Promise<string> => {
    const connection = await service.getConnection(requester, options);
    if (connection.status !== 'connected') throw new Error(`expected connected, got ${JSON.stringify(connection)}`);
    secrets.push(connection.accessToken);
    return connection.accessToken;
  };

  beforeEach(async () => {
    fake = await new FakeAtlassianAuth().start();
    dir = await temporaryDirectory();
    config = configFor(fake, dir.path);
    // The store's own expiry of sign-ins is real time, so the test clock starts now and only moves forward.
    clock = Date.now();
    logLines = [];
    adminMessages = [];
    secrets = [fake.clientSecret];
    service = await build();
  });

  afterEach(async () => {
    try {
      await storedSecretsAreSealed();
    } finally {
      await fake.stop();
      await dir.remove();
    }
  });

  describe('sign-in links and the provider redirect', () => {
    it('gives a short link of our own that redirects to the documented authorize URL', async () => {
      const link = await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      expect(link.url).toMatch(/^http:\/\/localhost:3978\/oauth\/start\?id=[A-Za-z0-9_-]{43}$/);
      expect(link.expiresAt.getTime()).toBe(clock + 10 * 60 * 1000);

      const providerUrl = await service.beginAuthorization(new URL(link.url).searchParams.get('id')!);
      expect(providerUrl!.startsWith(`${fake.authorizationUrl}?audience=api.atlassian.com&`)).toBe(true);
      expect(providerUrl).toContain(
        'scope=read%3Aspace%3Aconfluence%20read%3Apage%3Aconfluence%20write%3Apage%3Aconfluence%20search%3Aconfluence%20read%3Acomment%3Aconfluence%20write%3Acomment%3Aconfluence%20read%3Auser%3Aconfluence%20offline_access',
      );
      const params = new URL(providerUrl!).searchParams;
      expect(Object.fromEntries(params)).toEqual({
        audience: 'api.atlassian.com',
        client_id: fake.clientId,
        scope: 'read:space:confluence read:page:confluence write:page:confluence search:confluence read:comment:confluence write:comment:confluence read:user:confluence offline_access',
        redirect_uri: 'http://localhost:3978/oauth/callback',
        state: expect.stringMatching(/^[0-9a-f]{64}\.[A-Za-z0-9_-]{43}$/),
        response_type: 'code',
        prompt: 'consent',
      });
      secrets.push(params.get('state')!);
    });

    it('answers undefined for an unknown or expired link', async () => {
      expect(await service.beginAuthorization('unknown')).toBeUndefined();
      const link = await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      clock += 10 * 60 * 1000;
      expect(await service.beginAuthorization(new URL(link.url).searchParams.get('id')!)).toBeUndefined();
    });
  });

  describe('user mode', () => {
    it('binds the token to the user and conversation the link was made for', async () => {
      const outcome = await signIn(alice, addressIn('conv-a', 'alice'));
      expect(outcome).toEqual({
        kind: 'user-signed-in',
        requester: alice,
        conversation: addressIn('conv-a', 'alice'),
        sites: [{ cloudId: 'cloud-1', name: 'Example', url: 'https://example.atlassian.net' }],
      });
      const connection = await service.getConnection(alice);
      expect(connection).toMatchObject({ status: 'connected', apiUrl: fake.apiUrl, type: 'system', mode: 'user', profileName: 'system' });
      expect(fake.isIssuedAccessToken((connection as { accessToken: string }).accessToken)).toBe(true);
      secrets.push((connection as { accessToken: string }).accessToken);
      expect(await service.getConnection(bob)).toEqual({ status: 'sign-in-required', reason: 'no-token', mode: 'user', profileName: 'system' });
    });

    it('rejects a callback without state, with an unknown state, a replayed state or an expired one', async () => {
      expect(await service.completeAuthorization({ code: 'x' })).toEqual({ kind: 'rejected', reason: 'missing-state' });
      expect(await service.completeAuthorization({ code: 'x', state: 'forged' })).toEqual({ kind: 'rejected', reason: 'unknown-or-expired-state' });

      const link = await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      const first = await consent(link.url);
      expect((await service.completeAuthorization(first)).kind).toBe('user-signed-in');
      expect(await service.completeAuthorization(first)).toEqual({ kind: 'rejected', reason: 'unknown-or-expired-state' });

      const late = await consent((await service.startSignIn({ requester: bob, conversation: addressIn('c') })).url);
      clock += 10 * 60 * 1000 + 1;
      expect(await service.completeAuthorization(late)).toEqual({ kind: 'rejected', reason: 'unknown-or-expired-state' });
      expect(fake.tokenRequests).toHaveLength(1);
    });

    it('reports a declined consent and a failed exchange to the waiting conversation, and consumes the state', async () => {
      const declined = await consent((await service.startSignIn({ requester: alice, conversation: addressIn('c') })).url);
      expect(await service.completeAuthorization({ state: declined.state, error: 'access_denied' })).toEqual({
        kind: 'user-sign-in-failed',
        requester: alice,
        conversation: addressIn('c'),
        reason: 'denied',
      });

      const bad = await consent((await service.startSignIn({ requester: alice, conversation: addressIn('c') })).url);
      const outcome = await service.completeAuthorization({ state: bad.state, code: 'code-never-issued' });
      expect(outcome).toMatchObject({ kind: 'user-sign-in-failed', reason: 'exchange-failed' });
      expect(await service.completeAuthorization({ state: bad.state, code: bad.code })).toEqual({ kind: 'rejected', reason: 'unknown-or-expired-state' });
      expect(await service.getConnection(alice)).toMatchObject({ status: 'sign-in-required', reason: 'no-token' });
    });

    it('refreshes a token that expires within a minute, storing the rotated refresh token first', async () => {
      await signIn(alice);
      const before = await connectedToken(alice);
      clock += HOUR - 30 * 1000;
      const after = await connectedToken(alice);
      expect(after).not.toBe(before);
      expect(fake.refreshRequests).toHaveLength(1);

      // The stored refresh token is the one Atlassian now accepts: a fresh process can refresh with it.
      const stored = await service.tokens.get('system', 'msteams:alice');
      secrets.push(stored!.refreshToken!);
      clock += HOUR;
      const restarted = await build();
      expect(await restarted.getConnection(alice)).toMatchObject({ status: 'connected' });
      expect(fake.refreshRequests).toHaveLength(2);
      expect(fake.refreshRequests[1]!.body.refresh_token).toBe(stored!.refreshToken);
    });

    it('single-flight: concurrent callers on an expired token share ONE refresh', async () => {
      await signIn(alice);
      fake.refreshDelayMs = 50;
      clock += 2 * HOUR;
      const [first, second, third] = await Promise.all([connectedToken(alice), connectedToken(alice), connectedToken(alice, { forceRefresh: true })]);
      expect(fake.refreshRequests).toHaveLength(1);
      expect(second).toBe(first);
      expect(third).toBe(first);
    });

    it('several instances on one store: an expired token is refreshed ONCE, and every instance uses the result', async () => {
      await signIn(alice);
      const others = [await build(), await build()];
      fake.refreshDelayMs = 80;
      clock += 2 * HOUR;
      const tokens = await Promise.all(
        [service, ...others, service, ...others].map(async (instance) => {
          const connection = await instance.getConnection(alice);
          if (connection.status !== 'connected') throw new Error(connection.status);
          return connection.accessToken;
        }),
      );
      secrets.push(...tokens);
      expect(fake.refreshRequests).toHaveLength(1);
      expect(new Set(tokens).size).toBe(1);
      expect((await service.tokens.getVersion('system', 'msteams:alice'))?.claim).toBeUndefined();
    });

    it('takes over a refresh claimed by an instance that died, once the claim lapses', async () => {
      await signIn(alice);
      clock += 2 * HOUR;
      const version = (await service.tokens.getVersion('system', 'msteams:alice'))!;
      await service.tokens.claim(version, { by: 'an instance that was killed', until: clock + 30_000 });
      const waiting = service.getConnection(alice);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(fake.refreshRequests).toHaveLength(0);
      clock += 30_001;
      expect((await waiting).status).toBe('connected');
      expect(fake.refreshRequests).toHaveLength(1);
    });

    it('forceRefresh refreshes a token that is not due yet', async () => {
      await signIn(alice);
      const before = await connectedToken(alice);
      expect(await connectedToken(alice, { forceRefresh: true })).not.toBe(before);
      expect(fake.refreshRequests).toHaveLength(1);
    });

    it('a refused refresh deletes the dead token and asks the user to sign in again', async () => {
      await signIn(alice);
      fake.revokeRefreshTokens();
      clock += 2 * HOUR;
      expect(await service.getConnection(alice)).toEqual({ status: 'sign-in-required', reason: 'refresh-refused', mode: 'user', profileName: 'system' });
      expect(await service.getConnection(alice)).toMatchObject({ status: 'sign-in-required', reason: 'no-token' });
      expect(adminMessages).toEqual([]);
    });

    it('keeps the token when Atlassian is unavailable, and says so with a typed error', async () => {
      await signIn(alice);
      clock += 2 * HOUR;
      fake.failNextTokenRequests.push(503);
      await expect(service.getConnection(alice)).rejects.toThrow(OAuthUnavailableError);
      expect(await service.getConnection(alice)).toMatchObject({ status: 'connected' });
    });

    it('prunes abandoned sign-in links every ten minutes, never at start-up', async () => {
      await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      await service.startSignIn({ requester: bob, conversation: addressIn('c') });
      const pending = async () => (await openStorage(dir.path)).records.listKeys('signins/');
      expect(await pending()).toHaveLength(2);
      clock += 11 * 60 * 1000;
      await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      for (let waited = 0; (await pending()).length > 1 && waited < 50; waited += 1) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await pending()).toHaveLength(1);
    });

    it('signs a user out of the active profile', async () => {
      await signIn(alice);
      expect(await service.signOut(alice)).toBe(true);
      expect(await service.signOut(alice)).toBe(false);
      expect(await service.getConnection(alice)).toMatchObject({ status: 'sign-in-required', reason: 'no-token' });
    });
  });

  describe('preauthorized mode', () => {
    it('uses one shared token for everyone once an administrator has authorized', async () => {
      await expect(service.createPreauthorizationLink()).rejects.toThrow(/preauthorized/);
      await service.settings.use('system', 'preauthorized');
      await expect(service.startSignIn({ requester: alice, conversation: addressIn('c') })).rejects.toThrow(/user mode/);
      expect(await service.getConnection(alice)).toEqual({
        status: 'admin-action-required',
        reason: 'no-shared-token',
        mode: 'preauthorized',
        profileName: 'system',
      });

      const outcome = await preauthorize();
      expect(outcome).toEqual({ kind: 'signed-in', sites: [{ cloudId: 'cloud-1', name: 'Example', url: 'https://example.atlassian.net' }] });
      const forAlice = await connectedToken(alice);
      expect(await connectedToken(bob)).toBe(forAlice);
      expect(await service.status()).toEqual({
        type: 'system',
        mode: 'preauthorized',
        profileName: 'system',
        sandbox: false,
        sharedToken: { stored: true, sites: outcome.kind === 'signed-in' ? outcome.sites : [], expiresAt: new Date(clock + HOUR), refreshable: true },
        userTokens: 0,
      });
    });

    it('a refused shared refresh asks for an administrator and tells them', async () => {
      await service.settings.use('system', 'preauthorized');
      await preauthorize();
      fake.revokeRefreshTokens();
      clock += 2 * HOUR;
      expect(await service.getConnection(alice)).toEqual({
        status: 'admin-action-required',
        reason: 'refresh-refused',
        mode: 'preauthorized',
        profileName: 'system',
      });
      expect(adminMessages).toHaveLength(1);
      expect(adminMessages[0]).toMatch(/administrator must authorize again/);
      expect(logLines.some((line) => JSON.parse(line).level === 'warn' && line.includes('administrator'))).toBe(true);
      expect((await service.status()).sharedToken).toEqual({ stored: false });
    });

    it('logs the command that fixes a missing shared token, once per ten minutes rather than every turn', async () => {
      await service.settings.use('system', 'preauthorized');
      const hints = () => logLines.filter((line) => JSON.parse(line).level === 'warn' && line.includes('npm run admin -- authorize'));

      for (let turn = 0; turn < 5; turn++) expect(await service.getConnection(alice)).toMatchObject({ reason: 'no-shared-token' });
      expect(hints()).toHaveLength(1);
      expect(JSON.parse(hints()[0]!)).toMatchObject({ profileName: 'system', msg: expect.stringMatching(/profile "system" has no token yet/) });

      clock += 10 * 60 * 1000 - 1;
      await service.getConnection(bob);
      expect(hints()).toHaveLength(1);
      clock += 1;
      await service.getConnection(bob);
      expect(hints()).toHaveLength(2);
    });

    it('a declined pre-authorization is rejected as denied', async () => {
      await service.settings.use('system', 'preauthorized');
      const { state } = await consent((await service.createPreauthorizationLink()).url);
      expect(await service.completeAuthorization({ state, error: 'access_denied' })).toEqual({ kind: 'rejected', reason: 'denied' });
    });
  });

  describe('custom profiles and changes made by the admin CLI', () => {
    it('uses a custom profile\'s client and endpoints, with the system API gateway', async () => {
      const customSecret = 'acme-secret-value-1234';
      secrets.push(customSecret);
      fake.registerClient('acme-client', customSecret);
      await service.profiles.add({
        name: 'acme',
        clientId: 'acme-client',
        clientSecret: customSecret,
        authorizationUrl: `${fake.baseUrl}/acme/authorize`,
        tokenUrl: fake.tokenUrl,
        refreshTokenUrl: fake.refreshTokenUrl,
        scopes: ['read:page:confluence', 'offline_access'],
      });

      // The CLI is another process with its own view of the records; the running service sees its change at once.
      const cli = await build();
      await cli.settings.use('acme', 'user');
      expect(await service.describe()).toEqual({ type: 'custom', mode: 'user', profileName: 'acme', sandbox: false });

      const link = await service.startSignIn({ requester: alice, conversation: addressIn('c') });
      const providerUrl = await service.beginAuthorization(new URL(link.url).searchParams.get('id')!);
      expect(providerUrl).toContain(`${fake.baseUrl}/acme/authorize?`);
      expect(new URL(providerUrl!).searchParams.get('client_id')).toBe('acme-client');
      expect(new URL(providerUrl!).searchParams.get('scope')).toBe('read:page:confluence offline_access');
      const state = new URL(providerUrl!).searchParams.get('state')!;
      secrets.push(state);
      expect((await service.completeAuthorization({ state, code: fake.grantCode('read:page:confluence offline_access') })).kind).toBe('user-signed-in');
      expect(fake.tokenRequests[0]!.body.client_secret).toBe(customSecret);

      expect(await service.getConnection(alice)).toMatchObject({ status: 'connected', type: 'custom', profileName: 'acme', apiUrl: fake.apiUrl });
      clock += 2 * HOUR;
      await connectedToken(alice);
      expect(fake.refreshRequests[0]!.path).toBe('/oauth/refresh-token');

      // A user token of the system profile is a different token.
      await cli.settings.use('system', 'user');
      expect(await service.getConnection(alice)).toMatchObject({ status: 'sign-in-required', profileName: 'system' });
    });

    it('accepts the system client secret at runtime (sandbox)', async () => {
      const sandboxConfig: Config = { ...config, system: { ...config.system, clientSecret: undefined } };
      const storage = await openStorage(dir.path);
      service = new AuthService({ config: sandboxConfig, ...storage, now: () => clock, systemClientSecret: fake.clientSecret });
      expect((await signIn(alice)).kind).toBe('user-signed-in');
    });
  });
  describe('a sign-in completes only once the chat confirms it is the same person (login CSRF)', () => {
    /** MicrosoftAppId mode: chat identities are authenticated, so a sign-in is bound only to a proven person. */
    const withBotIdentity = async () => {
      config = { ...config, microsoft: { appId: 'bot-app-id', appType: 'MultiTenant', password: 'unused' } };
      service = await build();
    };
    const victim: Requester = { channelId: 'msteams', userId: '29:victim' };
    const attacker: Requester = { channelId: 'msteams', userId: '29:attacker' };

    /** The link the requester got, opened and consented to in `browser` (whoever that is). */
    const finishInBrowser = async (requester: Requester, conversationId: string, browser: { webChatUserId?: string } = {}) => {
      const link = await service.startSignIn({ requester, conversation: addressIn(conversationId, requester.userId, requester.channelId) });
      const outcome = await service.completeAuthorization(await consent(link.url), browser);
      if ('code' in outcome) secrets.push(outcome.code);
      return outcome;
    };
    const codeOf = (outcome: Awaited<ReturnType<typeof finishInBrowser>>): string => {
      if (outcome.kind !== 'user-confirmation-required') throw new Error(`expected a confirmation, got ${outcome.kind}`);
      return outcome.code;
    };

    it("binds nothing when a victim opens an attacker's link: the token waits for a code only the browser saw", async () => {
      await withBotIdentity();
      const outcome = await finishInBrowser(attacker, 'attacker-chat');
      expect(outcome).toMatchObject({ kind: 'user-confirmation-required', requester: attacker, code: expect.stringMatching(/^\d{6}$/) });
      expect(await service.getConnection(attacker)).toMatchObject({ status: 'sign-in-required' });
      // The attacker guesses; three attempts, then the sign-in is gone even for the right code.
      const code = codeOf(outcome);
      const wrong = code === '000000' ? '111111' : '000000';
      expect(await service.confirmSignIn(attacker, 'attacker-chat', wrong)).toEqual({ kind: 'wrong-code', attemptsLeft: 2 });
      expect(await service.confirmSignIn(attacker, 'attacker-chat', wrong)).toEqual({ kind: 'wrong-code', attemptsLeft: 1 });
      expect(await service.confirmSignIn(attacker, 'attacker-chat', wrong)).toEqual({ kind: 'wrong-code', attemptsLeft: 0 });
      expect(await service.confirmSignIn(attacker, 'attacker-chat', code)).toEqual({ kind: 'nothing-pending' });
      expect(await service.getConnection(attacker)).toMatchObject({ status: 'sign-in-required' });
    });

    it('binds the token once the code is typed by the same user in the same conversation, and only once', async () => {
      await withBotIdentity();
      const code = codeOf(await finishInBrowser(victim, 'victim-chat'));
      expect(await service.confirmSignIn(victim, 'another-chat', code)).toEqual({ kind: 'nothing-pending' });
      expect(await service.confirmSignIn(attacker, 'victim-chat', code)).toEqual({ kind: 'nothing-pending' });
      expect(await service.confirmSignIn(victim, 'victim-chat', code)).toMatchObject({ kind: 'signed-in', sites: [{ cloudId: 'cloud-1' }] });
      await connectedToken(victim);
      expect(await service.confirmSignIn(victim, 'victim-chat', code)).toEqual({ kind: 'nothing-pending' });
    });

    it('gives the token to exactly one of two instances confirming the same code at once', async () => {
      await withBotIdentity();
      const code = codeOf(await finishInBrowser(victim, 'victim-chat'));
      const other = await build();
      const outcomes = await Promise.all([service.confirmSignIn(victim, 'victim-chat', code), other.confirmSignIn(victim, 'victim-chat', code)]);
      expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['nothing-pending', 'signed-in']);
    });

    it('lets a code work for 5 minutes, and a newer sign-in replace an older code', async () => {
      await withBotIdentity();
      const expired = codeOf(await finishInBrowser(victim, 'victim-chat'));
      clock += 5 * 60 * 1000;
      expect(await service.confirmSignIn(victim, 'victim-chat', expired)).toEqual({ kind: 'nothing-pending' });

      const older = codeOf(await finishInBrowser(victim, 'victim-chat'));
      const newer = codeOf(await finishInBrowser(victim, 'victim-chat'));
      if (older !== newer) expect(await service.confirmSignIn(victim, 'victim-chat', older)).toEqual({ kind: 'wrong-code', attemptsLeft: 2 });
      expect(await service.confirmSignIn(victim, 'victim-chat', newer)).toMatchObject({ kind: 'signed-in' });
      expect(await (await openStorage(dir.path)).records.listKeys('signin-confirmations/')).toEqual([]);
    });

    it.each([
      ['the local Direct Line', 'webchat', 'browser-id-1'],
      ['Azure Direct Line (dl_ prefix)', 'directline', 'dl_browser-id-1'],
    ])('Web Chat over %s: the browser with the same signed cookie completes at once, any other gets a code', async (_name, channelId, userId) => {
      await withBotIdentity();
      const user: Requester = { channelId, userId };
      expect((await finishInBrowser(user, 'page-1', { webChatUserId: 'browser-id-1' })).kind).toBe('user-signed-in');
      await service.signOut(user);
      expect((await finishInBrowser(user, 'page-1', { webChatUserId: 'browser-id-2' })).kind).toBe('user-confirmation-required');
      expect((await finishInBrowser(user, 'page-1', {})).kind).toBe('user-confirmation-required');
      expect(await service.getConnection(user)).toMatchObject({ status: 'sign-in-required' });
    });

    it('Emulator mode: the Emulator completes at once (nothing there is authenticated), Web Chat still needs its cookie', async () => {
      expect((await finishInBrowser({ channelId: 'emulator', userId: 'dev' }, 'emu')).kind).toBe('user-signed-in');
      expect((await finishInBrowser({ channelId: 'webchat', userId: 'browser-id-1' }, 'page', { webChatUserId: 'browser-id-9' })).kind).toBe(
        'user-confirmation-required',
      );
    });

    it('a pre-authorization always waits for the code typed into the admin CLI', async () => {
      await service.settings.use('system', 'preauthorized');
      const outcome = await service.completeAuthorization(await consent((await service.createPreauthorizationLink()).url), { webChatUserId: 'x' });
      if (outcome.kind !== 'preauthorization-confirmation-required') throw new Error(outcome.kind);
      secrets.push(outcome.code);
      expect(await service.getConnection(alice)).toMatchObject({ status: 'admin-action-required' });
      expect(await service.confirmPreauthorization(outcome.code)).toMatchObject({ kind: 'signed-in' });
      await connectedToken(alice);
    });
  });
});
