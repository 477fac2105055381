/** How the admin CLI shows profiles and status: plain lines, never a secret. */
import type { AuthStatus } from '../services/auth/authService.js';
import type { CustomProfileSummary } from '../services/auth/profiles.js';
import type { CheckStatus } from './checks/checkResult.js';
import { allPassed, type ProfileCheckReport } from './profileCheck.js';
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

const MARK: Record<CheckStatus, string> = { passed: '✓', failed: '✗', skipped: '–' };

/** One line per check (✓ passed, ✗ failed, – not tested), what to do under each, then the verdict. */
export function formatProfileCheck(report: ProfileCheckReport): string {
  const active = report.activeMode === undefined ? 'not active' : `active, ${report.activeMode} mode`;
  const lines = [`Testing profile "${report.profileName}" (${report.type}, client id ${report.clientId}; ${active})`, ''];
  const width = Math.max(...report.results.map((result) => result.name.length));
  for (const result of report.results) {
    lines.push(`${MARK[result.status]} ${result.name.padEnd(width)}  ${result.summary}`);
    if (result.next !== undefined && result.status !== 'passed') lines.push(`  ${' '.repeat(width)}  → ${result.next}`);
  }
  const failures = report.results.filter((result) => result.status === 'failed');
  const notTested = report.results.filter((result) => result.status === 'skipped').length;
  const untested = notTested === 0 ? '' : ` (${notTested} not tested)`;
  lines.push(
    '',
    allPassed(report)
      ? `Verdict: ✓ profile "${report.profileName}" passed every check${untested}.`
      : `Verdict: ✗ profile "${report.profileName}" failed ${failures.length} of ${report.results.length} checks: ${failures.map((result) => result.name).join(', ')}${untested}.`,
  );
  return `${lines.join('\n')}\n`;
}
