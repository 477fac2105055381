/**
 * Authorization as the dialogs see it (`Connector`), plus the two OAuth routes' logic (`beginAuthorization`
 * for /oauth/start, `completeAuthorization` for /oauth/callback) and what the admin CLI needs.
 *
 * Settings, profiles and tokens live in the record store (services/auth/records.ts), shared by every instance;
 * settings and profiles are cached until their record changes, so the admin CLI's changes apply to running bots
 * without a restart. A refresh happens once per token across all instances: Atlassian rotates refresh tokens, and
 * a rotated-out one presented again can revoke the whole token family (see `refresh`).
 */
import type { AxiosInstance } from 'axios';
import type { Config } from '../config/config.js';
import type { ConfluenceSite } from '../confluence/types.js';
import { resolveEncryptionKey } from '../crypto/encryptionKey.js';
import { SecretBox } from '../crypto/secretBox.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { openRecordStore } from '../storage/openRecordStore.js';
import type { RecordStore } from '../storage/recordStore.js';
import { migrateLegacyDatabase } from './legacyMigration.js';
import { OAuthClient, OAuthError, RefreshRefusedError } from './oauthClient.js';
import { ProfileStore, SYSTEM_PROFILE_NAME, customProfile, systemProfile } from './profiles.js';
import { SettingsStore, type AuthSettings } from './settings.js';
import { SignInRequestStore, type PendingSignIn } from './signInRequests.js';
import { SignInConfirmationStore, type ConfirmationOwner } from './signInConfirmations.js';
import { needsChatConfirmation, type BrowserEvidence } from './confirmationPolicy.js';
import { conversationReferenceRecord } from './records.js';
import { SHARED_TOKEN_OWNER, TokenStore, requesterKey, type OwnedTokenSet, type TokenVersion } from './tokenStore.js';
import { randomBytes } from 'node:crypto';
import type {
  AuthMode,
  AuthType,
  CallbackOutcome,
  ConfirmOutcome,
  Connection,
  Connector,
  OAuthProfile,
  Requester,
  SignInLink,
  SignInRequest,
} from './types.js';

/** Refresh a little before expiry so a token does not run out between here and Confluence (a quarter of a short lifetime). */
const REFRESH_MARGIN_MS = 60 * 1000;
/**
 * How long an instance may hold a token while it refreshes it. Longer than the token endpoint's timeout
 * (oauthClient), so a claim never lapses during a call that may still succeed; an instance that dies holding one
 * delays the others by at most this.
 */
const REFRESH_CLAIM_MS = 30 * 1000;
/** Abandoned sign-in links are pruned at most this often per instance. */
const SIGN_IN_PRUNE_INTERVAL_MS = 10 * 60 * 1000;
/** A missing shared token is logged (with the command that fixes it) at most this often per instance, not every turn. */
const NO_SHARED_TOKEN_LOG_INTERVAL_MS = 10 * 60 * 1000;

export interface AuthServiceOptions {
  config: Config;
  records: RecordStore;
  secretBox: SecretBox;
  http?: AxiosInstance;
  /** The system app's client secret when it is not in Config (the sandbox registers its client at start-up). */
  systemClientSecret?: string;
  logger?: Logger;
  now?: () => number;
  /** Called when only an administrator can fix things (the shared token was refused); never given a secret. */
  onAdminAttention?: (message: string) => void;
}

/** Thrown when settings name a profile that does not exist, or the system app has no client secret. */
export class AuthConfigurationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuthConfigurationError';
  }
}

export interface AuthStatus {
  type: AuthType;
  mode: AuthMode;
  profileName: string;
  sandbox: boolean;
  sharedToken: { stored: false } | { stored: true; sites: ConfluenceSite[]; expiresAt: Date; refreshable: boolean };
  /** Users with a stored token for the active profile. */
  userTokens: number;
}

type RefreshResult = { kind: 'refreshed'; token: OwnedTokenSet } | { kind: 'refused' } | { kind: 'gone' };

export class AuthService implements Connector {
  readonly profiles: ProfileStore;
  readonly settings: SettingsStore;
  readonly tokens: TokenStore;
  readonly signIns: SignInRequestStore;
  readonly confirmations: SignInConfirmationStore;

  private readonly config: Config;
  private readonly oauth: OAuthClient;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly onAdminAttention: (message: string) => void;
  private systemClientSecret: string | undefined;
  private readonly refreshesInFlight = new Map<string, Promise<RefreshResult>>();
  /** Names this process in refresh claims. */
  private readonly instanceId = randomBytes(8).toString('hex');
  /** Not at start-up: a restart should not add a pass over every pending sign-in to the first turns. */
  private lastSignInPrune: number;
  private lastNoSharedTokenLog: number | undefined;

  constructor(options: AuthServiceOptions) {
    this.config = options.config;
    this.oauth = new OAuthClient(options.http);
    this.logger = (options.logger ?? silentLogger).child({ component: 'auth' });
    this.now = options.now ?? Date.now;
    this.onAdminAttention = options.onAdminAttention ?? (() => undefined);
    this.systemClientSecret = options.systemClientSecret;
    this.lastSignInPrune = this.now();
    this.profiles = new ProfileStore(options.records, options.secretBox);
    this.settings = new SettingsStore(options.records);
    this.tokens = new TokenStore(options.records, options.secretBox);
    this.signIns = new SignInRequestStore(options.records, this.now);
    this.confirmations = new SignInConfirmationStore(options.records, options.secretBox, this.now);
  }

  /**
   * Opens the configured record store (unless one is given) with the configured (or, in the sandbox, generated)
   * encryption key, and moves a `bot.json` left by an earlier version into it.
   */
  static async open(
    options: Omit<AuthServiceOptions, 'records' | 'secretBox'> & { records?: RecordStore; masterKey?: Buffer },
  ): Promise<AuthService> {
    const { config } = options;
    const key = options.masterKey ?? resolveEncryptionKey({ keyHex: config.encryptionKeyHex, dataDir: config.dataDir, sandbox: config.sandbox });
    const records = options.records ?? (await openRecordStore(config));
    await migrateLegacyDatabase(config.dataDir, records, options.logger ?? silentLogger);
    const service = new AuthService({ ...options, records, secretBox: new SecretBox(key) });
    // Damaged settings would break every turn: better to say so at start, naming the record.
    await service.settings.get();
    return service;
  }

  /** For the sandbox, whose client is registered after the service may have been built. */
  setSystemClientSecret(secret: string): void {
    this.systemClientSecret = secret;
  }

  async getConnection(requester: Requester, options: { forceRefresh?: boolean } = {}): Promise<Connection> {
    const settings = await this.settings.get();
    const profile = await this.resolveProfile(settings.profileName);
    const owner = settings.mode === 'user' ? requesterKey(requester) : SHARED_TOKEN_OWNER;

    let token = await this.tokens.get(profile.name, owner);
    if (token === undefined) return this.notConnected(settings, 'no-token');

    if (options.forceRefresh === true || this.expiresSoon(token)) {
      const result = await this.refreshOnce(profile, token, options.forceRefresh === true);
      if (result.kind === 'gone') return this.notConnected(settings, 'no-token');
      if (result.kind === 'refused') return this.notConnected(settings, 'refresh-refused');
      token = result.token;
    }
    return {
      status: 'connected',
      accessToken: token.accessToken,
      apiUrl: profile.apiUrl,
      sites: token.sites,
      type: settings.type,
      mode: settings.mode,
      profileName: profile.name,
    };
  }

  /**
   * A profile's shared (pre-authorized) token, whichever profile is active, refreshed first when due exactly as the
   * bot refreshes (once across instances, the rotated refresh token stored): for `npm run admin -- test <profile>`.
   * Undefined when none is stored, or when the refresh was refused (the token is then removed and the refusal logged).
   */
  async sharedToken(profileName: string): Promise<OwnedTokenSet | undefined> {
    const profile = await this.resolveProfile(profileName);
    const token = await this.tokens.get(profile.name, SHARED_TOKEN_OWNER);
    if (token === undefined || !this.expiresSoon(token)) return token;
    const result = await this.refreshOnce(profile, token, false);
    return result.kind === 'refreshed' ? result.token : undefined;
  }

  async startSignIn(request: SignInRequest): Promise<SignInLink> {
    const settings = await this.settings.get();
    if (settings.mode !== 'user') {
      throw new AuthConfigurationError('Sign-in links are for user mode; in pre-authorized mode an administrator authorizes.');
    }
    await this.resolveProfile(settings.profileName);
    return this.createLink({
      kind: 'user',
      profileName: settings.profileName,
      requester: { channelId: request.requester.channelId, userId: request.requester.userId },
      // Checked here too, not only at the HTTP edge: it is stored for minutes, whoever calls.
      conversation: conversationReferenceRecord.parse(request.conversation),
    });
  }

  /** For the admin CLI: a link that pre-authorizes the active profile's shared connection. */
  async createPreauthorizationLink(): Promise<SignInLink> {
    const settings = await this.settings.get();
    if (settings.mode !== 'preauthorized') {
      throw new AuthConfigurationError(
        `The active mode is "${settings.mode}"; pre-authorization needs: npm run admin -- use ${settings.profileName} --mode preauthorized`,
      );
    }
    await this.resolveProfile(settings.profileName);
    return this.createLink({ kind: 'preauthorize', profileName: settings.profileName });
  }

  /** `GET /oauth/start?id=`: the provider's authorize URL with a fresh state, or undefined for an unknown/expired id. */
  async beginAuthorization(linkId: string): Promise<string | undefined> {
    if (linkId === '') return undefined;
    const issued = await this.signIns.issueState(linkId);
    if (issued === undefined) return undefined;
    const profile = await this.findProfile(issued.request.profileName);
    if (profile === undefined) return undefined;
    return authorizeUrl(profile, this.config.redirectUri, issued.state);
  }

  /**
   * `GET /oauth/callback`: checks the state and exchanges the code. The token is stored for whom the state was issued
   * when the browser proves it is that person (confirmationPolicy.ts); otherwise it waits for the chat to confirm.
   */
  async completeAuthorization(query: { code?: string; state?: string; error?: string }, browser: BrowserEvidence = {}): Promise<CallbackOutcome> {
    if (query.state === undefined || query.state === '') return { kind: 'rejected', reason: 'missing-state' };
    const pending = await this.signIns.consume(query.state);
    if (pending === undefined) return { kind: 'rejected', reason: 'unknown-or-expired-state' };

    if (query.error !== undefined && query.error !== '') {
      this.logger.info('authorization declined at the provider', { kind: pending.kind, profileName: pending.profileName, providerError: query.error });
      return failed(pending, 'denied');
    }
    try {
      if (query.code === undefined || query.code === '') throw new AuthConfigurationError('The callback carried no code.');
      const profile = await this.findProfile(pending.profileName);
      if (profile === undefined) throw new AuthConfigurationError(`Profile "${pending.profileName}" no longer exists.`);
      const granted = await this.oauth.exchangeCode(this.usable(profile), query.code, this.config.redirectUri);
      const sites = await this.oauth.accessibleResources(profile.apiUrl, granted.accessToken);
      const owner = pending.kind === 'user' && pending.requester ? requesterKey(pending.requester) : SHARED_TOKEN_OWNER;
      const at = this.now();
      const token = {
        accessToken: granted.accessToken,
        refreshToken: granted.refreshToken,
        expiresAt: at + granted.expiresInSeconds * 1000,
        scope: granted.scope,
        sites,
      };
      if (needsChatConfirmation(pending, browser, this.config.microsoft === undefined)) {
        const { code, expiresAt } = await this.confirmations.hold(pending, token);
        this.logger.info('authorization waits for confirmation from the chat', { kind: pending.kind, profileName: profile.name });
        if (pending.kind === 'user' && pending.requester) {
          return { kind: 'user-confirmation-required', requester: pending.requester, conversation: pending.conversation, code, expiresAt: new Date(expiresAt) };
        }
        return { kind: 'preauthorization-confirmation-required', profileName: profile.name, code, expiresAt: new Date(expiresAt) };
      }
      await this.tokens.save(profile.name, owner, token, at);
      this.logger.info('authorization completed', { kind: pending.kind, profileName: profile.name, siteCount: sites.length });
      if (pending.kind === 'user' && pending.requester) {
        return { kind: 'user-signed-in', requester: pending.requester, conversation: pending.conversation, sites };
      }
      return { kind: 'preauthorized', profileName: profile.name, sites };
    } catch (error) {
      if (!(error instanceof OAuthError || error instanceof AuthConfigurationError)) throw error;
      this.logger.warn('authorization could not be completed', { kind: pending.kind, profileName: pending.profileName, error });
      return failed(pending, 'exchange-failed');
    }
  }

  async confirmSignIn(requester: Requester, conversationId: string, code: string): Promise<ConfirmOutcome> {
    const settings = await this.settings.get();
    return this.confirm({ profileName: settings.profileName, requester, conversationId }, requesterKey(requester), code);
  }

  /** For the admin CLI: the code the Connected page showed after `authorize` stores the shared token. */
  async confirmPreauthorization(code: string): Promise<ConfirmOutcome> {
    const settings = await this.settings.get();
    return this.confirm({ profileName: settings.profileName }, SHARED_TOKEN_OWNER, code);
  }

  private async confirm(owner: ConfirmationOwner, tokenOwner: string, code: string): Promise<ConfirmOutcome> {
    const result = await this.confirmations.confirm(owner, code);
    if (result.kind !== 'confirmed') {
      if (result.kind === 'wrong-code') this.logger.info('a sign-in confirmation code did not match', { attemptsLeft: result.attemptsLeft });
      return result;
    }
    await this.tokens.save(owner.profileName, tokenOwner, result.token, this.now());
    this.logger.info('authorization confirmed from the chat', { kind: result.record.kind, profileName: owner.profileName });
    return { kind: 'signed-in', sites: result.token.sites };
  }

  async signOut(requester: Requester): Promise<boolean> {
    const settings = await this.settings.get();
    return this.tokens.delete(settings.profileName, requesterKey(requester));
  }

  async describe(): Promise<{ type: AuthType; mode: AuthMode; profileName: string; sandbox: boolean }> {
    const settings = await this.settings.get();
    return { type: settings.type, mode: settings.mode, profileName: settings.profileName, sandbox: this.config.sandbox };
  }

  async status(): Promise<AuthStatus> {
    const settings = await this.settings.get();
    const shared = await this.tokens.summary(settings.profileName, SHARED_TOKEN_OWNER);
    return {
      type: settings.type,
      mode: settings.mode,
      profileName: settings.profileName,
      sandbox: this.config.sandbox,
      sharedToken:
        shared === undefined
          ? { stored: false }
          : { stored: true, sites: shared.sites, expiresAt: shared.expiresAt, refreshable: shared.refreshable },
      userTokens: await this.tokens.countForProfile(settings.profileName, SHARED_TOKEN_OWNER),
    };
  }

  private async createLink(request: Omit<PendingSignIn, 'createdAt' | 'expiresAt'>): Promise<SignInLink> {
    const { id, expiresAt } = await this.signIns.create(request);
    this.pruneSignInsNowAndThen();
    return { url: `${this.config.publicUrl}/oauth/start?id=${encodeURIComponent(id)}`, expiresAt: new Date(expiresAt) };
  }

  /** Every concurrent caller in this process for one stored token awaits the same refresh. */
  private refreshOnce(profile: OAuthProfile, token: OwnedTokenSet, forced: boolean): Promise<RefreshResult> {
    const key = `${token.profileName}\u0000${token.owner}`;
    const inFlight = this.refreshesInFlight.get(key);
    if (inFlight !== undefined) return inFlight;
    const refresh = this.refresh(profile, token, forced).finally(() => this.refreshesInFlight.delete(key));
    this.refreshesInFlight.set(key, refresh);
    return refresh;
  }

  /**
   * Refreshes the stored token once across all instances. The instance that refreshes first claims the record
   * (a conditional write of `refreshClaim` over the version it read); the others see the claim, wait, and use the
   * token it stores. The rotated refresh token is stored, over exactly the claimed version, before the new access
   * token is handed to anyone. A claim left by an instance that died lapses after REFRESH_CLAIM_MS.
   */
  private async refresh(profile: OAuthProfile, seen: OwnedTokenSet, forced: boolean): Promise<RefreshResult> {
    for (let waited = 0; ; ) {
      const version = await this.tokens.getVersion(seen.profileName, seen.owner);
      if (version === undefined) return { kind: 'gone' };
      const { token } = version;
      // Good for a while: either not due yet, or someone (another turn, another instance, a new sign-in) already
      // replaced the token this caller saw refused.
      if (!this.expiresSoon(token) && (!forced || token.accessToken !== seen.accessToken)) return { kind: 'refreshed', token };

      const claim = version.claim;
      if (claim !== undefined && claim.by !== this.instanceId && claim.until > this.now()) {
        const pause = Math.min(25 * 2 ** Math.min(waited, 3), 200);
        waited += 1;
        await new Promise((resolve) => setTimeout(resolve, pause));
        continue;
      }
      if (token.refreshToken === undefined) {
        await this.tokens.delete(token.profileName, token.owner, version.etag);
        this.reportRefused(token, 'the token expired and the grant has no refresh token (offline_access)');
        return { kind: 'refused' };
      }
      const claimed = await this.tokens.claim(version, { by: this.instanceId, until: this.now() + REFRESH_CLAIM_MS });
      if (claimed === undefined) continue;
      return this.refreshClaimed(profile, version, claimed);
    }
  }

  private async refreshClaimed(profile: OAuthProfile, version: TokenVersion, claimed: string): Promise<RefreshResult> {
    const { token } = version;
    let granted;
    try {
      granted = await this.oauth.refresh(this.usable(profile), token.refreshToken!);
    } catch (error) {
      if (!(error instanceof RefreshRefusedError)) {
        await this.tokens.release(version, claimed).catch(() => undefined);
        throw error;
      }
      await this.tokens.delete(token.profileName, token.owner, claimed);
      this.reportRefused(token, error.message);
      return { kind: 'refused' };
    }
    const at = this.now();
    const refreshed: OwnedTokenSet = {
      ...token,
      accessToken: granted.accessToken,
      refreshToken: granted.refreshToken ?? token.refreshToken,
      expiresAt: at + granted.expiresInSeconds * 1000,
      scope: granted.scope || token.scope,
      updatedAt: at,
    };
    // Atlassian disabled the old refresh token when it issued this one: store it before anyone uses the new access token.
    if ((await this.tokens.replace(version, claimed, refreshed, at)) === undefined) {
      // The record changed under the claim: a new sign-in or a sign-out, which wins over this refresh.
      const current = await this.tokens.get(token.profileName, token.owner);
      return current === undefined ? { kind: 'gone' } : { kind: 'refreshed', token: current };
    }
    refreshed.sites = await this.refreshSites(profile, refreshed);
    return { kind: 'refreshed', token: refreshed };
  }

  /** Within the refresh margin: a minute, or a quarter of the token's lifetime when that is shorter. */
  private expiresSoon(token: OwnedTokenSet): boolean {
    const margin = Math.min(REFRESH_MARGIN_MS, Math.max(0, token.expiresAt - token.updatedAt) / 4);
    return token.expiresAt - this.now() <= margin;
  }

  private pruneSignInsNowAndThen(): void {
    const at = this.now();
    if (at - this.lastSignInPrune < SIGN_IN_PRUNE_INTERVAL_MS) return;
    this.lastSignInPrune = at;
    void Promise.all([this.signIns.prune(), this.confirmations.prune()])
      .then(([pruned]) => pruned > 0 && this.logger.info('pruned expired sign-in links', { pruned }))
      .catch((error: unknown) => this.logger.warn('could not prune expired sign-in links', { error }));
  }

  /** Sites can be added to a grant over time; a failure here keeps the sites already known. */
  private async refreshSites(profile: OAuthProfile, token: OwnedTokenSet): Promise<ConfluenceSite[]> {
    try {
      const sites = await this.oauth.accessibleResources(profile.apiUrl, token.accessToken);
      if (JSON.stringify(sites) !== JSON.stringify(token.sites)) {
        await this.tokens.updateSites(token.profileName, token.owner, sites);
      }
      return sites;
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
      this.logger.warn('could not refresh the list of sites; keeping the stored one', { profileName: token.profileName, error });
      return token.sites;
    }
  }

  private reportRefused(token: OwnedTokenSet, why: string): void {
    if (token.owner !== SHARED_TOKEN_OWNER) {
      this.logger.info('user token can no longer be refreshed; the user must sign in again', { profileName: token.profileName, why });
      return;
    }
    const message =
      `The shared (pre-authorized) Atlassian connection of profile "${token.profileName}" can no longer be refreshed (${why}). ` +
      'An administrator must authorize again: npm run admin -- authorize';
    this.logger.warn(message, { profileName: token.profileName });
    this.onAdminAttention(message);
  }

  /** Chat users are only told that the administrator has not connected the bot: the command is for the log. */
  private reportNoSharedToken(profileName: string): void {
    const at = this.now();
    if (this.lastNoSharedTokenLog !== undefined && at - this.lastNoSharedTokenLog < NO_SHARED_TOKEN_LOG_INTERVAL_MS) return;
    this.lastNoSharedTokenLog = at;
    this.logger.warn(
      `A chat user asked for Confluence, but the shared (pre-authorized) connection of profile "${profileName}" has no token yet. ` +
        'An administrator must authorize it: npm run admin -- authorize',
      { profileName },
    );
  }

  private notConnected(settings: AuthSettings, reason: 'no-token' | 'refresh-refused'): Connection {
    if (settings.mode === 'user') return { status: 'sign-in-required', reason, mode: 'user', profileName: settings.profileName };
    if (reason === 'no-token') this.reportNoSharedToken(settings.profileName);
    return {
      status: 'admin-action-required',
      reason: reason === 'no-token' ? 'no-shared-token' : 'refresh-refused',
      mode: 'preauthorized',
      profileName: settings.profileName,
    };
  }

  private async resolveProfile(name: string): Promise<OAuthProfile> {
    const profile = await this.findProfile(name);
    if (profile === undefined) {
      throw new AuthConfigurationError(
        `The active authorization profile "${name}" does not exist; choose one with: npm run admin -- use <system|profile> --mode <user|preauthorized>`,
      );
    }
    return profile;
  }

  private async findProfile(name: string): Promise<OAuthProfile | undefined> {
    if (name === SYSTEM_PROFILE_NAME) return systemProfile(this.config, this.systemClientSecret);
    const custom = await this.profiles.get(name);
    return custom === undefined ? undefined : customProfile(custom, this.config);
  }

  /** A profile that can talk to the token endpoint, i.e. one with a client secret. */
  private usable(profile: OAuthProfile): OAuthProfile {
    if (profile.clientSecret === '') {
      throw new AuthConfigurationError(`Profile "${profile.name}" has no client secret (set ATLASSIAN_CLIENT_SECRET).`);
    }
    return profile;
  }
}

function failed(pending: PendingSignIn, reason: 'denied' | 'exchange-failed'): CallbackOutcome {
  if (pending.kind === 'user' && pending.requester) {
    return { kind: 'user-sign-in-failed', requester: pending.requester, conversation: pending.conversation, reason };
  }
  return { kind: 'rejected', reason };
}

/** The provider's authorize URL (contract A1). Scopes are joined with %20, as Atlassian documents it. */
export function authorizeUrl(profile: OAuthProfile, redirectUri: string, state: string): string {
  const parameters: Array<[string, string]> = [
    ['audience', 'api.atlassian.com'],
    ['client_id', profile.clientId],
    ['scope', profile.scopes.join(' ')],
    ['redirect_uri', redirectUri],
    ['state', state],
    ['response_type', 'code'],
    ['prompt', 'consent'],
  ];
  const query = parameters.map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('&');
  return `${profile.authorizationUrl}${profile.authorizationUrl.includes('?') ? '&' : '?'}${query}`;
}
