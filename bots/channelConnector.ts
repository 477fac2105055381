/**
 * Every connector client the adapter builds (replies in a turn, proactive turns such as the sign-in resumer) goes
 * through here, which adds two things botbuilder leaves out:
 * - the serviceUrl policy (serviceUrlPolicy.ts): a refused serviceUrl gets no client, so nothing is ever sent there;
 * - a deadline on each Bot Connector call, so a channel that accepts the connection and never answers cannot hold
 *   a turn, its conversation's queue, or a shutdown, for ever (botbuilder sets no timeout at all).
 */
import { Activity, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { AuthenticateRequestResult, ClaimsIdentity, ConnectorClient, ConnectorFactory, UserTokenClient } from 'botframework-connector';
import { withCallDeadline } from '../services/http/callDeadline.js';
import { identityKey, ReusedClients } from './reusedClients.js';
import { ServiceUrlPolicy, ServiceUrlRefusedError } from './serviceUrlPolicy.js';

/**
 * Bot Connector calls normally answer in well under a second, and the service itself gives a bot 15 s to answer
 * an incoming activity. 20 s leaves room for a slow region without letting a dead endpoint hold a turn longer.
 */
export const CONNECTOR_TIMEOUT_MS = 20_000;

export class ConnectorTimeoutError extends Error {
  constructor(
    readonly origin: string,
    readonly timeoutMs: number,
  ) {
    super(`The channel at ${origin} did not answer within ${timeoutMs / 1000} s; the reply was not delivered.`);
    this.name = 'ConnectorTimeoutError';
  }
}

export interface ChannelConnectorOptions {
  policy: ServiceUrlPolicy;
  /** Per Bot Connector call, retries included. Defaults to CONNECTOR_TIMEOUT_MS. */
  timeoutMs?: number;
}

/**
 * ConfigurationBotFrameworkAuthentication whose connector factories apply the policy and the deadline, and whose
 * clients are reused from turn to turn (reusedClients.ts).
 */
export class GuardedBotFrameworkAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly guard: ChannelConnectorOptions;
  private readonly connectorClients = new ReusedClients<ConnectorClient>();
  private readonly userTokenClients = new ReusedClients<UserTokenClient>();

  constructor(
    options: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[0],
    credentials: ConstructorParameters<typeof ConfigurationBotFrameworkAuthentication>[1],
    guard: ChannelConnectorOptions,
  ) {
    super(options, credentials);
    this.guard = guard;
  }

  // Incoming turns get their factory from here, not from createConnectorFactory.
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    if (!result.connectorFactory) return result;
    return { ...result, connectorFactory: this.guarded(result.connectorFactory, result.claimsIdentity) };
  }

  // Proactive turns (continueConversationAsync, used by the sign-in resumer) get theirs from here.
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.guarded(super.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(identityKey(claimsIdentity), () => super.createUserTokenClient(claimsIdentity));
  }

  private guarded(inner: ConnectorFactory, identity: ClaimsIdentity): ConnectorFactory {
    return new GuardedConnectorFactory(inner, this.guard, this.connectorClients, identityKey(identity));
  }
}

class GuardedConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly guard: ChannelConnectorOptions,
    private readonly reused: ReusedClients<ConnectorClient>,
    private readonly identity: string,
  ) {
    super();
  }

  async create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    // Checked on every turn, kept client or not: the policy is what stands between a turn and an address.
    const refusal = this.guard.policy(serviceUrl);
    if (refusal !== undefined) throw new ServiceUrlRefusedError(refusal);
    return this.reused.get(`${this.identity}\n${audience ?? ''}\n${serviceUrl}`, async () => {
      const client = await this.inner.create(serviceUrl, audience);
      withDeadline(client, new URL(serviceUrl).origin, this.guard.timeoutMs ?? CONNECTOR_TIMEOUT_MS);
      return client;
    });
  }
}

/**
 * botbuilder builds the client itself and replaces any request policies passed in its options, so the deadline
 * is added where every operation (send, reply, update, members…) passes: the client's sendOperationRequest. The
 * abort signal stops the HTTP request and the retries and back-off between them; the race also ends the wait when
 * the part before the request hangs (with MicrosoftAppId, fetching the token to sign it).
 */
function withDeadline(client: ConnectorClient, origin: string, timeoutMs: number): void {
  const send = client.sendOperationRequest.bind(client);
  client.sendOperationRequest = (operationArguments, operationSpec, callback) =>
    withCallDeadline(timeoutMs, (deadline) => {
      const callerSignal = operationArguments.options?.abortSignal;
      const abortSignal = callerSignal instanceof AbortSignal ? AbortSignal.any([callerSignal, deadline]) : deadline;
      const timedOut = new Promise<never>((_, reject) =>
        deadline.addEventListener('abort', () => reject(new ConnectorTimeoutError(origin, timeoutMs)), { once: true }),
      );
      const sent = send({ ...operationArguments, options: { ...operationArguments.options, abortSignal } }, operationSpec, callback);
      return Promise.race([sent, timedOut]);
    });
}
