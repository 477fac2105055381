/**
 * The CloudAdapter with the bot's Microsoft identity. No MicrosoftAppId: Emulator mode, no authentication.
 * With one: Bot Framework JWTs are enforced and outgoing calls are authorized through MSAL (client secret or
 * certificate, single- or multi-tenant).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ConfigurationBotFrameworkAuthenticationOptions, TurnContext } from 'botbuilder';
import { MsalServiceClientCredentialsFactory, PasswordServiceClientCredentialFactory } from 'botframework-connector';
import type { Config } from '../services/config/config.js';
import type { Logger } from '../services/logging/logger.js';
import { messages } from '../dialogs/messages.js';
import { ConnectorTimeoutError, GuardedBotFrameworkAuthentication } from './channelConnector.js';
import { serviceUrlPolicy } from './serviceUrlPolicy.js';
import { BotAdapter, channelIdentityProvider } from './activityEndpoint.js';

export interface AdapterOptions {
  /** Deadline of each Bot Connector call; CONNECTOR_TIMEOUT_MS unless a test needs a shorter one. */
  connectorTimeoutMs?: number;
}

export function createAdapter(config: Config, logger: Logger, adapterOptions: AdapterOptions = {}): BotAdapter {
  const identity = config.microsoft;
  const options: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: identity?.appId ?? '',
    MicrosoftAppType: identity?.appType ?? 'MultiTenant',
    MicrosoftAppTenantId: identity?.tenantId ?? '',
    MicrosoftAppPassword: identity?.password ?? '',
    ...(identity?.openIdMetadataUrl ? channelIdentityProvider(identity.openIdMetadataUrl) : {}),
  };

  let credentials;
  if (identity && identity.appType !== 'UserAssignedMSI') {
    const authority = `https://login.microsoftonline.com/${identity.appType === 'SingleTenant' ? identity.tenantId : 'botframework.com'}`;
    // The CommonJS build botframework-connector has already loaded: the ESM build would be a second copy (and
    // nothing of msal is needed without a MicrosoftAppId).
    const { ConfidentialClientApplication } = createRequire(import.meta.url)('@azure/msal-node') as typeof import('@azure/msal-node');
    const msal = new ConfidentialClientApplication({
      auth: {
        clientId: identity.appId,
        authority,
        ...(identity.certificateThumbprint && identity.certificatePrivateKeyFile
          ? {
              clientCertificate: {
                thumbprint: identity.certificateThumbprint,
                privateKey: readFileSync(identity.certificatePrivateKeyFile, 'utf8'),
              },
            }
          : { clientSecret: identity.password }),
      },
    });
    // msal-node ships an ESM and a CommonJS build; the connector's type names the CommonJS one. Both builds expose
    // the same acquireTokenByClientCredential the factory calls, so only the declared type differs.
    type ConnectorMsal = ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1];
    credentials = new MsalServiceClientCredentialsFactory(identity.appId, msal as unknown as ConnectorMsal);
  } else if (!identity) {
    credentials = new PasswordServiceClientCredentialFactory('', '', '');
  }

  const authentication = new GuardedBotFrameworkAuthentication(options, credentials, {
    policy: serviceUrlPolicy(config),
    timeoutMs: adapterOptions.connectorTimeoutMs,
  });
  const adapter = new BotAdapter(authentication, logger);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    logger.error('unhandled error in turn', {
      error,
      channelId: context.activity.channelId,
      activityType: context.activity.type,
    });
    // The channel never answered: an apology would wait out the same deadline again and go nowhere.
    if (error instanceof ConnectorTimeoutError) return;
    // The dialog state is left as it was, so the user's draft survives and "retry" can pick it up.
    await context.sendActivity(messages.unexpectedError).catch(() => undefined);
  };
  return adapter;
}
