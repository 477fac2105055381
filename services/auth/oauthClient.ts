/**
 * The three calls of Atlassian's OAuth 2.0 (3LO) flow (see shared/contracts/atlassian-oauth.md): code exchange,
 * refresh, and accessible-resources. Responses are parsed with zod; failures become typed errors whose messages
 * carry a status and Atlassian's error code at most, never a token, code or secret (axios errors carry the
 * request body, so they are never passed on, not even as `cause`).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { z } from 'zod';
import type { ConfluenceSite } from '../confluence/types.js';
import { withCallDeadline } from '../http/callDeadline.js';
import { axios } from '../http/sharedAxios.js';
import type { OAuthProfile } from './types.js';

const REQUEST_TIMEOUT_MS = 15000;
const REFUSED_GRANT_ERRORS = new Set(['invalid_grant', 'unauthorized_client', 'access_denied']);

export class OAuthError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    /** Atlassian's `error` code (e.g. invalid_grant): not a secret. */
    readonly oauthError?: string,
  ) {
    super(message);
    this.name = 'OAuthError';
  }
}

/** Atlassian will not refresh this token any more: the user (or the administrator) must authorize again. */
export class RefreshRefusedError extends OAuthError {
  override name = 'RefreshRefusedError';
}

/** The authorization server could not be reached or failed (network, timeout, 5xx, 429). Worth retrying later. */
export class OAuthUnavailableError extends OAuthError {
  override name = 'OAuthUnavailableError';
}

/** The authorization code could not be exchanged (refused, or an answer we could not read). */
export class ExchangeFailedError extends OAuthError {
  override name = 'ExchangeFailedError';
}

/** Any other answer we did not expect (an unreadable body, a refused access token on accessible-resources, ...). */
export class OAuthProtocolError extends OAuthError {
  override name = 'OAuthProtocolError';
}

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.coerce.number().positive(),
  scope: z.string().optional(),
  token_type: z.string().optional(),
});

const errorResponseSchema = z.object({ error: z.string(), error_description: z.string().optional() });

const accessibleResourcesSchema = z.array(
  z.object({
    id: z.string().min(1),
    name: z.string(),
    url: z.string(),
    scopes: z.array(z.string()).optional(),
    avatarUrl: z.string().optional(),
  }),
);

export interface TokenResponse {
  accessToken: string;
  /** Present when offline_access was granted; on refresh, the rotated token that replaces the one sent. */
  refreshToken?: string;
  expiresInSeconds: number;
  scope: string;
}

export class OAuthClient {
  private readonly http: AxiosInstance;

  constructor(http?: AxiosInstance) {
    this.http = http ?? axios.create();
  }

  async exchangeCode(profile: OAuthProfile, code: string, redirectUri: string): Promise<TokenResponse> {
    const response = await this.post(profile.tokenUrl, {
      grant_type: 'authorization_code',
      client_id: profile.clientId,
      client_secret: profile.clientSecret,
      code,
      redirect_uri: redirectUri,
    });
    if (response.status >= 500 || response.status === 429) {
      throw new OAuthUnavailableError(`The token endpoint answered ${response.status} to the code exchange.`, response.status);
    }
    if (response.status !== 200) {
      const code = oauthErrorCode(response.data);
      throw new ExchangeFailedError(
        `The token endpoint refused the code exchange (${response.status}${code ? ` ${code}` : ''}).`,
        response.status,
        code,
      );
    }
    return parseTokenResponse(response.data, (message) => new ExchangeFailedError(message, response.status));
  }

  async refresh(profile: OAuthProfile, refreshToken: string): Promise<TokenResponse> {
    const response = await this.post(profile.refreshTokenUrl, {
      grant_type: 'refresh_token',
      client_id: profile.clientId,
      client_secret: profile.clientSecret,
      refresh_token: refreshToken,
    });
    if (response.status >= 500 || response.status === 429) {
      throw new OAuthUnavailableError(`The token endpoint answered ${response.status} to a refresh.`, response.status);
    }
    if (response.status !== 200) {
      const code = oauthErrorCode(response.data);
      const detail = `${response.status}${code ? ` ${code}` : ''}`;
      if ([400, 401, 403].includes(response.status) && code !== undefined && REFUSED_GRANT_ERRORS.has(code)) {
        throw new RefreshRefusedError(`The token endpoint refused the refresh token (${detail}).`, response.status, code);
      }
      throw new OAuthProtocolError(`The token endpoint answered a refresh with ${detail}.`, response.status, code);
    }
    return parseTokenResponse(response.data, (message) => new OAuthProtocolError(message, response.status));
  }

  /** The Confluence sites this access token reaches, one per cloudId. */
  async accessibleResources(apiUrl: string, accessToken: string): Promise<ConfluenceSite[]> {
    const url = `${apiUrl.replace(/\/+$/, '')}/oauth/token/accessible-resources`;
    const response = await this.send((signal) =>
      this.http.get(url, {
        headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json' },
        timeout: REQUEST_TIMEOUT_MS,
        signal,
        validateStatus: () => true,
      }),
    );
    if (response.status >= 500 || response.status === 429) {
      throw new OAuthUnavailableError(`accessible-resources answered ${response.status}.`, response.status);
    }
    if (response.status !== 200) {
      throw new OAuthProtocolError(`accessible-resources answered ${response.status}.`, response.status);
    }
    const parsed = accessibleResourcesSchema.safeParse(response.data);
    if (!parsed.success) throw new OAuthProtocolError('accessible-resources answered with an unexpected body.', 200);
    return toConfluenceSites(parsed.data);
  }

  private post(url: string, body: Record<string, string>): Promise<AxiosResponse<unknown>> {
    return this.send((signal) =>
      this.http.post(url, body, {
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        // A hard deadline (signal): `timeout` alone only limits how long the socket may stay silent.
        timeout: REQUEST_TIMEOUT_MS,
        signal,
        validateStatus: () => true,
      }),
    );
  }

  private async send(request: (signal: AbortSignal) => Promise<AxiosResponse<unknown>>): Promise<AxiosResponse<unknown>> {
    try {
      return await withCallDeadline(REQUEST_TIMEOUT_MS, request);
    } catch (error) {
      const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'network error';
      throw new OAuthUnavailableError(`The authorization server could not be reached (${code}).`);
    }
  }
}

function oauthErrorCode(body: unknown): string | undefined {
  const parsed = errorResponseSchema.safeParse(body);
  return parsed.success ? parsed.data.error : undefined;
}

function parseTokenResponse(body: unknown, fail: (message: string) => OAuthError): TokenResponse {
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) throw fail('The token endpoint answered with an unexpected body.');
  return {
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresInSeconds: parsed.data.expires_in,
    scope: parsed.data.scope ?? '',
  };
}

/**
 * Atlassian may list one cloudId several times (once per product container) and lists other products' sites;
 * keep the entries whose scopes mention Confluence (or that list no scopes), once per cloudId.
 */
function toConfluenceSites(resources: z.infer<typeof accessibleResourcesSchema>): ConfluenceSite[] {
  const sites = new Map<string, ConfluenceSite>();
  for (const resource of resources) {
    const forConfluence = resource.scopes === undefined || resource.scopes.some((scope) => scope.includes('confluence'));
    if (forConfluence && !sites.has(resource.id)) {
      sites.set(resource.id, { cloudId: resource.id, name: resource.name, url: resource.url });
    }
  }
  return [...sites.values()];
}
