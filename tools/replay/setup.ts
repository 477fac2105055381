/**
 * Which authorization set-up a transcript needs (system or custom type, user or pre-authorized mode), and how a
 * fresh bot is put into it before the replay. The set-up comes from, first to last: command-line flags, the
 * recording's own welcome message (it names the type, profile and mode), the transcript's folder name
 * (`…preauthorized…` → pre-authorized mode, `custom…` → the custom profile), and otherwise system + user.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { RunningApp } from '../../app.js';
import type { AuthMode, AuthType } from '../../services/auth/types.js';
import { signInThroughBrowser } from './browserSignIn.js';
import type { TranscriptActivity } from './transcript.js';

export const DEFAULT_CUSTOM_PROFILE = 'corporate';

export interface AuthSetup {
  type: AuthType;
  mode: AuthMode;
  /** The custom profile's name (custom type only). */
  profile: string;
}

export type PartialSetup = Partial<AuthSetup>;

export function setupFromFolder(file: string): PartialSetup {
  const folder = path.basename(path.dirname(path.resolve(file))).toLowerCase();
  return {
    ...(folder.includes('preauthorized') || folder.includes('pre-authorized') ? { mode: 'preauthorized' as const } : {}),
    ...(folder.startsWith('custom') ? { type: 'custom' as const } : {}),
  };
}

/** Reads the welcome's connection line (dialogs/messages.ts connectionLine) when the recording has one. */
export function setupFromWelcome(activities: TranscriptActivity[]): PartialSetup {
  for (const activity of activities) {
    const text = activity.text ?? '';
    if (!/I'm connected to .* through /.test(text)) continue;
    const custom = /through the custom profile "([^"]+)"/.exec(text);
    return {
      type: custom ? 'custom' : 'system',
      ...(custom ? { profile: custom[1] } : {}),
      mode: /a shared, pre-authorized connection/.test(text) ? 'preauthorized' : 'user',
    };
  }
  return {};
}

export function resolveSetup(...layers: PartialSetup[]): AuthSetup {
  const merged: PartialSetup = {};
  // Earlier layers win: flags first, then the recording, then the folder.
  for (const layer of [...layers].reverse()) Object.assign(merged, stripUndefined(layer));
  return { type: merged.type ?? 'system', mode: merged.mode ?? 'user', profile: merged.profile ?? DEFAULT_CUSTOM_PROFILE };
}

/** Puts a freshly started bot (with its sandbox) into the set-up; pre-authorizes through the consent page. */
export async function applySetup(app: RunningApp, setup: AuthSetup): Promise<void> {
  if (setup.type === 'custom') {
    const system = app.config.system;
    // The sandbox accepts any client the bot has a profile for (app.ts sandboxClientResolver).
    await app.auth.profiles.add({
      name: setup.profile,
      clientId: `${setup.profile}-replay-app`,
      clientSecret: randomBytes(24).toString('base64url'),
      authorizationUrl: system.authorizationUrl,
      tokenUrl: system.tokenUrl,
      refreshTokenUrl: system.tokenUrl,
    });
  }
  await app.auth.settings.use(setup.type === 'custom' ? setup.profile : 'system', setup.mode);
  if (setup.mode === 'preauthorized') {
    const link = await app.auth.createPreauthorizationLink();
    const trail = await signInThroughBrowser(link.url, 'accept');
    if (trail.callbackStatus !== 200) throw new Error(`pre-authorization failed: the callback answered ${trail.callbackStatus}`);
    // What the developer types at the admin CLI's prompt: the code on the Connected page.
    const confirmed = trail.confirmationCode === undefined ? undefined : await app.auth.confirmPreauthorization(trail.confirmationCode);
    if (confirmed?.kind !== 'signed-in') throw new Error('pre-authorization failed: the Connected page showed no code that confirmed it');
  }
}

function stripUndefined(layer: PartialSetup): PartialSetup {
  return Object.fromEntries(Object.entries(layer).filter(([, value]) => value !== undefined)) as PartialSetup;
}
