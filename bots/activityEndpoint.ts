/**
 * The adapter behind POST /api/messages. CloudAdapter.process answers a failed token check with the error's own
 * text, and with 500 when the token is forged (jsonwebtoken's "invalid signature" is not an AuthenticationError)
 * or when Microsoft's signing keys cannot be fetched (the fetch error names the URL and the socket error). Here the
 * request is authenticated first, on its own, so that each failure gets its answer:
 * - a missing, malformed, forged, expired or misaddressed token: 401, "not a valid Bot Framework token";
 * - the identity provider (OpenID metadata, signing keys) unreachable, failing or slow: 503, "try again";
 * and the details go to the log, never to the caller. The turn itself then runs as CloudAdapter runs it.
 */
import { AuthenticationConstants, AuthenticationError, type AuthenticateRequestResult } from 'botframework-connector';
import { CallerIdConstants, CloudAdapter, type Activity, type ConfigurationBotFrameworkAuthenticationOptions, type TurnContext } from 'botbuilder';
import type { Request, Response } from 'restify';
// CloudAdapter.process's own step that turns the timestamp strings into Dates; botbuilder does not re-export it.
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator.js';
import type { Logger } from '../services/logging/logger.js';

/**
 * botbuilder fetches the OpenID metadata and the signing keys without a deadline. A channel waits about 15 s for
 * the bot's answer, so waiting longer than 10 s for the keys only turns a 503 into a timeout.
 */
export const IDENTITY_PROVIDER_TIMEOUT_MS = 10_000;

export const ANSWERS = {
  unauthorized: 'This request does not carry a valid Bot Framework token.',
  unavailable: 'The bot cannot check Bot Framework tokens at the moment (the identity provider is unreachable); try again shortly.',
  failed: 'The bot could not handle this activity.',
} as const;

type Verdict = 'unauthorized' | 'unavailable' | 'failed';

/** jsonwebtoken's errors: the token is bad, whatever the keys. */
const TOKEN_ERRORS = new Set(['JsonWebTokenError', 'TokenExpiredError', 'NotBeforeError']);

class IdentityProviderTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`The Bot Framework identity provider did not answer within ${timeoutMs / 1000} s.`);
    this.name = 'IdentityProviderTimeout';
  }
}

export class BotAdapter extends CloudAdapter {
  private readonly logger: Logger;
  private readonly identityTimeoutMs: number;

  constructor(
    authentication: ConstructorParameters<typeof CloudAdapter>[0],
    logger: Logger,
    identityTimeoutMs: number = IDENTITY_PROVIDER_TIMEOUT_MS,
  ) {
    super(authentication);
    this.logger = logger;
    this.identityTimeoutMs = identityTimeoutMs;
  }

  /** Authenticates, runs the turn, answers. `req.body` is an activity already checked by web/activityGuard.ts. */
  async processActivityRequest(req: Request, res: Response, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = validateAndFixActivity(req.body as Activity);
    const header = req.headers.authorization ?? '';

    let authentication: AuthenticateRequestResult;
    try {
      authentication = await this.withDeadline(this.botFrameworkAuthentication.authenticateRequest(activity, header));
    } catch (error) {
      const verdict = classifyAuthenticationFailure(error);
      this.logger.warn('refused an activity: its Bot Framework token could not be accepted', {
        verdict,
        reason: describe(error),
        channelId: activity.channelId,
      });
      const status = verdict === 'unauthorized' ? 401 : verdict === 'unavailable' ? 503 : 500;
      if (status === 503) res.header('Retry-After', '10');
      res.json(status, { error: ANSWERS[verdict] });
      return;
    }

    try {
      const invokeResponse = await this.processActivity(authentication, activity, logic);
      res.status(invokeResponse?.status ?? 200);
      if (invokeResponse?.body !== undefined) res.send(invokeResponse.body);
      res.end();
    } catch (error) {
      // onTurnError already ran (and logged); this is what it could not handle.
      this.logger.error('an activity failed after authentication', { error, channelId: activity.channelId, activityType: activity.type });
      if (!res.headersSent) res.json(500, { error: ANSWERS.failed });
    }
  }

  private withDeadline<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new IdentityProviderTimeout(this.identityTimeoutMs)), this.identityTimeoutMs);
    });
    return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
  }
}

/**
 * The public cloud's settings with another OpenID metadata URL for channel tokens (BotOpenIdMetadata). botbuilder
 * takes any one of these settings as "all are given" and leaves the rest empty, so all are spelled out.
 */
export function channelIdentityProvider(openIdMetadataUrl: string): Partial<ConfigurationBotFrameworkAuthenticationOptions> {
  return {
    ToBotFromChannelOpenIdMetadataUrl: openIdMetadataUrl,
    ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
    ToBotFromEmulatorOpenIdMetadataUrl: AuthenticationConstants.ToBotFromEmulatorOpenIdMetadataUrl,
    ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
    ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
    OAuthUrl: AuthenticationConstants.OAuthUrl,
    CallerId: CallerIdConstants.PublicAzureChannel,
    ValidateAuthority: true,
  };
}

/** 401 for anything wrong with the token, 503 when the keys to check it could not be had, 500 otherwise. */
export function classifyAuthenticationFailure(error: unknown): Verdict {
  if (error instanceof IdentityProviderTimeout) return 'unavailable';
  // botbuilder's own: 401 for the token, 500 when the metadata or keys endpoint answered with an error status.
  if (error instanceof AuthenticationError) return error.statusCode >= 500 ? 'unavailable' : 'unauthorized';
  if (!(error instanceof Error)) return 'failed';
  if (TOKEN_ERRORS.has(error.name)) return 'unauthorized';
  // node-fetch's network failures (refused, reset, DNS), and a metadata document that is not JSON.
  if (error.name === 'FetchError' || error instanceof SyntaxError || typeof (error as NodeJS.ErrnoException).code === 'string') {
    return 'unavailable';
  }
  return 'failed';
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 500) : String(error).slice(0, 500);
}
