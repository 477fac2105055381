/**
 * Authorization as Kore.ai models it: a *type* (system app from the environment, or a named custom profile from
 * the database) and a *mode* (one shared pre-authorized token, or one token per end user).
 * Dialogs only see `Connector`; everything else is for the services and the admin CLI.
 */
import type { ConfluenceSite } from '../confluence/types.js';
import type { StoredConversationReference } from './records.js';

/** Where to continue a conversation after sign-in: a capped ConversationReference without `activityId`. */
export type ConversationAddress = StoredConversationReference;

export type AuthType = 'system' | 'custom';
export type AuthMode = 'user' | 'preauthorized';

/** An OAuth 2.0 (3LO) client registration plus the endpoints it talks to. */
export interface OAuthProfile {
  /** `system` for the operator's app from the environment; otherwise the custom profile's name. */
  name: string;
  type: AuthType;
  clientId: string;
  clientSecret: string;
  authorizationUrl: string;
  tokenUrl: string;
  refreshTokenUrl: string;
  scopes: string[];
  /** Base of the API gateway: `{apiUrl}/oauth/token/accessible-resources`, `{apiUrl}/ex/confluence/{cloudId}/…`. */
  apiUrl: string;
}

/** What settings say is active now (read on every use, so the admin CLI's changes apply without a restart). */
export interface ActiveAuthorization {
  type: AuthType;
  mode: AuthMode;
  profile: OAuthProfile;
}

/** Who is asking, in a channel-neutral form (built by the bot from the activity). */
export interface Requester {
  channelId: string;
  userId: string;
}

export type Connection =
  | {
      status: 'connected';
      accessToken: string;
      apiUrl: string;
      sites: ConfluenceSite[];
      type: AuthType;
      mode: AuthMode;
      profileName: string;
    }
  /** User mode: this user must sign in (no token yet, or Atlassian refused the refresh token). */
  | { status: 'sign-in-required'; reason: 'no-token' | 'refresh-refused'; mode: 'user'; profileName: string }
  /** Preauthorized mode: an administrator must (re-)authorize the shared connection. */
  | {
      status: 'admin-action-required';
      reason: 'no-shared-token' | 'refresh-refused';
      mode: 'preauthorized';
      profileName: string;
    };

/** The pending sign-in a callback completes, and the conversation to continue when it does. */
export interface SignInRequest {
  requester: Requester;
  conversation: ConversationAddress;
}

export interface SignInLink {
  /** Our own short link (`{PUBLIC_URL}/oauth/start?id=…`); it redirects to the provider with a fresh `state`. */
  url: string;
  expiresAt: Date;
}

/** Outcome of `GET /oauth/callback`, handed to whoever resumes the conversation. */
export type CallbackOutcome =
  | { kind: 'user-signed-in'; requester: Requester; conversation?: ConversationAddress; sites: ConfluenceSite[] }
  /** The token waits until the chat confirms `code` (shown on the Connected page only; never logged). */
  | { kind: 'user-confirmation-required'; requester: Requester; conversation?: ConversationAddress; code: string; expiresAt: Date }
  | { kind: 'user-sign-in-failed'; requester: Requester; conversation?: ConversationAddress; reason: 'denied' | 'exchange-failed' }
  | { kind: 'preauthorized'; profileName: string; sites: ConfluenceSite[] }
  /** The shared token waits until `npm run admin -- confirm <code>`. */
  | { kind: 'preauthorization-confirmation-required'; profileName: string; code: string; expiresAt: Date }
  | { kind: 'rejected'; reason: 'missing-state' | 'unknown-or-expired-state' | 'denied' | 'exchange-failed' };

export type ConfirmOutcome =
  | { kind: 'signed-in'; sites: ConfluenceSite[] }
  /** `attemptsLeft` 0: the sign-in was discarded; the person must sign in again. */
  | { kind: 'wrong-code'; attemptsLeft: number }
  | { kind: 'nothing-pending' };

/** The one thing dialogs ask authorization for. */
export interface Connector {
  /** A usable access token for this requester under the active type and mode, refreshing it when needed. */
  getConnection(requester: Requester, options?: { forceRefresh?: boolean }): Promise<Connection>;
  /** User mode: a single-use sign-in link (state bound to user, conversation and profile; 10 minutes). */
  startSignIn(request: SignInRequest): Promise<SignInLink>;
  /**
   * User mode: the code from the Connected page, typed into this conversation (or handed over by Teams), binds the
   * sign-in that waits for it to this requester.
   */
  confirmSignIn(requester: Requester, conversationId: string, code: string): Promise<ConfirmOutcome>;
  /** User mode: forget this user's token for the active profile. */
  signOut(requester: Requester): Promise<boolean>;
  /** Type, mode and profile name now active, and whether the sandbox backs them; never a secret. */
  describe(): Promise<{ type: AuthType; mode: AuthMode; profileName: string; sandbox: boolean }>;
}
