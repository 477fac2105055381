/**
 * Stored OAuth tokens, sealed at rest, one record per owner: user mode keeps one token per (profile, requester),
 * pre-authorized mode one shared token per profile. Both kinds live side by side, so switching modes loses nothing.
 * Each read carries the record's ETag, so a refresh can claim the record and store its result only over the very
 * version it refreshed (see AuthService.refresh).
 */
import type { ConfluenceSite } from '../confluence/types.js';
import type { SecretBox } from '../crypto/secretBox.js';
import { updateRecord, UNCHANGED, type RecordStore } from '../storage/recordStore.js';
import { parseRecord, tokenKey, tokenRecord, tokensPrefix, type RefreshClaim, type TokenRecord } from './records.js';
import type { Requester } from './types.js';

export { SHARED_TOKEN_OWNER } from './records.js';

export function requesterKey(requester: Requester): string {
  return `${requester.channelId}:${requester.userId}`;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  scope: string;
  sites: ConfluenceSite[];
}

export interface OwnedTokenSet extends TokenSet {
  profileName: string;
  owner: string;
  /** When this access token was stored (epoch ms): with expiresAt, its lifetime. */
  updatedAt: number;
}

/** One stored version of a token: what a refresh claims and replaces. */
export interface TokenVersion {
  token: OwnedTokenSet;
  claim?: RefreshClaim;
  etag: string;
  stored: TokenRecord;
}

/** What may be shown about a stored token. */
export interface TokenSummary {
  profileName: string;
  owner: string;
  expiresAt: Date;
  refreshable: boolean;
  sites: ConfluenceSite[];
}

export class TokenStore {
  constructor(
    private readonly records: RecordStore,
    private readonly secretBox: SecretBox,
  ) {}

  async get(profileName: string, owner: string): Promise<OwnedTokenSet | undefined> {
    return (await this.getVersion(profileName, owner))?.token;
  }

  async getVersion(profileName: string, owner: string): Promise<TokenVersion | undefined> {
    const key = tokenKey(profileName, owner);
    const record = await this.records.get<unknown>(key);
    if (record === undefined) return undefined;
    const stored = parseRecord(tokenRecord, record.value, key, this.records.location);
    return { token: this.open(stored), claim: stored.refreshClaim, etag: record.etag, stored };
  }

  async summary(profileName: string, owner: string): Promise<TokenSummary | undefined> {
    const version = await this.getVersion(profileName, owner);
    if (version === undefined) return undefined;
    const { stored } = version;
    return {
      profileName: stored.profileName,
      owner: stored.owner,
      expiresAt: new Date(stored.expiresAt),
      refreshable: stored.refreshToken !== undefined,
      sites: stored.sites.map((site) => ({ ...site })),
    };
  }

  async countForProfile(profileName: string, excludingOwner?: string): Promise<number> {
    const keys = await this.records.listKeys(tokensPrefix(profileName));
    const excluded = excludingOwner === undefined ? undefined : tokenKey(profileName, excludingOwner);
    return keys.filter((key) => key !== excluded).length;
  }

  /** Replaces whatever was stored for this owner (a new sign-in wins over anything older); resolves once written. */
  async save(profileName: string, owner: string, tokens: TokenSet, now: number = Date.now()): Promise<void> {
    await this.records.put(tokenKey(profileName, owner), this.seal(profileName, owner, tokens, now));
  }

  /** Stores a refreshed token over exactly the version it was refreshed from (and drops the claim). */
  async replace(version: TokenVersion, etag: string, tokens: TokenSet, now: number = Date.now()): Promise<string | undefined> {
    const { profileName, owner } = version.token;
    return this.records.replace(tokenKey(profileName, owner), this.seal(profileName, owner, tokens, now), etag);
  }

  /** Marks the version as being refreshed by `claim.by` until `claim.until`; the new ETag, or undefined if it changed. */
  async claim(version: TokenVersion, claim: RefreshClaim): Promise<string | undefined> {
    const { profileName, owner } = version.token;
    return this.records.replace(tokenKey(profileName, owner), { ...version.stored, refreshClaim: claim }, version.etag);
  }

  /** Gives a claim up (the refresh failed for a passing reason), unless the record changed since. */
  async release(version: TokenVersion, claimedEtag: string): Promise<void> {
    const { profileName, owner } = version.token;
    const { refreshClaim: _released, ...stored } = version.stored;
    await this.records.replace(tokenKey(profileName, owner), stored, claimedEtag);
  }

  /** Updates the sites of a stored token, if it is still there. */
  async updateSites(profileName: string, owner: string, sites: ConfluenceSite[]): Promise<void> {
    const key = tokenKey(profileName, owner);
    await updateRecord<unknown, void>(this.records, key, (current) => {
      if (current === undefined) return { next: UNCHANGED, result: undefined };
      const stored = parseRecord(tokenRecord, current, key, this.records.location);
      return { next: { ...stored, sites: sites.map((site) => ({ ...site })) }, result: undefined };
    });
  }

  /** Deletes the token; with `etag`, only that version (a sign-in that finished meanwhile must not be thrown away). */
  async delete(profileName: string, owner: string, etag?: string): Promise<boolean> {
    return this.records.delete(tokenKey(profileName, owner), etag);
  }

  private open(stored: TokenRecord): OwnedTokenSet {
    return {
      profileName: stored.profileName,
      owner: stored.owner,
      accessToken: this.secretBox.open(stored.accessToken),
      refreshToken: stored.refreshToken === undefined ? undefined : this.secretBox.open(stored.refreshToken),
      expiresAt: stored.expiresAt,
      scope: stored.scope,
      sites: stored.sites.map((site) => ({ ...site })),
      updatedAt: stored.updatedAt,
    };
  }

  private seal(profileName: string, owner: string, tokens: TokenSet, now: number): TokenRecord {
    return {
      profileName,
      owner,
      accessToken: this.secretBox.seal(tokens.accessToken),
      refreshToken: tokens.refreshToken === undefined ? undefined : this.secretBox.seal(tokens.refreshToken),
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
      sites: tokens.sites.map((site) => ({ ...site })),
      updatedAt: now,
    };
  }
}
