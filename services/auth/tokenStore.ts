/**
 * Stored OAuth tokens, sealed at rest. User mode keeps one token per (profile, requester); pre-authorized mode
 * keeps one shared token per profile. Both kinds live side by side, so switching modes loses nothing.
 */
import type { ConfluenceSite } from '../confluence/types.js';
import type { SecretBox } from '../crypto/secretBox.js';
import type { BotDatabase, StoredToken } from '../storage/database.js';
import type { Requester } from './types.js';

/** Owner of the pre-authorized token. Requester keys always contain ':', so this cannot collide with one. */
export const SHARED_TOKEN_OWNER = 'shared';

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
    private readonly database: BotDatabase,
    private readonly secretBox: SecretBox,
  ) {}

  async get(profileName: string, owner: string): Promise<OwnedTokenSet | undefined> {
    const data = await this.database.read();
    const stored = data.tokens.find((token) => token.profileName === profileName && token.owner === owner);
    if (stored === undefined) return undefined;
    return {
      profileName,
      owner,
      accessToken: this.secretBox.open(stored.accessToken),
      refreshToken: stored.refreshToken === undefined ? undefined : this.secretBox.open(stored.refreshToken),
      expiresAt: stored.expiresAt,
      scope: stored.scope,
      sites: stored.sites.map((site) => ({ ...site })),
    };
  }

  async summary(profileName: string, owner: string): Promise<TokenSummary | undefined> {
    const data = await this.database.read();
    const stored = data.tokens.find((token) => token.profileName === profileName && token.owner === owner);
    return stored === undefined ? undefined : summarize(stored);
  }

  async countForProfile(profileName: string, excludingOwner?: string): Promise<number> {
    const data = await this.database.read();
    return data.tokens.filter((token) => token.profileName === profileName && token.owner !== excludingOwner).length;
  }

  /** Replaces whatever was stored for this owner; resolves once the file is written. */
  async save(profileName: string, owner: string, tokens: TokenSet, now: number = Date.now()): Promise<void> {
    const stored: StoredToken = {
      profileName,
      owner,
      accessToken: this.secretBox.seal(tokens.accessToken),
      refreshToken: tokens.refreshToken === undefined ? undefined : this.secretBox.seal(tokens.refreshToken),
      expiresAt: tokens.expiresAt,
      scope: tokens.scope,
      sites: tokens.sites.map((site) => ({ ...site })),
      updatedAt: now,
    };
    await this.database.update((data) => {
      data.tokens = data.tokens.filter((token) => !(token.profileName === profileName && token.owner === owner));
      data.tokens.push(stored);
    });
  }

  /** Updates the sites of a stored token, if it is still there. */
  async updateSites(profileName: string, owner: string, sites: ConfluenceSite[]): Promise<void> {
    await this.database.update((data) => {
      const stored = data.tokens.find((token) => token.profileName === profileName && token.owner === owner);
      if (stored !== undefined) stored.sites = sites.map((site) => ({ ...site }));
    });
  }

  /**
   * Deletes the token. With `onlyIfRefreshToken`, only when the stored refresh token is still that one: a sign-in
   * that finished while a refresh was being refused must not be thrown away.
   */
  async delete(profileName: string, owner: string, onlyIfRefreshToken?: string): Promise<boolean> {
    return this.database.update((data) => {
      const index = data.tokens.findIndex((token) => token.profileName === profileName && token.owner === owner);
      if (index < 0) return false;
      const stored = data.tokens[index]!;
      if (onlyIfRefreshToken !== undefined) {
        const current = stored.refreshToken === undefined ? undefined : this.secretBox.open(stored.refreshToken);
        if (current !== onlyIfRefreshToken) return false;
      }
      data.tokens.splice(index, 1);
      return true;
    });
  }
}

function summarize(stored: StoredToken): TokenSummary {
  return {
    profileName: stored.profileName,
    owner: stored.owner,
    expiresAt: new Date(stored.expiresAt),
    refreshable: stored.refreshToken !== undefined,
    sites: stored.sites.map((site) => ({ ...site })),
  };
}
