/**
 * The HTML people see in the sandbox: consent, errors and the small wiki viewer.
 * Every value from outside goes through escapeHtml; only `storageHtml` (already XHTML) is inserted as is.
 */
import { escapeHtml } from './html.js';

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 0; color: #172b4d; background: #f4f5f7; }
header { background: #0747a6; color: #fff; padding: 0.6rem 1.2rem; }
header a { color: #fff; }
.banner { background: #fffae6; border-bottom: 1px solid #ffc400; padding: 0.4rem 1.2rem; font-size: 0.9rem; }
main { max-width: 52rem; margin: 1.5rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 6px; }
.muted { color: #5e6c84; font-size: 0.9rem; }
button { font-size: 1rem; padding: 0.5rem 1.2rem; margin-right: 0.6rem; border-radius: 4px; border: 1px solid #c1c7d0; cursor: pointer; }
button.primary { background: #0052cc; color: #fff; border-color: #0052cc; }
.content { border-top: 1px solid #dfe1e6; margin-top: 1rem; padding-top: 1rem; overflow-wrap: anywhere; }
pre { background: #f4f5f7; padding: 0.6rem; overflow-x: auto; }
ol.comments { list-style: none; padding: 0; }
li.comment { border-left: 3px solid #dfe1e6; padding-left: 0.8rem; margin-bottom: 1rem; }
table.history { border-collapse: collapse; width: 100%; font-size: 0.9rem; }
table.history th, table.history td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #dfe1e6; }
ac\\:plain-text-body { display: block; white-space: pre-wrap; font-family: monospace; background: #f4f5f7; padding: 0.6rem; }
`;

export const SANDBOX_NOTICE = 'Confluence sandbox — not a real Atlassian site';

function layout(title: string, homeHref: string, main: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Confluence sandbox</title>
<style>${STYLE}</style>
</head>
<body>
<header><a href="${escapeHtml(homeHref)}">Confluence sandbox</a></header>
<div class="banner" role="note">${escapeHtml(SANDBOX_NOTICE)}. Pages created here stay on this server.</div>
<main>
${main}
</main>
</body>
</html>`;
}

export function errorPage(homeHref: string, title: string, message: string): string {
  return layout(title, homeHref, `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(message)}</p>`);
}

export interface ConsentView {
  homeHref: string;
  decisionAction: string;
  requestId: string;
  /** The app's display name, never a bare client id when the sandbox knows a better one. */
  appName: string;
  userName: string;
  siteNames: string[];
  scopes: Array<{ scope: string; description: string }>;
}

export function consentPage(view: ConsentView): string {
  const scopes = view.scopes
    .map(({ scope, description }) => `<li>${escapeHtml(description)} <span class="muted">(${escapeHtml(scope)})</span></li>`)
    .join('\n');
  const sites = view.siteNames.map((name) => `<li>${escapeHtml(name)}</li>`).join('\n');
  return layout(
    'Authorize access',
    view.homeHref,
    `<h1>${escapeHtml(view.appName)} wants to access your Confluence</h1>
<p>Signed in as <strong>${escapeHtml(view.userName)}</strong>.</p>
<h2>It will be able to</h2>
<ul>
${scopes}
</ul>
<h2>On these sites</h2>
<ul>
${sites}
</ul>
<form method="post" action="${escapeHtml(view.decisionAction)}">
<input type="hidden" name="request" value="${escapeHtml(view.requestId)}">
<button type="submit" class="primary" name="decision" value="accept" id="accept">Accept</button>
<button type="submit" name="decision" value="decline" id="decline">Decline</button>
</form>`,
  );
}

export interface LinkView {
  title: string;
  href: string;
}

export interface SiteView {
  name: string;
  spaces: Array<LinkView & { key: string; description: string; readOnly: boolean }>;
}

export function indexPage(homeHref: string, sites: SiteView[]): string {
  const sections = sites
    .map((site) => {
      const spaces = site.spaces
        .map(
          (space) =>
            `<li><a href="${escapeHtml(space.href)}">${escapeHtml(space.title)}</a> <span class="muted">${escapeHtml(space.key)}` +
            `${space.readOnly ? ' · read-only' : ''}</span><br><span class="muted">${escapeHtml(space.description)}</span></li>`,
        )
        .join('\n');
      return `<h2>${escapeHtml(site.name)}</h2>\n<ul>\n${spaces}\n</ul>`;
    })
    .join('\n');
  return layout(
    'Spaces',
    homeHref,
    `<h1>${escapeHtml(SANDBOX_NOTICE)}</h1>
<p>This server plays Atlassian for the bot when no real Atlassian app is configured. Sign in, spaces and pages here are stand-ins.</p>
${sections}`,
  );
}

export interface SpaceView {
  homeHref: string;
  siteName: string;
  key: string;
  name: string;
  description: string;
  pages: LinkView[];
  blogposts: LinkView[];
}

function linkList(links: LinkView[], empty: string): string {
  if (links.length === 0) return `<p class="muted">${escapeHtml(empty)}</p>`;
  return `<ul>\n${links.map((link) => `<li><a href="${escapeHtml(link.href)}">${escapeHtml(link.title)}</a></li>`).join('\n')}\n</ul>`;
}

export function spacePage(view: SpaceView): string {
  return layout(
    view.name,
    view.homeHref,
    `<p class="muted">${escapeHtml(view.siteName)} · ${escapeHtml(view.key)}</p>
<h1>${escapeHtml(view.name)}</h1>
<p>${escapeHtml(view.description)}</p>
<h2>Pages</h2>
${linkList(view.pages, 'No pages.')}
<h2>Blog posts</h2>
${linkList(view.blogposts, 'No blog posts.')}`,
  );
}

/** One row of a page's history, newest first. */
export interface VersionView {
  number: number;
  authorName: string;
  createdAt: string;
  message: string;
}

export interface CommentView {
  id: string;
  authorName: string;
  createdAt: string;
  /** The comment's storage body as HTML (storageToHtml), inserted as the page body is. */
  bodyHtml: string;
}

export interface ContentView {
  homeHref: string;
  spaceHref: string;
  spaceName: string;
  kind: 'Page' | 'Blog post';
  title: string;
  createdAt: string;
  authorName: string;
  storageHtml: string;
  /** Every version, newest first; the first is the current one. */
  versions: VersionView[];
  comments: CommentView[];
}

/** The server cannot know the reader's time zone: a readable UTC time, the exact instant kept in `datetime`. */
export function readableTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return escapeHtml(iso);
  const text = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(date);
  return `<time datetime="${escapeHtml(date.toISOString())}">${escapeHtml(text)} UTC</time>`;
}

function lastUpdate(view: ContentView): string {
  const [current] = view.versions;
  if (current === undefined || current.number <= 1) return '';
  return ` · Last updated by ${escapeHtml(current.authorName)} · ${readableTime(current.createdAt)}`;
}

function commentsSection(comments: CommentView[]): string {
  const items = comments
    .map(
      (comment) =>
        `<li class="comment" id="comment-${escapeHtml(comment.id)}"><p class="muted">${escapeHtml(comment.authorName)} · ${readableTime(comment.createdAt)}</p>\n` +
        `<div>${comment.bodyHtml}</div></li>`,
    )
    .join('\n');
  const list = comments.length === 0 ? '<p class="muted">No comments yet.</p>' : `<ol class="comments">\n${items}\n</ol>`;
  return `<section class="content" aria-labelledby="comments-heading">\n<h2 id="comments-heading">Comments (${comments.length})</h2>\n${list}\n</section>`;
}

function historySection(versions: VersionView[]): string {
  const rows = versions
    .map(
      (version) =>
        `<tr><td>v${version.number}</td><td>${escapeHtml(version.authorName)}</td><td>${readableTime(version.createdAt)}</td>` +
        `<td>${version.message === '' ? '<span class="muted">No message</span>' : escapeHtml(version.message)}</td></tr>`,
    )
    .join('\n');
  return `<section class="content" aria-labelledby="history-heading">
<h2 id="history-heading">Page history</h2>
<table class="history">
<thead><tr><th>Version</th><th>By</th><th>When</th><th>Message</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>`;
}

export function contentPage(view: ContentView): string {
  return layout(
    view.title,
    view.homeHref,
    `<p class="muted"><a href="${escapeHtml(view.spaceHref)}">${escapeHtml(view.spaceName)}</a> · ${escapeHtml(view.kind)}</p>
<h1>${escapeHtml(view.title)}</h1>
<p class="muted">By ${escapeHtml(view.authorName)} · ${readableTime(view.createdAt)}${lastUpdate(view)}</p>
<div class="content">
${view.storageHtml}
</div>
${commentsSection(view.comments)}
${historySection(view.versions)}`,
  );
}
