/**
 * The Web Chat page at `/`: a header, a note when the sandbox plays Confluence, and Web Chat itself. The page's
 * script asks `/webchat/session` for a Direct Line token (the browser's identity travels in a cookie the server
 * issued; the page neither stores nor sends a user id) and renders Web Chat with it. A reload resumes the tab's
 * conversation: the page keeps its id in sessionStorage and asks the session for it back. No value from outside goes
 * into the HTML unescaped, and the script is a constant.
 */
import { escapeHtml } from '../html.js';

export interface WebChatPageOptions {
  /** Shown as a note with a link to the sandbox's viewer. */
  sandbox: boolean;
  /** The Web Chat bundle's URL (versioned, so browsers may cache it for long). */
  scriptUrl: string;
}

export const PAGE_TITLE = 'Confluence assistant';

/** Runs in the browser. Plain ES2017 and no template data, so nothing typed anywhere can end up in it. */
const START_SCRIPT = `
(function () {
  var status = document.getElementById('status');
  function showProblem(text) {
    status.textContent = text;
    status.hidden = false;
  }
  if (!window.WebChat) {
    showProblem('Web Chat could not be loaded. Reload the page; if it persists, check the bot\\'s log.');
    return;
  }
  // Earlier versions kept a self-chosen user id here; it means nothing now.
  try { window.localStorage.removeItem('confluence-assistant.user-id'); } catch (e) { /* storage blocked */ }
  // This tab's conversation, kept across reloads (sessionStorage is per tab) so a reload resumes the chat where it
  // was. Only its id (and, with Azure Direct Line, the server's ticket for it): the server gives a fresh token for
  // it, and only to the browser whose cookie opened it.
  var KEPT = 'confluence-assistant.conversation-id';
  var KEPT_TICKET = 'confluence-assistant.resume-ticket';
  var kept = null;
  var keptTicket = null;
  try {
    kept = window.sessionStorage.getItem(KEPT);
    keptTicket = window.sessionStorage.getItem(KEPT_TICKET);
  } catch (e) { /* storage blocked: every load starts anew */ }
  // Who this browser is comes from the server's HttpOnly cookie (set by this very request the first time), not from
  // anything the page sends; the session answers with the user id Web Chat must show.
  fetch('/webchat/session', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(kept ? (keptTicket ? { resume: kept, ticket: keptTicket } : { resume: kept }) : {})
  })
    .then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) throw new Error(body.message || ('HTTP ' + response.status));
        return body;
      });
    })
    .then(function (session) {
      try {
        if (session.conversationId) window.sessionStorage.setItem(KEPT, session.conversationId);
        else window.sessionStorage.removeItem(KEPT);
        if (session.resumeTicket) window.sessionStorage.setItem(KEPT_TICKET, session.resumeTicket);
        else window.sessionStorage.removeItem(KEPT_TICKET);
      } catch (e) { /* storage blocked */ }
      if (session.resumed === false) {
        var note = document.getElementById('chat-note');
        note.textContent = 'Your earlier conversation is no longer available (it was idle for a long time, or the bot restarted), so a new one has started.';
        note.hidden = false;
      }
      window.WebChat.renderWebChat({
        // With a conversationId, Web Chat reconnects to it and shows its history instead of starting a new one.
        directLine: window.WebChat.createDirectLine({
          token: session.token,
          conversationId: session.resumed ? session.conversationId : undefined,
          domain: new URL(session.domain, window.location.origin).href,
          webSocket: session.webSocket,
          pollingInterval: 500
        }),
        userID: session.userId,
        username: 'You',
        locale: 'en-US',
        styleOptions: {
          accent: '#0052CC',
          botAvatarInitials: 'CA',
          botAvatarBackgroundColor: '#0052CC',
          userAvatarInitials: 'You',
          userAvatarBackgroundColor: '#6B778C',
          bubbleBorderRadius: 8,
          bubbleFromUserBorderRadius: 8,
          bubbleFromUserBackground: '#DEEBFF',
          hideUploadButton: true,
          suggestedActionLayout: 'flow',
          sendBoxButtonColor: '#0052CC',
          // A textarea that grows: Shift+Enter starts a new line (Enter sends) and a pasted Markdown body keeps its
          // newlines, which a one-line input would drop (the whole page became one heading).
          sendBoxTextWrap: true
        }
      }, document.getElementById('webchat'));
      var input = document.querySelector('[data-id="webchat-sendbox-input"]');
      if (input) input.focus();
    })
    .catch(function (error) {
      showProblem('Could not start the chat: ' + error.message);
    });
})();
`;

const STYLE = `
*{box-sizing:border-box}
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font-family:system-ui,-apple-system,"Segoe UI",sans-serif;color:#172b4d;background:#f4f5f7}
header{display:flex;align-items:center;gap:.75rem;padding:.75rem 1.25rem;background:#0747a6;color:#fff}
header h1{font-size:1.15rem;margin:0;font-weight:600}
header .tag{font-size:.8rem;opacity:.85}
.note{margin:0;padding:.5rem 1.25rem;background:#fffae6;border-bottom:1px solid #ffe380;font-size:.9rem}
.note a{color:#0052cc}
.problem{margin:1rem 1.25rem;padding:.75rem 1rem;background:#ffebe6;border:1px solid #ff8f73;border-radius:4px}
main{flex:1;min-height:0;display:flex;justify-content:center}
#webchat{flex:1;max-width:56rem;height:100%;background:#fff;box-shadow:0 0 0 1px #dfe1e6}
/* The form's Markdown body shows six lines at least: Adaptive Cards 1.5 has no rows hint. */
#webchat textarea.ac-multiline{line-height:1.4;min-height:calc(6 * 1.4em + 1em);resize:vertical}
`;

export function webChatPage(options: WebChatPageOptions): string {
  const note = options.sandbox
    ? `<p class="note" id="sandbox-note">Using the built-in Confluence sandbox (demo data) — browse it at <a href="/sandbox" target="_blank" rel="noopener">/sandbox</a></p>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(PAGE_TITLE)}</title>
<link rel="icon" type="image/png" href="/favicon.ico">
<style>${STYLE}</style>
</head><body>
<header><h1>${escapeHtml(PAGE_TITLE)}</h1><span class="tag">finds, reads, creates and adds to Confluence pages</span></header>
${note}
<p class="note" id="chat-note" role="status" hidden></p>
<p class="problem" id="status" role="alert" hidden></p>
<main><div id="webchat"></div></main>
<script src="${escapeHtml(options.scriptUrl)}"></script>
<script>${START_SCRIPT}</script>
</body></html>`;
}
