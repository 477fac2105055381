import {
  ALL_SCOPES,
  authorizeUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  CLOUD_ID,
  decide,
  hiddenRequestId,
  postToken,
  REDIRECT_URI,
  signIn,
  startSandbox,
  type Harness,
  type Tokens,
} from './sandboxHarness.js';

const ACCESSIBLE = '/sandbox/api/oauth/token/accessible-resources';

describe('sandbox OAuth 2.0 (3LO) authorization server', () => {
  let harness: Harness;

  beforeEach(async () => {
    harness = await startSandbox();
  });

  afterEach(async () => {
    await harness.close();
  });

  const exchange = (code: string, overrides: Record<string, string> = {}): Promise<Response> =>
    postToken(harness, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code, redirect_uri: REDIRECT_URI, ...overrides });
  const refresh = (refreshToken: string, overrides: Record<string, string> = {}, form = false): Promise<Response> =>
    postToken(harness, { grant_type: 'refresh_token', client_id: CLIENT_ID, client_secret: CLIENT_SECRET, refresh_token: refreshToken, ...overrides }, form);
  const resources = (token?: string): Promise<Response> =>
    fetch(`${harness.url}${ACCESSIBLE}`, { headers: token === undefined ? {} : { Authorization: `Bearer ${token}` } });

  it('shows a consent page naming the app, the user, the site and the scopes, with Accept and Decline', async () => {
    const response = await fetch(authorizeUrl(harness));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<h1>Harness app wants to access your Confluence</h1>');
    expect(html).not.toContain(`${CLIENT_ID} wants`);
    expect(html).toContain('Sandbox User');
    expect(html).toContain('Sandbox');
    for (const scope of ALL_SCOPES) expect(html).toContain(scope);
    expect(html).toContain(`<form method="post" action="${harness.url}/sandbox/authorize/decision">`);
    expect(html).toMatch(/<button[^>]*id="accept"/);
    expect(html).toMatch(/<button[^>]*id="decline"/);
    expect(html).not.toContain('state-123');
  });

  it('runs the whole dance: accept → code → tokens → rotation, and refuses spent codes and rotated-out refresh tokens', async () => {
    const location = await decide(harness, 'accept');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('state')).toBe('state-123');
    const code = location.searchParams.get('code') ?? '';
    expect(code.length).toBeGreaterThanOrEqual(32);

    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const tokens = (await first.json()) as Tokens;
    expect(tokens).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      expires_in: 3600,
      scope: ALL_SCOPES.join(' '),
      token_type: 'bearer',
    });
    expect((await resources(tokens.access_token)).status).toBe(200);

    const reused = await exchange(code);
    expect(reused.status).toBe(403);
    expect(await reused.json()).toMatchObject({ error: 'invalid_grant' });

    const rotated = await refresh(tokens.refresh_token ?? '', {}, true);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as Tokens;
    expect(next.access_token).not.toBe(tokens.access_token);
    expect(next.refresh_token).toEqual(expect.any(String));
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.scope).toBe(ALL_SCOPES.join(' '));
    expect((await resources(next.access_token)).status).toBe(200);
    const third = await refresh(next.refresh_token ?? '');
    expect(third.status).toBe(200);

    const old = await refresh(tokens.refresh_token ?? '');
    expect(old.status).toBe(403);
    expect(await old.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
  });

  it('revokes the whole token family when a rotated-out refresh token is presented again (breach detection, no leeway)', async () => {
    const first = await signIn(harness);
    const second = (await (await refresh(first.refresh_token ?? '')).json()) as Tokens;
    const bystander = await signIn(harness);

    const replay = await refresh(first.refresh_token ?? '');
    expect(replay.status).toBe(403);
    expect(await replay.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
    // Every token of that sign-in is gone, the newest included; another sign-in's family is untouched.
    expect((await resources(first.access_token)).status).toBe(401);
    expect((await resources(second.access_token)).status).toBe(401);
    expect((await refresh(second.refresh_token ?? '')).status).toBe(403);
    expect((await resources(bystander.access_token)).status).toBe(200);
    expect((await refresh(bystander.refresh_token ?? '')).status).toBe(200);
  });

  it('lets only one of two concurrent refreshes of the same token win, and then revokes what it got', async () => {
    const tokens = await signIn(harness);
    const answers = await Promise.all([refresh(tokens.refresh_token ?? ''), refresh(tokens.refresh_token ?? '')]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 403]);
    const winner = (await answers.find((answer) => answer.status === 200)!.json()) as Tokens;
    expect((await resources(winner.access_token)).status).toBe(401);
    expect((await refresh(winner.refresh_token ?? '')).status).toBe(403);
  });

  it('does not revoke a family when a rotated-out token comes from another app', async () => {
    await harness.close();
    harness = await startSandbox({ resolveClient: (clientId) => (clientId === CLIENT_ID || clientId === 'other-app' ? { secret: CLIENT_SECRET } : undefined) });
    const tokens = await signIn(harness);
    const next = (await (await refresh(tokens.refresh_token ?? '')).json()) as Tokens;
    expect((await refresh(tokens.refresh_token ?? '', { client_id: 'other-app' })).status).toBe(403);
    expect((await resources(next.access_token)).status).toBe(200);
  });

  it('redirects a decline with error=access_denied and the state, and no code', async () => {
    const location = await decide(harness, 'decline');
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('answers a consent form only once', async () => {
    const page = await (await fetch(authorizeUrl(harness))).text();
    const post = (): Promise<Response> =>
      fetch(`${harness.url}/sandbox/authorize/decision`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ request: hiddenRequestId(page), decision: 'accept' }).toString(),
        redirect: 'manual',
      });
    expect((await post()).status).toBe(302);
    expect((await post()).status).toBe(400);
  });

  it('refuses a wrong client secret with 401 access_denied, for both grants', async () => {
    const tokens = await signIn(harness);
    const location = await decide(harness, 'accept');
    const badCode = await exchange(location.searchParams.get('code') ?? '', { client_secret: 'wrong' });
    expect(badCode.status).toBe(401);
    expect(await badCode.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    const badRefresh = await refresh(tokens.refresh_token ?? '', { client_secret: 'wrong' });
    expect(badRefresh.status).toBe(401);
    expect(await badRefresh.json()).toEqual({ error: 'access_denied', error_description: 'Unauthorized' });
    const unknownClient = await refresh(tokens.refresh_token ?? '', { client_id: 'nobody' });
    expect(unknownClient.status).toBe(401);
  });

  it('binds the code to its redirect URI and expires it after 10 minutes', async () => {
    const elsewhere = await decide(harness, 'accept');
    expect((await exchange(elsewhere.searchParams.get('code') ?? '', { redirect_uri: 'http://127.0.0.1:9/other' })).status).toBe(403);
    const late = await decide(harness, 'accept');
    harness.clock.now += 10 * 60 * 1000 + 1;
    expect((await exchange(late.searchParams.get('code') ?? '')).status).toBe(403);
    expect((await exchange('made-up-code')).status).toBe(403);
  });

  it('asks for missing fields with 400 invalid_request and refuses unknown grant types', async () => {
    const missing = await postToken(harness, { grant_type: 'authorization_code', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: 'invalid_request', error_description: 'Missing required parameter(s): code, redirect_uri' });
    expect((await postToken(harness, { client_id: CLIENT_ID })).status).toBe(400);
    const unknown = await postToken(harness, { grant_type: 'password', client_id: CLIENT_ID });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('gives a refresh token only when offline_access was granted', async () => {
    const tokens = await signIn(harness, ['read:space:confluence']);
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe('read:space:confluence');
  });

  it('keeps bad requests on an escaped error page until client and redirect URI are known good', async () => {
    const unknownClient = await fetch(authorizeUrl(harness, { client_id: '<b>nobody</b>' }), { redirect: 'manual' });
    expect(unknownClient.status).toBe(400);
    expect(unknownClient.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await unknownClient.text()).not.toContain('<b>nobody</b>');
    expect((await fetch(authorizeUrl(harness, { redirect_uri: 'javascript:alert(1)' }), { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(authorizeUrl(harness, { redirect_uri: undefined }), { redirect: 'manual' })).status).toBe(400);
  });

  it.each([
    ['another host', 'https://evil.example/oauth/callback'],
    ['another path on the registered host', 'http://127.0.0.1:9/elsewhere'],
    ['another port', 'http://127.0.0.1:10/oauth/callback'],
    ['a query added', 'http://127.0.0.1:9/oauth/callback?next=https://evil.example'],
    ['a trailing slash', 'http://127.0.0.1:9/oauth/callback/'],
  ])('shows an error page, and never redirects or issues a code, for a redirect_uri with %s', async (_case, redirectUri) => {
    const response = await fetch(authorizeUrl(harness, { redirect_uri: redirectUri }), { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    const html = await response.text();
    expect(html).toContain('The redirect_uri is not a callback URL registered with the sandbox.');
    expect(html).not.toContain('name="request"');
    // Even the error answers that go back to the client stay away from an unregistered address.
    const invalid = await fetch(authorizeUrl(harness, { redirect_uri: redirectUri, response_type: 'token' }), { redirect: 'manual' });
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('location')).toBeNull();
  });

  it('accepts the registered callback spelled with a different host case or an explicit default port', async () => {
    await harness.close();
    harness = await startSandbox({ redirectUris: ['https://bot.example.com/oauth/callback'] });
    for (const spelling of ['https://BOT.example.com/oauth/callback', 'https://bot.example.com:443/oauth/callback']) {
      expect((await fetch(authorizeUrl(harness, { redirect_uri: spelling }), { redirect: 'manual' })).status).toBe(200);
    }
  });

  it('redeems a code only with the redirect_uri it was issued for, even when both are registered', async () => {
    const second = 'http://127.0.0.1:9/second/callback';
    await harness.close();
    harness = await startSandbox({ redirectUris: [REDIRECT_URI, second] });
    const location = await decide(harness, 'accept');
    expect((await exchange(location.searchParams.get('code') ?? '', { redirect_uri: second })).status).toBe(403);
    // A refused exchange spends the code, as Atlassian's single-use codes are.
    expect((await exchange(location.searchParams.get('code') ?? '')).status).toBe(403);
    const fresh = await decide(harness, 'accept');
    expect((await exchange(fresh.searchParams.get('code') ?? '')).status).toBe(200);
  });

  it('refuses to start with a registered callback that is not an absolute http(s) URL', async () => {
    await expect(startSandbox({ redirectUris: ['javascript:alert(1)'] })).rejects.toThrow(/registered callback URL/);
  });

  it.each([
    ['no state', { state: undefined }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['another audience', { audience: 'example.com' }, 'invalid_request'],
    ['no prompt', { prompt: undefined }, 'invalid_request'],
    ['an unknown scope', { scope: 'read:space:confluence delete:everything' }, 'invalid_scope'],
  ])('redirects an authorize request with %s back with error=%s', async (_case, overrides: Record<string, string | undefined>, error) => {
    const response = await fetch(authorizeUrl(harness, overrides), { redirect: 'manual' });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
    expect(location.searchParams.get('error')).toBe(error);
    expect(location.searchParams.get('state')).toBe(overrides.state === undefined && 'state' in overrides ? null : 'state-123');
  });

  it('escapes the app name on the consent page, and the client id of an app registered without a name', async () => {
    await harness.close();
    harness = await startSandbox({ resolveClient: () => ({ secret: 'secret', name: '<b>Evil</b> app' }) });
    const named = await (await fetch(authorizeUrl(harness))).text();
    expect(named).toContain('&lt;b&gt;Evil&lt;/b&gt; app wants to access your Confluence');
    expect(named).not.toContain('<b>Evil');

    await harness.close();
    harness = await startSandbox({ resolveClient: () => ({ secret: 'secret' }) });
    const html = await (await fetch(authorizeUrl(harness, { client_id: '<img src=x onerror=alert(1)>' }))).text();
    expect(html).toContain('The app with client id &lt;img src=x onerror=alert(1)&gt; wants to access your Confluence');
    expect(html).not.toContain('<img src=x');
  });

  it('lists accessible resources for a valid token and answers 401 otherwise', async () => {
    const tokens = await signIn(harness);
    const response = await resources(tokens.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      {
        id: CLOUD_ID,
        name: 'Sandbox',
        url: `${harness.url}/sandbox`,
        scopes: ['read:space:confluence', 'read:page:confluence', 'write:page:confluence'],
        avatarUrl: `${harness.url}/sandbox/site-avatar.svg`,
      },
    ]);
    expect((await resources()).status).toBe(401);
    expect((await resources('not-a-token')).status).toBe(401);
  });

  it('expires access tokens after their lifetime, while the refresh token still works', async () => {
    const tokens = await signIn(harness);
    harness.clock.now += 3600 * 1000;
    expect((await resources(tokens.access_token)).status).toBe(401);
    const rotated = (await (await refresh(tokens.refresh_token ?? '')).json()) as Tokens;
    expect((await resources(rotated.access_token)).status).toBe(200);
  });

  it('simulates expiry and revoked consent on request', async () => {
    const tokens = await signIn(harness);
    await harness.sandbox.expireAccessTokens();
    expect((await resources(tokens.access_token)).status).toBe(401);
    const rotated = (await (await refresh(tokens.refresh_token ?? '')).json()) as Tokens;
    await harness.sandbox.revokeAllTokens();
    expect((await resources(rotated.access_token)).status).toBe(401);
    const refused = await refresh(rotated.refresh_token ?? '');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' });
  });
});
