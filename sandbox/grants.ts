/**
 * Authorization codes, access tokens and rotating refresh tokens, as Atlassian's 3LO server issues them.
 * Only SHA-256 hashes are stored; the clear values exist only in the HTTP response that hands them out.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxStore, TokenRecord } from './store.js';

const CODE_TTL_MS = 10 * 60 * 1000;
/** Atlassian's default inactivity expiry; every rotation starts it again. */
const REFRESH_INACTIVITY_MS = 90 * 24 * 60 * 60 * 1000;

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: 'bearer';
}

export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Compares two secrets in constant time (their hashes have equal length whatever the inputs). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(Buffer.from(hashSecret(given), 'hex'), Buffer.from(hashSecret(expected), 'hex'));
}

export class Grants {
  constructor(
    private readonly store: SandboxStore,
    private readonly now: () => number,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  async issueCode(grant: { clientId: string; redirectUri: string; scopes: string[] }): Promise<string> {
    const code = newSecret();
    this.prune();
    this.store.data.codes.push({ codeHash: hashSecret(code), ...grant, expiresAt: this.now() + CODE_TTL_MS });
    await this.store.save();
    return code;
  }

  /** Single use: the code is spent on the first attempt, even one that fails on client or redirect URI. */
  async redeemCode(code: string, clientId: string, redirectUri: string): Promise<TokenResponse | undefined> {
    const codes = this.store.data.codes;
    const index = codes.findIndex((record) => record.codeHash === hashSecret(code));
    if (index < 0) return undefined;
    const [record] = codes.splice(index, 1);
    const valid = record.expiresAt > this.now() && record.clientId === clientId && record.redirectUri === redirectUri;
    if (!valid) {
      await this.store.save();
      return undefined;
    }
    return this.issueTokens(clientId, record.scopes);
  }

  /** Rotation without reuse leeway: the presented refresh token is disabled at once. */
  async refresh(refreshToken: string, clientId: string): Promise<TokenResponse | undefined> {
    const tokens = this.store.data.refreshTokens;
    const index = tokens.findIndex((record) => record.tokenHash === hashSecret(refreshToken));
    if (index < 0) return undefined;
    const record = tokens[index];
    if (record.clientId !== clientId || record.expiresAt <= this.now()) return undefined;
    tokens.splice(index, 1);
    return this.issueTokens(clientId, record.scopes);
  }

  /** The live access token with this value, or undefined when unknown, revoked or expired. */
  findAccessToken(accessToken: string): TokenRecord | undefined {
    const hash = hashSecret(accessToken);
    return this.store.data.accessTokens.find((record) => record.tokenHash === hash && record.expiresAt > this.now());
  }

  async revokeAll(): Promise<void> {
    this.store.data.accessTokens = [];
    this.store.data.refreshTokens = [];
    await this.store.save();
  }

  async expireAccessTokens(): Promise<void> {
    const past = this.now() - 1;
    for (const record of this.store.data.accessTokens) record.expiresAt = past;
    await this.store.save();
  }

  private async issueTokens(clientId: string, scopes: string[]): Promise<TokenResponse> {
    this.prune();
    const accessToken = newSecret();
    this.store.data.accessTokens.push({
      tokenHash: hashSecret(accessToken),
      clientId,
      scopes,
      expiresAt: this.now() + this.accessTokenTtlSeconds * 1000,
    });
    const response: TokenResponse = {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      scope: scopes.join(' '),
      token_type: 'bearer',
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = newSecret();
      this.store.data.refreshTokens.push({
        tokenHash: hashSecret(refreshToken),
        clientId,
        scopes,
        expiresAt: this.now() + REFRESH_INACTIVITY_MS,
      });
      response.refresh_token = refreshToken;
    }
    await this.store.save();
    return response;
  }

  private prune(): void {
    const now = this.now();
    const data = this.store.data;
    data.codes = data.codes.filter((record) => record.expiresAt > now);
    data.accessTokens = data.accessTokens.filter((record) => record.expiresAt > now);
    data.refreshTokens = data.refreshTokens.filter((record) => record.expiresAt > now);
  }
}
