/**
 * MicrosoftAppId mode with tokens that fail: a forged, an expired and a misaddressed one are answered 401, and an
 * identity provider that cannot be reached 503, each with a short message and nothing of the internals (the
 * attack got 500 and "invalid signature" for a forged token). The identity provider is a fake on loopback, named
 * by BotOpenIdMetadata; none of these tokens is ever valid, so the bot never calls out for one of its own.
 */
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, createSign, type KeyObject } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { startApp, type RunningApp } from '../../app.js';
import { freePort } from '../helpers/ports.js';

const APP_ID = '8b2c1a5e-0f3d-4c6b-9a7e-2d1f0e9c8b7a';
const KEY_ID = 'fake-idp-key-1';

const idpKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const attackerKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function token(claims: Record<string, unknown>, key: KeyObject): string {
  const unsigned = `${base64url({ alg: 'RS256', typ: 'JWT', kid: KEY_ID })}.${base64url(claims)}`;
  return `${unsigned}.${createSign('RSA-SHA256').update(unsigned).sign(key).toString('base64url')}`;
}

function channelClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: 'http://127.0.0.1:9/', nbf: now - 60, iat: now - 60, exp: now + 3600, ...overrides };
}

const activity = {
  type: 'message',
  text: 'create page',
  channelId: 'msteams',
  serviceUrl: 'http://127.0.0.1:9/',
  conversation: { id: 'c1' },
  from: { id: 'u1' },
  recipient: { id: 'bot' },
};

/** The OpenID metadata and signing keys, as login.botframework.com publishes them; or a 500 when told to fail. */
async function startFakeIdentityProvider(mode: 'keys' | 'failing'): Promise<{ metadataUrl: string; server: Server }> {
  const jwk = idpKeys.publicKey.export({ format: 'jwk' });
  const server = createServer((req, res) => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // Status and end separately: restify, loaded in this process, replaces writeHead with one that returns nothing.
    if (mode === 'failing') {
      res.statusCode = 500;
      res.end('internal failure at the identity provider');
      return;
    }
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') res.end(JSON.stringify({ issuer: 'https://api.botframework.com', jwks_uri: `${base}/v1/.well-known/keys` }));
    else if (req.url === '/v1/.well-known/keys') res.end(JSON.stringify({ keys: [{ kty: 'RSA', use: 'sig', kid: KEY_ID, n: jwk.n, e: jwk.e, endorsements: ['msteams', 'webchat'] }] }));
    else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { metadataUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/.well-known/openidconfiguration`, server };
}

async function startBot(metadataUrl: string): Promise<RunningApp> {
  return startApp({
    PORT: String(await freePort()),
    DATA_DIR: await mkdtemp(path.join(os.tmpdir(), 'bftokens-')),
    LOG_LEVEL: 'silent',
    MicrosoftAppId: APP_ID,
    MicrosoftAppPassword: 'not-a-real-password',
    MicrosoftAppType: 'MultiTenant',
    BotOpenIdMetadata: metadataUrl,
  });
}

async function post(app: RunningApp, bearer: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${bearer}` },
    body: JSON.stringify(activity),
  });
  return { status: response.status, text: await response.text() };
}

/** Nothing of what went wrong inside: no library error text, no address, no stack. */
function expectNoInternals(text: string): void {
  const message = (JSON.parse(text) as { error: string }).error;
  expect(message).not.toMatch(/signature|expired|jwt|ECONN|127\.0\.0\.1|openid|AppId|[a-z]Error|\bat \S+:\d+/i);
}

describe('Bot Framework tokens that fail', () => {
  const started: { close(): unknown }[] = [];

  beforeAll(() => {
    // botbuilder reports refused tokens on console.error; the refusals are what these tests expect.
    jest.spyOn(console, 'error').mockImplementation(() => undefined);
  });

  afterAll(async () => {
    for (const item of started.reverse()) await item.close();
  });

  describe('with the identity provider up', () => {
    let app: RunningApp;

    beforeAll(async () => {
      const idp = await startFakeIdentityProvider('keys');
      started.push({ close: () => new Promise((resolve) => idp.server.close(resolve)) });
      app = await startBot(idp.metadataUrl);
      started.push(app);
    });

    it('answers a forged token (right key id, wrong key) 401 without internals', async () => {
      const answer = await post(app, token(channelClaims(), attackerKeys.privateKey));
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: 'This request does not carry a valid Bot Framework token.' });
      expectNoInternals(answer.text);
    });

    it('answers an expired token 401 without internals', async () => {
      const now = Math.floor(Date.now() / 1000);
      const answer = await post(app, token(channelClaims({ iat: now - 7200, nbf: now - 7200, exp: now - 3600 }), idpKeys.privateKey));
      expect(answer.status).toBe(401);
      expectNoInternals(answer.text);
    });

    it('answers a token for another bot 401 without internals', async () => {
      const answer = await post(app, token(channelClaims({ aud: '00000000-0000-0000-0000-000000000000' }), idpKeys.privateKey));
      expect(answer.status).toBe(401);
      expectNoInternals(answer.text);
    });

    it('answers a token from an issuer it does not trust 401', async () => {
      const answer = await post(app, token(channelClaims({ iss: 'https://attacker.example' }), attackerKeys.privateKey));
      expect(answer.status).toBe(401);
      expectNoInternals(answer.text);
    });
  });

  describe('with the identity provider unreachable', () => {
    it('answers 503 with a short message when nothing listens there', async () => {
      const closedPort = await freePort();
      const app = await startBot(`http://127.0.0.1:${closedPort}/v1/.well-known/openidconfiguration`);
      started.push(app);
      const answer = await post(app, token(channelClaims(), idpKeys.privateKey));
      expect(answer.status).toBe(503);
      expect(JSON.parse(answer.text)).toEqual({ error: expect.stringMatching(/try again/) });
      expectNoInternals(answer.text);
    });

    it('answers 503 when the identity provider answers with an error', async () => {
      const idp = await startFakeIdentityProvider('failing');
      started.push({ close: () => new Promise((resolve) => idp.server.close(resolve)) });
      const app = await startBot(idp.metadataUrl);
      started.push(app);
      const answer = await post(app, token(channelClaims(), idpKeys.privateKey));
      expect(answer.status).toBe(503);
      expectNoInternals(answer.text);
    });
  });
});
