/**
 * `npm run teams:package`: writes dist/teams/confluence-assistant.zip, the app package to upload to Teams
 * (Apps → Manage your apps → Upload an app). Reads the same environment as the bot (`.env` when present):
 * MicrosoftAppId and an https PUBLIC_URL are required; see README, "Microsoft Teams".
 * Exit codes: 0 written, 2 a setting is missing or wrong, 1 the manifest or an icon would be refused.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { PackageSettingsError } from './teams/manifest.js';
import { buildTeamsPackage, InvalidPackageError } from './teams/package.js';

if (existsSync('.env')) process.loadEnvFile('.env');

try {
  const built = await buildTeamsPackage(process.env);
  const bot = (built.manifest.bots as Array<{ botId: string }>)[0]!;
  console.log(`Wrote ${path.relative(process.cwd(), built.file)}`);
  console.log(`  Teams app id ${String(built.manifest.id)}, version ${String(built.manifest.version)}, bot ${bot.botId}`);
  console.log(`  valid domains: ${(built.manifest.validDomains as string[]).join(', ')}`);
  console.log('Upload it in Teams: Apps → Manage your apps → Upload an app → Upload a custom app.');
} catch (error) {
  if (error instanceof PackageSettingsError) {
    console.error(error.message);
    process.exit(2);
  }
  if (error instanceof InvalidPackageError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
