/**
 * The Teams manifest for this deployment: settings read from the environment (the bot's own `.env`), and the
 * template in appPackage/manifest.template.json filled with them.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../services/config/config.js';

/** A problem with the environment the package is built from; the CLI exits with code 2. */
export class PackageSettingsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Cannot build the Teams package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PackageSettingsError';
  }
}

export interface TeamsPackageSettings {
  /** The Azure Bot's Microsoft App ID (MicrosoftAppId). */
  botId: string;
  /** The Teams app's own id: TEAMS_APP_ID, or derived from the bot id (see deriveTeamsAppId). */
  appId: string;
  appVersion: string;
  publicUrl: string;
  /** Hosts Teams may open for this app: the bot's public host, and the host of the sign-in (authorize) page. */
  validDomains: string[];
  developerName: string;
  websiteUrl: string;
  privacyUrl: string;
  termsOfUseUrl: string;
}

const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

const blankIsUnset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankIsUnset, schema.optional());
const httpsUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => value.startsWith('https://'), 'must be an https:// URL');

const environmentSchema = z.object({
  MicrosoftAppId: z.preprocess(
    blankIsUnset,
    z
      .string({ error: "is required: the Teams app's bot is your Azure Bot, named by its Microsoft App ID" })
      .trim()
      .regex(GUID, 'must be the Azure Bot\'s Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000'),
  ),
  TEAMS_APP_ID: optional(z.string().trim().regex(GUID, 'must be a GUID')),
  TEAMS_APP_VERSION: optional(z.string().trim().regex(/^\d+\.\d+\.\d+$/, 'must be a version like 1.0.0')),
  TEAMS_DEVELOPER_NAME: optional(z.string().trim().max(32, 'must be at most 32 characters')),
  TEAMS_WEBSITE_URL: optional(httpsUrl),
  TEAMS_PRIVACY_URL: optional(httpsUrl),
  TEAMS_TERMS_URL: optional(httpsUrl),
});

/**
 * A stable Teams app id for a bot: a name-based (version 5 style) UUID of the bot id. Building the package again
 * for the same bot gives the same app id, so an upload replaces the app instead of adding a second one.
 */
export function deriveTeamsAppId(botId: string): string {
  const hash = createHash('sha1').update(`confluence-assistant/teams-app/${botId.toLowerCase()}`).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function readPackageSettings(env: NodeJS.ProcessEnv, packageVersion: string): TeamsPackageSettings {
  const problems: string[] = [];
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`));

  // The bot's own configuration gives PUBLIC_URL and the sign-in host. Packaging needs neither the bot's password
  // nor its tenant, so the Microsoft identity is left out of that check.
  let config: ReturnType<typeof loadConfig> | undefined;
  try {
    config = loadConfig({ ...env, MicrosoftAppId: '' });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  if (config && !config.publicUrl.startsWith('https://')) {
    problems.push(
      `PUBLIC_URL must be the https address Teams reaches the bot at, e.g. your dev tunnel https://<id>-3978.<region>.devtunnels.ms (now: ${config.publicUrl})`,
    );
  }
  if (!parsed.success || !config || problems.length > 0) throw new PackageSettingsError(problems);

  const e = parsed.data;
  const publicHost = new URL(config.publicUrl).host;
  const signInHost = new URL(config.system.authorizationUrl).host;
  return {
    botId: e.MicrosoftAppId,
    appId: e.TEAMS_APP_ID ?? deriveTeamsAppId(e.MicrosoftAppId),
    appVersion: e.TEAMS_APP_VERSION ?? packageVersion,
    publicUrl: config.publicUrl,
    validDomains: [...new Set([publicHost, signInHost])],
    developerName: e.TEAMS_DEVELOPER_NAME ?? 'Confluence Assistant',
    websiteUrl: e.TEAMS_WEBSITE_URL ?? config.publicUrl,
    privacyUrl: e.TEAMS_PRIVACY_URL ?? config.publicUrl,
    termsOfUseUrl: e.TEAMS_TERMS_URL ?? config.publicUrl,
  };
}

const PLACEHOLDER = /\$\{\{([A-Z_]+)\}\}/g;

/** The template with every `${{NAME}}` replaced; an unknown placeholder is an error, not an empty string. */
export function fillManifestTemplate(template: unknown, settings: TeamsPackageSettings): Record<string, unknown> {
  const values: Record<string, string> = {
    MICROSOFT_APP_ID: settings.botId,
    TEAMS_APP_ID: settings.appId,
    APP_VERSION: settings.appVersion,
    DEVELOPER_NAME: settings.developerName,
    WEBSITE_URL: settings.websiteUrl,
    PRIVACY_URL: settings.privacyUrl,
    TERMS_URL: settings.termsOfUseUrl,
    PUBLIC_HOST: settings.validDomains[0]!,
    SIGN_IN_HOST: settings.validDomains[settings.validDomains.length - 1]!,
  };
  const fill = (node: unknown): unknown => {
    if (typeof node === 'string') {
      return node.replace(PLACEHOLDER, (_match, name: string) => {
        const value = values[name];
        if (value === undefined) throw new Error(`appPackage/manifest.template.json: unknown placeholder \${{${name}}}`);
        return value;
      });
    }
    if (Array.isArray(node)) return node.map(fill);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, fill(value)]));
    }
    return node;
  };
  const manifest = fill(template) as Record<string, unknown>;
  // The public host and the sign-in host are often the same (the sandbox signs in on the bot's own host).
  if (Array.isArray(manifest.validDomains)) manifest.validDomains = [...new Set(manifest.validDomains)];
  return manifest;
}
