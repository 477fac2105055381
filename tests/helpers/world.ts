/**
 * A complete back end for dialog tests: the real AuthService on a temporary data folder, the real Confluence
 * client, and the sandbox on a loopback port playing Atlassian. Only the chat side is simulated
 * (botbuilder-testing's DialogTestClient).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import restify from 'restify';
import { botRequestBodies } from '../../web/http/bodyPolicies.js';
import { sandboxClientResolver } from '../../app.js';
import { ConfluenceAccess } from '../../dialogs/confluenceAccess.js';
import { AuthService } from '../../services/auth/authService.js';
import type { AuthMode, AuthType } from '../../services/auth/types.js';
import { loadConfig } from '../../services/config/config.js';
import { ConfluenceClient } from '../../services/confluence/client.js';
import { createSandbox, Sandbox, SeedSpace } from '../../sandbox/index.js';
import { LocalRecordStore } from '../../services/storage/localRecordStore.js';
import { decideOnConsentPage } from '../../tools/replay/browserSignIn.js';
import { freePort } from './ports.js';

export const CUSTOM_PROFILE = 'corporate';

export interface World {
  auth: AuthService;
  sandbox: Sandbox;
  access: ConfluenceAccess;
  publicUrl: string;
  dataDir: string;
  /** Plays the person in the browser: opens the sign-in link, decides on the consent page, lands on the callback. */
  completeSignIn(link: string, decision?: 'accept' | 'decline'): Promise<Awaited<ReturnType<AuthService['completeAuthorization']>>>;
  /** Plays the developer: `npm run admin -- authorize`, the consent page, then the code from the Connected page. */
  preauthorize(): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  type?: AuthType;
  mode?: AuthMode;
  sites?: Array<{ cloudId: string; name: string }>;
  /** The custom profile's refresh endpoint, when a test needs it to differ from the token endpoint. */
  customRefreshTokenUrl?: string;
  /** What each sandbox site holds (default: the sandbox's own demo seed). */
  seed?: SeedSpace[];
  /** The custom profile's scopes (default: the app's default scopes), e.g. fewer, as an older profile has. */
  customScopes?: string[];
  /** MicrosoftAppId mode: chat identities are authenticated, so a sign-in waits for the code from the chat. */
  botAppId?: string;
}

export async function createWorld(options: WorldOptions = {}): Promise<World> {
  const port = await freePort();
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'world-'));
  const config = loadConfig({
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ...(options.botAppId ? { MicrosoftAppId: options.botAppId, MicrosoftAppPassword: 'not-used-by-dialog-tests' } : {}),
  });
  const auth = await AuthService.open({ config });
  const systemSecret = 'sandbox-system-secret-for-tests';
  auth.setSystemClientSecret(systemSecret);

  const sandbox = await createSandbox({
    records: new LocalRecordStore(path.join(dataDir, 'records')),
    publicUrl: config.publicUrl,
    resolveClient: sandboxClientResolver(auth, systemSecret),
    redirectUris: [config.redirectUri],
    sites: options.sites,
    seed: options.seed,
  });
  const server = restify.createServer();
  server.use(restify.plugins.queryParser());
  server.use(botRequestBodies({ requireBearerToken: false }));
  sandbox.mount(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  if (options.type === 'custom') {
    await auth.profiles.add({
      name: CUSTOM_PROFILE,
      clientId: 'corporate-app',
      clientSecret: 'corporate-secret-for-tests',
      authorizationUrl: config.system.authorizationUrl,
      tokenUrl: config.system.tokenUrl,
      refreshTokenUrl: options.customRefreshTokenUrl ?? config.system.tokenUrl,
      ...(options.customScopes ? { scopes: options.customScopes } : {}),
    });
  }
  await auth.settings.use(options.type === 'custom' ? CUSTOM_PROFILE : 'system', options.mode ?? 'user');

  const completeSignIn: World['completeSignIn'] = async (link, decision = 'accept') => {
    const id = new URL(link).searchParams.get('id') ?? '';
    const providerUrl = await auth.beginAuthorization(id);
    if (!providerUrl) throw new Error('the sign-in link was not accepted');
    const callback = new URL(await decideOnConsentPage(providerUrl, decision));
    const query = Object.fromEntries(callback.searchParams.entries());
    return auth.completeAuthorization(query);
  };

  return {
    auth,
    sandbox,
    access: new ConfluenceAccess(auth, new ConfluenceClient()),
    publicUrl: config.publicUrl,
    dataDir,
    completeSignIn,
    async preauthorize() {
      const link = await auth.createPreauthorizationLink();
      const outcome = await completeSignIn(link.url);
      if (outcome.kind !== 'preauthorization-confirmation-required') throw new Error(`pre-authorization failed: ${outcome.kind}`);
      // The code from the Connected page, typed at the admin CLI's prompt.
      const confirmed = await auth.confirmPreauthorization(outcome.code);
      if (confirmed.kind !== 'signed-in') throw new Error(`pre-authorization was not confirmed: ${confirmed.kind}`);
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sandbox.close();
    },
  };
}

