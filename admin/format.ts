/** How the admin CLI shows profiles and status: plain lines, never a secret. */
import type { AuthStatus } from '../services/auth/authService.js';
import type { CustomProfileSummary } from '../services/auth/profiles.js';
import { ADMIN } from './usage.js';

export function formatProfiles(profiles: CustomProfileSummary[]): string {
  if (profiles.length === 0) return `No custom profiles. Add one with: ${ADMIN} profile add <name> ...\n`;
  return profiles
    .map((profile) =>
      [
        `${profile.name}`,
        `  client id:          ${profile.clientId}`,
        `  authorization URL:  ${profile.authorizationUrl}`,
        `  token URL:          ${profile.tokenUrl}`,
        `  refresh token URL:  ${profile.refreshTokenUrl}`,
        `  scopes:             ${profile.scopes.join(' ')}`,
      ].join('\n'),
    )
    .join('\n')
    .concat('\n');
}

export function formatStatus(status: AuthStatus): string {
  const lines = [
    `Type:     ${status.type}`,
    `Mode:     ${status.mode}`,
    `Profile:  ${status.profileName}${status.sandbox ? ' (sandbox)' : ''}`,
  ];
  if (!status.sharedToken.stored) {
    lines.push('Shared token: none stored');
  } else {
    lines.push(
      `Shared token: stored (access token expires ${status.sharedToken.expiresAt.toISOString()}` +
        `${status.sharedToken.refreshable ? ', refreshable' : ', NOT refreshable: no offline_access'})`,
    );
    if (status.sharedToken.sites.length === 0) lines.push('  sites: none');
    for (const site of status.sharedToken.sites) lines.push(`  site: ${site.name} ${site.url} (cloudId ${site.cloudId})`);
  }
  lines.push(`User tokens stored for this profile: ${status.userTokens}`);
  if (status.mode === 'preauthorized' && !status.sharedToken.stored) {
    lines.push(`The bot cannot reach Confluence until an administrator runs: ${ADMIN} authorize`);
  }
  return `${lines.join('\n')}\n`;
}
