/**
 * Authorization codes, access tokens and rotating refresh tokens, as Atlassian's 3LO server issues them (contract
 * §A2–A3). Held in memory, loaded from the records at open; each change writes only the records it touches, one
 * small record per grant, keyed by the SHA-256 of the secret (the clear value is never kept).
 *
 * Refresh tokens rotate within a family: every token issued from one authorization code shares a family id. A
 * refresh disables the refresh token presented and issues the family's next one. Presenting a token that was
 * already rotated out is refused (403) and, like Atlassian's breach detection, revokes the whole family: all its
 * access and refresh tokens. Atlassian tolerates the same refresh token again within a 10-minute reuse interval;
 * the sandbox deliberately allows no leeway at all, so a client that ever refreshes one token twice (two instances,
 * a broken single-flight) loses its connection here, and tests can prove the bot never does.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { RecordStore } from '../services/storage/recordStore.js';
import {
  codeGrantSchema,
  rotatedTokenSchema,
  tokenGrantSchema,
  type CodeGrant,
  type RotatedToken,
  type TokenGrant,
} from './grantRecords.js';
import { grantKey, grantPrefix, GRANTS_PREFIX, readSandboxRecord, storeExpiry, type GrantKind } from './recordLayout.js';
import type { RecordWriter } from './recordWriter.js';
import { hashSecret, newSecret } from './secrets.js';

const CODE_TTL_MS = 10 * 60 * 1000;
/** Atlassian's default inactivity expiry; every rotation starts it again. */
const REFRESH_INACTIVITY_MS = 90 * 24 * 60 * 60 * 1000;
/** Expired grants are refused at once, and dropped from memory and from the records at most this often. */
const SWEEP_INTERVAL_MS = 60 * 1000;
/** Grant records read at the same time while opening. */
const LOAD_CONCURRENCY = 16;

type TokenKind = 'access' | 'refresh';
const TOKEN_KINDS: readonly TokenKind[] = ['access', 'refresh'];

export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  token_type: 'bearer';
}

export class Grants {
  private readonly codes = new Map<string, CodeGrant>();
  private readonly tokens: Record<TokenKind, Map<string, TokenGrant>> = { access: new Map(), refresh: new Map() };
  private readonly rotated = new Map<string, RotatedToken>();
  /** Family id → its live tokens (hash → kind), so revoking a family touches only its own records. */
  private readonly families = new Map<string, Map<string, TokenKind>>();
  private lastSweep: number;

  private constructor(
    private readonly writer: RecordWriter,
    private readonly now: () => number,
    private readonly accessTokenTtlSeconds: number,
  ) {
    this.lastSweep = now();
  }

  /** Loads the live grants, after deleting the records that expired while the sandbox was stopped. */
  static async open(records: RecordStore, writer: RecordWriter, now: () => number, accessTokenTtlSeconds: number): Promise<Grants> {
    const grants = new Grants(writer, now, accessTokenTtlSeconds);
    await records.pruneExpired(GRANTS_PREFIX);
    const load = async <T extends { expiresAt: number }>(kind: GrantKind, schema: z.ZodType<T>, keep: (hash: string, grant: T) => void) => {
      const prefix = grantPrefix(kind);
      await forEachLimited(await records.listKeys(prefix), LOAD_CONCURRENCY, async (key) => {
        const grant = await readSandboxRecord(records, key, schema);
        if (grant !== undefined && grant.expiresAt > now()) keep(key.slice(prefix.length), grant);
      });
    };
    await load('codes', codeGrantSchema, (hash, grant) => grants.codes.set(hash, grant));
    await load('access', tokenGrantSchema, (hash, grant) => grants.keep('access', hash, grant));
    await load('refresh', tokenGrantSchema, (hash, grant) => grants.keep('refresh', hash, grant));
    await load('rotated', rotatedTokenSchema, (hash, grant) => grants.rotated.set(hash, grant));
    return grants;
  }

  async issueCode(grant: { clientId: string; redirectUri: string; scopes: string[] }): Promise<string> {
    this.sweep();
    const code = newSecret();
    const hash = hashSecret(code);
    const record: CodeGrant = { ...grant, expiresAt: this.now() + CODE_TTL_MS };
    this.codes.set(hash, record);
    await this.write('codes', hash, record);
    return code;
  }

  /** Single use: the code is spent on the first attempt, even one that fails on client or redirect URI. */
  async redeemCode(code: string, clientId: string, redirectUri: string): Promise<TokenResponse | undefined> {
    const hash = hashSecret(code);
    const record = this.codes.get(hash);
    if (record === undefined) return undefined;
    this.codes.delete(hash);
    const spent = this.writer.delete(grantKey('codes', hash));
    const valid = record.expiresAt > this.now() && record.clientId === clientId && record.redirectUri === redirectUri;
    if (!valid) {
      await spent;
      return undefined;
    }
    const issued = this.issueTokens(clientId, record.scopes, randomBytes(12).toString('base64url'));
    await Promise.all([spent, ...issued.writes]);
    return issued.response;
  }

  /** Rotation without reuse leeway (see above): undefined for an unknown, expired, foreign or replayed token. */
  async refresh(refreshToken: string, clientId: string): Promise<TokenResponse | undefined> {
    const hash = hashSecret(refreshToken);
    const live = this.tokens.refresh.get(hash);
    if (live === undefined) {
      const replayed = this.rotated.get(hash);
      if (replayed !== undefined && replayed.clientId === clientId && replayed.expiresAt > this.now()) {
        await Promise.all(this.revokeFamily(replayed.familyId));
      }
      return undefined;
    }
    if (live.clientId !== clientId || live.expiresAt <= this.now()) return undefined;
    // Memory changes before the first await, so a second refresh racing this one already sees a replay.
    this.forget('refresh', hash);
    const rotated: RotatedToken = { clientId, familyId: live.familyId, expiresAt: live.expiresAt };
    this.rotated.set(hash, rotated);
    const issued = this.issueTokens(clientId, live.scopes, live.familyId);
    await Promise.all([this.writer.delete(grantKey('refresh', hash)), this.write('rotated', hash, rotated), ...issued.writes]);
    return issued.response;
  }

  /** The live access token with this value, or undefined when unknown, revoked or expired. */
  findAccessToken(accessToken: string): TokenGrant | undefined {
    const grant = this.tokens.access.get(hashSecret(accessToken));
    return grant !== undefined && grant.expiresAt > this.now() ? grant : undefined;
  }

  /** Revoked consent: every access and refresh token goes. */
  async revokeAll(): Promise<void> {
    await Promise.all(TOKEN_KINDS.flatMap((kind) => [...this.tokens[kind].keys()].map((hash) => this.revoke(kind, hash))));
  }

  /** Every access token goes; refresh tokens still work. */
  async expireAccessTokens(): Promise<void> {
    await Promise.all([...this.tokens.access.keys()].map((hash) => this.revoke('access', hash)));
  }

  private issueTokens(clientId: string, scopes: string[], familyId: string): { response: TokenResponse; writes: Array<Promise<void>> } {
    this.sweep();
    const accessToken = newSecret();
    const writes = [this.add('access', hashSecret(accessToken), { clientId, scopes, familyId, expiresAt: this.now() + this.accessTokenTtlSeconds * 1000 })];
    const response: TokenResponse = {
      access_token: accessToken,
      expires_in: this.accessTokenTtlSeconds,
      scope: scopes.join(' '),
      token_type: 'bearer',
    };
    if (scopes.includes('offline_access')) {
      const refreshToken = newSecret();
      writes.push(this.add('refresh', hashSecret(refreshToken), { clientId, scopes, familyId, expiresAt: this.now() + REFRESH_INACTIVITY_MS }));
      response.refresh_token = refreshToken;
    }
    return { response, writes };
  }

  private revokeFamily(familyId: string): Array<Promise<void>> {
    const members = this.families.get(familyId);
    if (members === undefined) return [];
    return [...members].map(([hash, kind]) => this.revoke(kind, hash));
  }

  private add(kind: TokenKind, hash: string, grant: TokenGrant): Promise<void> {
    this.keep(kind, hash, grant);
    return this.write(kind, hash, grant);
  }

  private revoke(kind: TokenKind, hash: string): Promise<void> {
    this.forget(kind, hash);
    return this.writer.delete(grantKey(kind, hash));
  }

  private write(kind: GrantKind, hash: string, grant: { expiresAt: number }): Promise<void> {
    return this.writer.put(grantKey(kind, hash), grant, storeExpiry(grant.expiresAt, this.now()));
  }

  /** In memory only. */
  private keep(kind: TokenKind, hash: string, grant: TokenGrant): void {
    this.tokens[kind].set(hash, grant);
    let members = this.families.get(grant.familyId);
    if (members === undefined) {
      members = new Map();
      this.families.set(grant.familyId, members);
    }
    members.set(hash, kind);
  }

  /** In memory only. */
  private forget(kind: TokenKind, hash: string): void {
    const grant = this.tokens[kind].get(hash);
    if (grant === undefined) return;
    this.tokens[kind].delete(hash);
    const members = this.families.get(grant.familyId);
    members?.delete(hash);
    if (members?.size === 0) this.families.delete(grant.familyId);
  }

  /**
   * Drops expired grants from memory and deletes their records, at most once a minute: a long-running sandbox
   * keeps neither growing. Deletes are not awaited; one that fails changes nothing the sandbox answers, and the
   * record store prunes the record at the next start anyway.
   */
  private sweep(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_INTERVAL_MS) return;
    this.lastSweep = now;
    const expired: string[] = [];
    for (const [hash, grant] of this.codes) {
      if (grant.expiresAt <= now) {
        this.codes.delete(hash);
        expired.push(grantKey('codes', hash));
      }
    }
    for (const kind of TOKEN_KINDS) {
      for (const [hash, grant] of this.tokens[kind]) {
        if (grant.expiresAt <= now) {
          this.forget(kind, hash);
          expired.push(grantKey(kind, hash));
        }
      }
    }
    for (const [hash, grant] of this.rotated) {
      if (grant.expiresAt <= now) {
        this.rotated.delete(hash);
        expired.push(grantKey('rotated', hash));
      }
    }
    for (const key of expired) void this.writer.delete(key).catch(() => undefined);
  }
}

async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
