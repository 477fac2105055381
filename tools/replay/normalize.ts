/**
 * What a replay compares: the parts of a bot activity a person sees (type, text, cards, suggested actions, input
 * hint), with secrets redacted exactly as the recorder does and generated values made neutral: ids, timestamps,
 * the bot's host and port, sign-in link ids, numbers inside URLs (page ids of a fresh sandbox), and dates shown.
 */
import { redactSecrets } from '../../services/transcripts/redact.js';
import { truncate } from './transcript.js';

/** Sent or not depending on timing, so neither a recording nor a replay can promise them. */
const TIMING_DEPENDENT = [/^Fetched [\d,]+ pages so far…$/];

export interface ComparableActivity {
  type: string;
  text?: string;
  speak?: string;
  inputHint?: string;
  attachmentLayout?: string;
  attachments?: Array<{ contentType: string; content?: unknown; contentUrl?: string; name?: string }>;
  suggestedActions?: Array<{ type?: string; title?: string; value?: unknown }>;
  name?: string;
  value?: unknown;
}

type Loose = Record<string, unknown>;

/** Bot activities a replay should not expect or count: traces, typing indicators and timing-dependent progress. */
export function isIgnored(activity: Loose): boolean {
  if (activity.type === 'trace' || activity.type === 'typing') return true;
  const text = typeof activity.text === 'string' ? activity.text : undefined;
  return activity.type === 'message' && text !== undefined && TIMING_DEPENDENT.some((pattern) => pattern.test(text));
}

export function comparable(activity: Loose): ComparableActivity {
  const clean = normalizeValue(redactSecrets(activity)) as Loose;
  const out: ComparableActivity = { type: String(clean.type) };
  for (const key of ['text', 'speak', 'inputHint', 'attachmentLayout', 'name'] as const) {
    if (typeof clean[key] === 'string' && clean[key] !== '') out[key] = clean[key] as string;
  }
  if (clean.type === 'event' && clean.value !== undefined) out.value = clean.value;
  if (Array.isArray(clean.attachments) && clean.attachments.length > 0) {
    out.attachments = (clean.attachments as Loose[]).map((attachment) => ({
      contentType: String(attachment.contentType),
      ...(attachment.content !== undefined ? { content: attachment.content } : {}),
      ...(typeof attachment.contentUrl === 'string' ? { contentUrl: attachment.contentUrl } : {}),
      ...(typeof attachment.name === 'string' ? { name: attachment.name } : {}),
    }));
  }
  const actions = (clean.suggestedActions as { actions?: Loose[] } | undefined)?.actions;
  if (Array.isArray(actions) && actions.length > 0) {
    out.suggestedActions = actions.map((action) => ({ type: action.type as string | undefined, title: action.title as string | undefined, value: action.value }));
  }
  return out;
}

/** Every string inside, with generated values replaced by placeholders. */
export function normalizeValue(value: unknown): unknown {
  if (typeof value === 'string') return normalizeText(value);
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, normalizeValue(inner)]));
  }
  return value;
}

const LOCAL_ORIGIN = /^https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\])(?::\d+)?$/i;
const URL_IN_TEXT = /\bhttps?:\/\/[^\s"'<>()[\]{}`]+/gi;
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?/g;
/** "updated 2 Dec 2026" on a page card: the day the sandbox was seeded. */
const SHORT_DATE = /\b\d{1,2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec) \d{4}\b/g;

export function normalizeText(text: string): string {
  return text
    .replace(URL_IN_TEXT, (url) => {
      // The origin keeps its name unless it is this machine (whose port changes every run); the path loses numbers.
      const origin = /^https?:\/\/[^/?#]*/i.exec(url)?.[0] ?? '';
      const rest = url.slice(origin.length).replace(/\d+/g, '<n>');
      return (LOCAL_ORIGIN.test(origin) ? 'http://<local>' : origin) + rest;
    })
    .replace(UUID, '<uuid>')
    .replace(TIMESTAMP, '<timestamp>')
    .replace(SHORT_DATE, '<date>');
}

/** Where two comparable activities differ, as `path: expected … got …` lines (empty when they match). */
export function differencesBetween(expected: ComparableActivity, actual: ComparableActivity): string[] {
  const found: string[] = [];
  const visit = (path: string, want: unknown, got: unknown): void => {
    if (found.length >= 5) return;
    // A recording without an input hint (older files, other SDKs) does not constrain it.
    if (path === 'inputHint' && want === undefined) return;
    if (Array.isArray(want) && Array.isArray(got)) {
      if (want.length !== got.length) found.push(`${path}: expected ${want.length} items, got ${got.length}`);
      for (let i = 0; i < Math.min(want.length, got.length); i++) visit(`${path}[${i}]`, want[i], got[i]);
      return;
    }
    if (isPlainObject(want) && isPlainObject(got)) {
      for (const key of new Set([...Object.keys(want), ...Object.keys(got)])) visit(path ? `${path}.${key}` : key, want[key], got[key]);
      return;
    }
    if (JSON.stringify(want) !== JSON.stringify(got)) found.push(`${path}: expected ${show(want)}, got ${show(got)}`);
  };
  visit('', expected, actual);
  return found;
}

/** One line that identifies an activity in a report: its text, or its cards' first words. */
export function summarize(activity: ComparableActivity): string {
  if (activity.text) return `${activity.type} ${show(activity.text)}`;
  if (activity.attachments?.length) return `${activity.type} with ${activity.attachments.map((a) => a.contentType.replace('application/vnd.microsoft.card.', '')).join(', ')} card: ${show(JSON.stringify(activity.attachments[0]?.content ?? {}))}`;
  return activity.type + (activity.name ? ` ${activity.name}` : '');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? '(nothing)' : truncate(JSON.stringify(value), 160);
}
