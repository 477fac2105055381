/**
 * The Connected page of a sign-in that waits for the chat to confirm it (services/auth/signInConfirmations.ts): it
 * shows the 6-digit code to type into the chat. Inside the Teams authentication pop-up it also hands the code to
 * Teams (`authentication.notifySuccess`), which sends it to the bot in `signin/verifyState` from the signed-in
 * Teams user, so nothing needs typing there. Teams' script is served from our own origin (npm @microsoft/teams-js)
 * and loaded only by this page, and only for Teams.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Request, Response, Server } from 'restify';
import { escapeHtml, page } from './html.js';

const TEAMS_SCRIPT_PATH = '/oauth/teams.js';
const NOTIFY_SCRIPT_PATH = '/oauth/teams-notify.js';

/** Reads the code from the page (no inline script, so the page's CSP can forbid them) and gives it to Teams. */
const NOTIFY_SCRIPT = `(function () {
  var code = document.getElementById('code').getAttribute('data-code');
  if (!window.microsoftTeams) return;
  microsoftTeams.app.initialize().then(function () {
    microsoftTeams.authentication.notifySuccess(code);
  }).catch(function () { /* not inside Teams: the page shows the code to type */ });
})();
`;

export interface ConfirmationPage {
  status: number;
  headers: Record<string, string>;
  html: string;
}

export function confirmationPage(options: { code: string; audience: 'chat' | 'teams' | 'admin' }): ConfirmationPage {
  const shown = `${options.code.slice(0, 3)} ${options.code.slice(3)}`;
  const where =
    options.audience === 'admin'
      ? `<p>Type it at the prompt of <code>npm run admin -- authorize</code>, or run <code>npm run admin -- confirm ${escapeHtml(options.code)}</code>. It works once, for 5 minutes.</p>`
      : '<p>Type it into the chat where you asked to sign in. It works once, for 5 minutes.</p>' +
        '<p>Only type it into your own chat with the bot, and never give it to anyone: it connects your Confluence account to whoever types it.</p>';
  const scripts =
    options.audience === 'teams' ? `<script src="${TEAMS_SCRIPT_PATH}?v=${teamsScriptVersion()}"></script><script src="${NOTIFY_SCRIPT_PATH}"></script>` : '';
  const body =
    '<h1>Almost connected</h1><p>To finish, confirm that it is you in the chat. Your code:</p>' +
    `<p id="code" data-code="${escapeHtml(options.code)}" style="font-size:2rem;font-weight:600;letter-spacing:.2em">${escapeHtml(shown)}</p>${where}${scripts}`;
  return {
    status: 200,
    headers: {
      'Cache-Control': 'no-store',
      'Content-Type': 'text/html; charset=utf-8',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
    },
    html: page('Almost connected', body),
  };
}

/** The two scripts the Teams variant of the page loads. Teams' bundle is read on first use, not at start-up. */
export function mountConfirmationScripts(server: Server): void {
  let teamsScript: Buffer | undefined;
  server.get(TEAMS_SCRIPT_PATH, async (_req: Request, res: Response) => {
    teamsScript ??= readFileSync(teamsPackage().resolve('@microsoft/teams-js'));
    res.writeHead(200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
    });
    res.end(teamsScript);
  });
  server.get(NOTIFY_SCRIPT_PATH, async (_req: Request, res: Response) => {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end(NOTIFY_SCRIPT);
  });
}

let version: string | undefined;
function teamsScriptVersion(): string {
  version ??= (JSON.parse(readFileSync(teamsPackage().resolve('@microsoft/teams-js/package.json'), 'utf8')) as { version: string }).version;
  return encodeURIComponent(version);
}

function teamsPackage(): NodeJS.Require {
  return createRequire(import.meta.url);
}
