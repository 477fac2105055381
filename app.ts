/**
 * Builds and starts everything: configuration, storage, authorization, the Confluence client, dialogs, the bot,
 * the HTTP routes and, when no Atlassian app is configured, the built-in Confluence sandbox.
 * index.ts calls this; the end-to-end tests call it too, so they exercise exactly what `npm start` runs.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import restify from 'restify';
import { ConfluenceBot } from './bots/confluenceBot.js';
import { createAdapter } from './bots/adapter.js';
import { EtagGuardedPrivateConversationState, EtagGuardedUserState } from './bots/etagGuardedState.js';
import { createSignInResumer } from './bots/signInResumer.js';
import type { TranscriptSink } from './services/transcripts/transcriptSink.js';
import { ConfluenceAccess } from './dialogs/confluenceAccess.js';
import { UserStateSitePreference } from './dialogs/sitePreference.js';
import { createMainDialog } from './dialogs/mainDialog.js';
import { AuthService } from './services/auth/authService.js';
import { Config, loadConfig, SANDBOX_CLIENT_ID } from './services/config/config.js';
import { ConfluenceClient } from './services/confluence/client.js';
import { createLogger, Logger, stdoutSink } from './services/logging/logger.js';
import { FileStateStorage } from './services/storage/fileStateStorage.js';
import { LocalRecordStore } from './services/storage/localRecordStore.js';
import { openRecordStore } from './services/storage/openRecordStore.js';
import { RecordStateStorage } from './services/storage/recordStateStorage.js';
import { createSandbox, Sandbox, SEED_WITH_DOCS } from './sandbox/index.js';
import type { ClientResolver } from './sandbox/context.js';
import { inspectActivity } from './web/activityGuard.js';
import { serviceUrlPolicy } from './bots/serviceUrlPolicy.js';
import { mountOAuthRoutes } from './web/oauthRoutes.js';
import { botRequestBodies } from './web/http/bodyPolicies.js';
import { restifyLog } from './web/restifyLog.js';
import { BrowserIdentity, mountWebChatForConfig } from './web/webChat/index.js';
import { resolveEncryptionKey } from './services/crypto/encryptionKey.js';
import { deriveKey } from './services/crypto/keyDerivation.js';

export interface RunningApp {
  config: Config;
  url: string;
  auth: AuthService;
  sandbox?: Sandbox;
  close(): Promise<void>;
  /** While close() runs: what it is still waiting for, in a few words (index.ts logs it if shutdown overruns). */
  closing(): string;
}

/** How long a stopping server lets a request still being answered finish once no turn is left. */
const CONNECTION_GRACE_MS = 1000;

export interface StartOptions {
  /** Deadline of each Bot Connector call (bots/channelConnector.ts); tests shorten it, the product keeps 20 s. */
  connectorTimeoutMs?: number;
}

/** The sandbox's app registry: the system app, and every custom profile registered with the admin CLI, by name. */
export function sandboxClientResolver(auth: AuthService, systemSecret: string): ClientResolver {
  return async (clientId) => {
    if (clientId === SANDBOX_CLIENT_ID) return { secret: systemSecret, name: 'Confluence assistant (system app)' };
    const profile = (await auth.profiles.list()).find((candidate) => candidate.clientId === clientId);
    const secret = profile ? (await auth.profiles.get(profile.name))?.clientSecret : undefined;
    return profile && secret !== undefined ? { secret, name: `Confluence assistant (profile "${profile.name}")` } : undefined;
  };
}

export async function startApp(env: NodeJS.ProcessEnv = process.env, logger?: Logger, options: StartOptions = {}): Promise<RunningApp> {
  const config = loadConfig(env);
  const log = logger ?? createLogger(config.logLevel, stdoutSink, {}, config.logFormat);

  const records = await openRecordStore(config);
  // Resolved once: it seals the stored secrets (AuthService) and derives the cookie and transcript keys below.
  const masterKey = resolveEncryptionKey({ keyHex: config.encryptionKeyHex, dataDir: config.dataDir, sandbox: config.sandbox });
  const auth = await AuthService.open({ config, records, masterKey, logger: log, onAdminAttention: (message) => log.warn(message) });
  // The Web Chat user id, issued by this server in a signed cookie; /oauth/start can check it with userIdOf(req).
  const browserIdentity = new BrowserIdentity(deriveKey(masterKey, 'webchat-browser-identity'), {
    secure: config.publicUrl.startsWith('https:'),
  });
  // One instance keeps state in its per-key files; several share it in the record store (Azure Blob Storage).
  const storage = config.storage.kind === 'azure' ? new RecordStateStorage(records) : new FileStateStorage(path.join(config.dataDir, 'state'));
  // Dialog state per person per conversation: in a Teams group chat, each person has their own draft and steps.
  // Saves are conditional on the loaded version, so two instances never silently overwrite each other's step.
  const conversationState = new EtagGuardedPrivateConversationState(storage);
  const userState = new EtagGuardedUserState(storage);
  log.info('storage', { records: records.location, conversationState: config.storage.kind === 'azure' ? 'shared record store' : 'local files' });

  const access = new ConfluenceAccess(auth, new ConfluenceClient({ logger: log }));
  const sitePreference = new UserStateSitePreference(userState.createProperty<string | undefined>('preferredSiteId'));
  const mainDialog = createMainDialog(access, log, sitePreference);
  const bot = new ConfluenceBot(conversationState, userState, mainDialog, auth, log);
  const adapter = createAdapter(config, log, { connectorTimeoutMs: options.connectorTimeoutMs });
  // Transcript recording is loaded only when it is switched on: few installations record conversations.
  const transcriptSinks: TranscriptSink[] = [];
  if (config.transcriptsDir) {
    const { TranscriptFiles } = await import('./services/transcripts/transcriptFiles.js');
    const directory = path.resolve(config.transcriptsDir);
    transcriptSinks.push(new TranscriptFiles({ directory, logger: log }));
    log.info('recording conversations as Emulator transcripts', { directory });
    if (config.storage.kind === 'azure' && !config.recordTranscripts) {
      log.warn(
        'TRANSCRIPTS_DIR files hold only the turns this instance handled; set RECORD_TRANSCRIPTS=true to record whole conversations in the shared store',
      );
    }
  }
  if (config.recordTranscripts) {
    const { TranscriptRecords } = await import('./services/transcripts/transcriptRecords.js');
    transcriptSinks.push(new TranscriptRecords(records, { logger: log }));
    log.info('recording conversations in the store; export them with npm run transcripts:export', { store: records.location });
  }
  if (transcriptSinks.length > 0) {
    const { recordTranscripts } = await import('./bots/transcriptRecorder.js');
    recordTranscripts(adapter, transcriptSinks, { logger: log, userIdKey: deriveKey(masterKey, 'transcript-user-ids') });
  }

  // restify logs through ours (LOG_LEVEL, redaction): its default logger writes request URLs, sign-in values and all.
  const server = restify.createServer({ name: 'confluence-assistant', log: restifyLog(log) as never });
  server.use(restify.plugins.queryParser());
  // Our own body reading: per-route content types and size caps, nothing on disk (web/http/bodyPolicies.ts).
  server.use(botRequestBodies({ requireBearerToken: config.microsoft !== undefined }));

  // A clean shutdown lets turns in flight finish (they may still need the sandbox on this same server) and
  // refuses new ones, so Bot Framework channels retry them against the next instance.
  let draining = false;
  let closingStage = 'not closing';
  // While stopping, every answer ends its connection: Web Chat polls every half second over one keep-alive
  // connection, which would otherwise never go idle and keep the process alive until the shutdown deadline.
  server.pre((_req, res, next) => {
    if (draining) res.setHeader('Connection', 'close');
    next();
  });
  const requestsInFlight = new Set<Promise<void>>();
  // Emulator mode: replies go only to this machine or ALLOWED_SERVICE_URLS (the adapter enforces it too).
  const serviceUrls = serviceUrlPolicy(config);
  server.post('/api/messages', async (req, res) => {
    if (draining) {
      res.json(503, { error: 'The bot is restarting; try again in a moment.' });
      return;
    }
    const verdict = inspectActivity(req.body, serviceUrls);
    if (verdict.refusal) {
      res.json(verdict.refusal.status, verdict.refusal.body);
      return;
    }
    req.body = verdict.activity;
    const turn = adapter.processActivityRequest(req, res, (context) => bot.run(context));
    requestsInFlight.add(turn);
    try {
      await turn;
    } finally {
      requestsInFlight.delete(turn);
    }
  });
  server.get('/healthz', async (_req, res) => {
    res.json(200, { status: 'ok', sandbox: config.sandbox });
  });
  const resume = createSignInResumer(adapter, config.microsoft?.appId ?? '', (context) => bot.run(context), log);
  mountOAuthRoutes(server, auth, resume, log, {
    rateLimitPerMinute: config.oauthRateLimitPerMinute,
    trustProxy: config.trustProxy,
    // A Web Chat sign-in finished in the browser that holds that chat's cookie needs no code (confirmationPolicy.ts).
    browserUserId: (req) => browserIdentity.userIdOf(req),
  });
  // The page at / and, with MicrosoftAppId empty, the local Direct Line it talks through (its bot side is reached
  // over loopback at the port the server actually listens on).
  mountWebChatForConfig(server, config, log, () => `http://127.0.0.1:${server.address().port}`, browserIdentity, deriveKey(masterKey, 'webchat-azure-resume-ticket'));

  let sandbox: Sandbox | undefined;
  if (config.sandbox) {
    // The sandbox plays Atlassian's developer console too: it knows the system app (a secret made fresh each
    // start) and every custom profile registered with the admin CLI.
    const systemSecret = randomBytes(24).toString('base64url');
    auth.setSystemClientSecret(systemSecret);
    sandbox = await createSandbox({
      // Always the local disk, whatever the bot's own storage: the embedded sandbox serves this one instance.
      records: new LocalRecordStore(path.join(config.dataDir, 'records')),
      legacyDataDir: config.dataDir,
      publicUrl: config.publicUrl,
      resolveClient: sandboxClientResolver(auth, systemSecret),
      // Every app it knows, the system app and each admin profile, is registered with the bot's one callback.
      redirectUris: [config.redirectUri],
      seed: SEED_WITH_DOCS,
    });
    sandbox.mount(server);
    if (config.storage.kind === 'azure') {
      log.warn(
        'The built-in Confluence sandbox serves this instance only. To run several instances without Atlassian, start one shared sandbox (npm run sandbox) and point ATLASSIAN_* at it; see the README, "Running several instances".',
      );
    }
  }

  await new Promise<void>((resolve) => server.listen(config.port, '0.0.0.0', resolve));
  const address = server.address();
  const url = `http://127.0.0.1:${address.port}`;
  log.info('bot listening', {
    url,
    messagesEndpoint: `${url}/api/messages`,
    sandbox: config.sandbox,
    emulatorAuth: config.microsoft ? 'Bot Framework JWT enforced' : 'disabled (Emulator mode)',
  });
  // The one line a person starting the bot needs (plain with LOG_FORMAT=pretty, the default at a terminal).
  log.info(`Open ${config.publicUrl} or connect the Emulator to http://localhost:${address.port}/api/messages`);
  if (config.sandbox) {
    log.info(`Using the built-in Confluence sandbox (no ATLASSIAN_CLIENT_ID set). Browse it at ${config.publicUrl}/sandbox`);
  }

  return {
    config,
    url,
    auth,
    sandbox,
    close: async () => {
      draining = true;
      closingStage = `waiting for ${requestsInFlight.size} turn(s) from /api/messages`;
      await Promise.allSettled([...requestsInFlight]);
      closingStage = 'waiting for queued and proactive turns';
      await bot.idle();
      closingStage = 'waiting for open HTTP connections to close';
      await new Promise<void>((resolve) => {
        // Stops listening and closes idle keep-alive connections; a request being answered closes its own (above).
        server.close(() => resolve());
        // No turn is left, so whatever still holds a connection after a second (a client that stalls mid-request)
        // is cut rather than waited for.
        setTimeout(() => server.server.closeAllConnections(), CONNECTION_GRACE_MS).unref();
      });
      closingStage = 'closing the sandbox';
      await sandbox?.close();
      closingStage = 'closed';
    },
    closing: () => closingStage,
  };
}
