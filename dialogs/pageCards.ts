/**
 * The Adaptive Cards (schema 1.5: Teams, Web Chat and the Emulator) for search results and for a page read in chat,
 * and the Markdown said instead where a channel shows no cards. Data from Confluence goes only into TextRuns, which
 * no client runs Markdown on, and only http(s) links become buttons.
 */
import { Attachment, CardFactory } from 'botbuilder';
import type { ExcerptPart, SearchHit } from '../services/confluence/types.js';
import { httpUrl, literal, markdownLink } from './markdownText.js';

interface TextRun {
  type: 'TextRun';
  text: string;
  weight?: 'bolder';
  highlight?: boolean;
  isSubtle?: boolean;
  size?: 'small' | 'medium' | 'large';
}

const run = (text: string, style: Omit<TextRun, 'type' | 'text'> = {}): TextRun => ({ type: 'TextRun', text, ...style });
const richText = (inlines: TextRun[], extra: Record<string, unknown> = {}) => ({ type: 'RichTextBlock', inlines, ...extra });

function card(body: unknown[], actions: unknown[] = []): Attachment {
  return CardFactory.adaptiveCard({
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body,
    actions,
  });
}

/** Made once: `toLocaleDateString` with options builds a new formatter on every call, a tenth of a millisecond each. */
let dayFormat: Intl.DateTimeFormat | undefined;

/** "3 Nov 2026", the same for every reader and server (UTC). */
export function shortDate(iso: string | undefined): string | undefined {
  if (iso === undefined) return undefined;
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return undefined;
  dayFormat ??= new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return dayFormat.format(at);
}

/** "Engineering (ENG) · blog post · updated 3 Nov 2026" */
function hitDetails(hit: SearchHit): string {
  const space = hit.spaceName && hit.spaceKey ? `${hit.spaceName} (${hit.spaceKey})` : (hit.spaceName ?? hit.spaceKey);
  const updated = shortDate(hit.lastModified);
  return [space, hit.type === 'blogpost' ? 'blog post' : 'page', updated && `updated ${updated}`].filter(Boolean).join(' · ');
}

/** One card for a window of results, each numbered for "open N", with its excerpt's matched words highlighted. */
export function searchResultsCard(heading: string, hits: SearchHit[], firstNumber: number): Attachment {
  const body: unknown[] = [richText([run(heading, { weight: 'bolder' })])];
  hits.forEach((hit, index) => {
    const url = httpUrl(hit.webUrl);
    body.push({
      type: 'Container',
      separator: true,
      spacing: 'medium',
      items: [
        richText([run(`${firstNumber + index}. `, { weight: 'bolder' }), run(hit.title, { weight: 'bolder' })]),
        richText([run(hitDetails(hit), { isSubtle: true, size: 'small' })]),
        ...(hit.excerpt.length > 0 ? [richText(excerptRuns(hit.excerpt))] : []),
        ...(url === undefined ? [] : [{ type: 'ActionSet', actions: [{ type: 'Action.OpenUrl', title: 'Open', url }] }]),
      ],
    });
  });
  return card(body);
}

function excerptRuns(excerpt: ExcerptPart[]): TextRun[] {
  return excerpt.map((part) => (part.matched ? run(part.text, { weight: 'bolder', highlight: true }) : run(part.text)));
}

/** The same results as Markdown, for channels without cards: numbered, linked, matched words in bold. */
export function searchResultsText(heading: string, hits: SearchHit[], firstNumber: number): string {
  const lines = hits.map((hit, index) => {
    const excerpt = hit.excerpt.map((part) => (part.matched ? `**${literal(part.text)}**` : literal(part.text))).join('');
    return `${firstNumber + index}\\. ${markdownLink(hit.title, hit.webUrl)} — ${literal(hitDetails(hit))}${excerpt ? `  \n${excerpt}` : ''}`;
  });
  return [literal(heading), lines.join('  \n')].join('\n\n');
}

/** A comment as the page card shows it: "Casey Colleague · 3 Nov 2026", then the start of its text. */
export interface CommentView {
  heading: string;
  text: string;
}

/** What the page card shows, already worded. */
export interface PageView {
  title: string;
  /** "Engineering (ENG) · by Ada Lovelace · updated 3 Nov 2026 (version 4)" */
  details: string;
  /** The start of the page as plain text. */
  text: string;
  /** The newest comments, and the line that says there are more (when there are). */
  comments?: { heading: string; shown: CommentView[]; more?: string };
  webUrl?: string;
}

export function pageCard(view: PageView): Attachment {
  const url = httpUrl(view.webUrl);
  return card(
    [
      richText([run(view.title, { weight: 'bolder', size: 'large' })]),
      richText([run(view.details, { isSubtle: true, size: 'small' })]),
      ...textBlocks(view.text),
      ...commentBlocks(view.comments),
    ],
    url === undefined ? [] : [{ type: 'Action.OpenUrl', title: 'Open in Confluence', url }],
  );
}

/**
 * One block per line, since clients differ in whether a line break inside a TextRun shows; a blank line (a new
 * paragraph) becomes space above the next block.
 */
function textBlocks(text: string): unknown[] {
  const blocks: unknown[] = [];
  let spaced = true;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      spaced = true;
      continue;
    }
    blocks.push(richText([run(line)], blocks.length === 0 ? { separator: true } : { spacing: spaced ? 'medium' : 'none' }));
    spaced = false;
  }
  return blocks;
}

function commentBlocks(comments: PageView['comments']): unknown[] {
  if (comments === undefined || comments.shown.length === 0) return [];
  return [
    richText([run(comments.heading, { weight: 'bolder', size: 'small' })], { separator: true, spacing: 'medium' }),
    ...comments.shown.map((comment) => richText([run(`${comment.heading}: `, { isSubtle: true, size: 'small' }), run(comment.text, { size: 'small' })])),
    ...(comments.more ? [richText([run(comments.more, { isSubtle: true, size: 'small' })])] : []),
  ];
}

export function pageText(view: PageView): string {
  const comments = view.comments && view.comments.shown.length > 0 ? view.comments : undefined;
  return [
    `**${literal(view.title)}**`,
    literal(view.details),
    ...view.text.split(/\n+/).map(literal),
    ...(comments ? [`**${literal(comments.heading)}**`, ...comments.shown.map((c) => `${literal(c.heading)}: ${literal(c.text)}`), ...(comments.more ? [literal(comments.more)] : [])] : []),
    markdownLink('Open in Confluence', view.webUrl),
  ]
    .filter((line) => line !== '')
    .join('\n\n');
}
