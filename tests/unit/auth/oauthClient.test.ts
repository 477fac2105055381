import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ExchangeFailedError,
  OAuthClient,
  OAuthProtocolError,
  OAuthUnavailableError,
  RefreshRefusedError,
} from '../../../services/auth/oauthClient.js';
import type { OAuthProfile } from '../../../services/auth/types.js';
import { FakeAtlassianAuth } from '../../helpers/fakeAtlassianAuth.js';

describe('OAuthClient against the fake Atlassian server', () => {
  let fake: FakeAtlassianAuth;
  let profile: OAuthProfile;
  const client = new OAuthClient();

  beforeEach(async () => {
    fake = await new FakeAtlassianAuth().start();
    profile = {
      name: 'system',
      type: 'system',
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      authorizationUrl: fake.authorizationUrl,
      tokenUrl: fake.tokenUrl,
      refreshTokenUrl: fake.tokenUrl,
      scopes: ['read:page:confluence', 'offline_access'],
      apiUrl: fake.apiUrl,
    };
  });
  afterEach(() => fake.stop());

  it('exchanges a code with the documented JSON body', async () => {
    const code = fake.grantCode();
    const tokens = await client.exchangeCode(profile, code, fake.redirectUri);
    expect(tokens.accessToken).toMatch(/^at-/);
    expect(tokens.refreshToken).toMatch(/^rt-/);
    expect(tokens.expiresInSeconds).toBe(3600);
    expect(fake.tokenRequests[0]).toMatchObject({
      contentType: 'application/json',
      body: { grant_type: 'authorization_code', client_id: fake.clientId, client_secret: fake.clientSecret, code, redirect_uri: fake.redirectUri },
    });
  });

  it('refresh rotates the refresh token; the old one is then refused', async () => {
    const first = await client.exchangeCode(profile, fake.grantCode(), fake.redirectUri);
    const second = await client.refresh(profile, first.refreshToken!);
    expect(second.refreshToken).toBeDefined();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(fake.tokenRequests[1]!.body).toEqual({
      grant_type: 'refresh_token',
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      refresh_token: first.refreshToken,
    });
    await expect(client.refresh(profile, first.refreshToken!)).rejects.toThrow(RefreshRefusedError);
  });

  it('a wrong client secret on refresh is a refusal (401 access_denied), and says nothing secret', async () => {
    const first = await client.exchangeCode(profile, fake.grantCode(), fake.redirectUri);
    const error = await client.refresh({ ...profile, clientSecret: 'wrong-secret' }, first.refreshToken!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RefreshRefusedError);
    expect((error as RefreshRefusedError).status).toBe(401);
    expect((error as Error).message).not.toContain(first.refreshToken!);
    expect((error as Error).message).not.toContain('wrong-secret');
  });

  it('a bad code fails the exchange without echoing the code', async () => {
    const error = await client.exchangeCode(profile, 'code-not-issued', fake.redirectUri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExchangeFailedError);
    expect((error as Error).message).toContain('invalid_grant');
    expect((error as Error).message).not.toContain('code-not-issued');
  });

  it('5xx and unreachable servers are "unavailable"', async () => {
    fake.failNextTokenRequests.push(503);
    await expect(client.refresh(profile, 'rt-x')).rejects.toThrow(OAuthUnavailableError);
    const unreachable = { ...profile, tokenUrl: 'http://127.0.0.1:1/oauth/token' };
    const error = await client.exchangeCode(unreachable, 'code-secret-123', fake.redirectUri).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuthUnavailableError);
    expect((error as Error).message).not.toContain('code-secret-123');
  });

  it('lists accessible Confluence sites once per cloudId, skipping other products', async () => {
    fake.sites = [
      { id: 'c1', name: 'One', url: 'https://one.atlassian.net', scopes: ['read:page:confluence'] },
      { id: 'c1', name: 'One', url: 'https://one.atlassian.net', scopes: ['write:confluence-content'] },
      { id: 'j1', name: 'Jira only', url: 'https://j.atlassian.net', scopes: ['read:jira-work'] },
    ];
    const tokens = await client.exchangeCode(profile, fake.grantCode(), fake.redirectUri);
    expect(await client.accessibleResources(fake.apiUrl, tokens.accessToken)).toEqual([
      { cloudId: 'c1', name: 'One', url: 'https://one.atlassian.net' },
    ]);
    await expect(client.accessibleResources(fake.apiUrl, 'at-unknown')).rejects.toThrow(OAuthProtocolError);
  });

  it('rejects a token answer that does not match the contract', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ token: 'nope' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/token`;
    try {
      await expect(client.exchangeCode({ ...profile, tokenUrl: url }, 'c', fake.redirectUri)).rejects.toThrow(ExchangeFailedError);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
