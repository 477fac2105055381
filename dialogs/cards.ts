/**
 * Adaptive Cards (schema 1.5, which Teams, Web Chat and the Emulator render) for the Create Content form and for
 * the result. Text from users and Confluence goes into TextBlock `text` (Markdown: escaped by messages.ts),
 * input values and the titles of a compact choice set (a plain drop-down), never into markup.
 */
import { randomUUID } from 'node:crypto';
import { Attachment, CardFactory } from 'botbuilder';
import { z } from 'zod';
import type { ContentType, Space } from '../services/confluence/types.js';
import { httpUrl } from './markdownText.js';
import { MAX_TITLE_LENGTH, messages } from './messages.js';

export const FORM_ACTION = 'createContentForm';

/** Channels whose clients render Adaptive Cards; elsewhere the step-by-step path is the only one. */
const CARD_CHANNELS = new Set(['msteams', 'webchat', 'directline', 'emulator']);

export function rendersCards(channelId: string | undefined): boolean {
  return channelId !== undefined && CARD_CHANNELS.has(channelId);
}

export interface FormValues {
  spaceKey?: string;
  type?: ContentType;
  title?: string;
  body?: string;
  /** The card a submission came from (formIdOf), to tell a form already used; parseFormSubmission leaves it out. */
  formId?: string;
}

export type FormErrors = Partial<Record<keyof FormValues, string>>;

const submissionSchema = z.object({
  action: z.literal(FORM_ACTION),
  spaceKey: z.string().max(300).optional(),
  type: z.enum(['page', 'blogpost']).optional().catch(undefined),
  title: z.string().max(10_000).optional(),
  body: z.string().max(10_000_000).optional(),
});

const FORM_FIELDS = ['spaceKey', 'type', 'title', 'body'] as const;

/**
 * Each form's inputs get ids of their own, `<field>-<formId>`: Web Chat names an expanded choice set's radio
 * buttons after the input id, so two forms with the same ids shared one Page/Blog group and an older card lost its
 * selection. A submission carries the input ids as its keys (Adaptive Cards merge them into `data`), so the
 * card's `formId` travels in `data` and the keys are mapped back to the field names here.
 */
const inputId = (field: (typeof FORM_FIELDS)[number], formId: string) => `${field}-${formId}`;

/** A submission's fields under their plain names; cards sent before per-form ids already use those. */
function withPlainFieldNames(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  if (typeof record.formId !== 'string') return value;
  const formId = record.formId;
  return { action: record.action, ...Object.fromEntries(FORM_FIELDS.map((field) => [field, record[inputId(field, formId)]])) };
}

/** The values of a form submission, or undefined when `value` is not one (another card, a forged payload). */
export function parseFormSubmission(value: unknown): FormValues | undefined {
  const parsed = submissionSchema.safeParse(withPlainFieldNames(value));
  if (!parsed.success) return undefined;
  const { spaceKey, type, title, body } = parsed.data;
  return { spaceKey: spaceKey?.trim() || undefined, type, title, body };
}

/** The id of the form a submission came from (see inputId), or undefined for a card sent without one. */
export function formIdOf(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const formId = (value as Record<string, unknown>).formId;
  return typeof formId === 'string' && formId.length <= 100 ? formId : undefined;
}

export function createContentFormCard(spaces: Space[], values: FormValues = {}, errors: FormErrors = {}, formId: string = randomUUID()): Attachment {
  const error = (field: keyof FormValues) =>
    errors[field] ? [{ type: 'TextBlock', text: errors[field], color: 'attention', wrap: true, size: 'small' }] : [];
  return CardFactory.adaptiveCard({
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body: [
      { type: 'TextBlock', text: messages.formHeading, weight: 'bolder', size: 'medium', wrap: true },
      ...(Object.keys(errors).length > 0
        ? [{ type: 'TextBlock', text: messages.formHasProblems, color: 'attention', wrap: true }]
        : []),
      {
        type: 'Input.ChoiceSet',
        id: inputId('spaceKey', formId),
        label: 'Space',
        isRequired: true,
        errorMessage: messages.formChooseSpace,
        style: 'compact',
        placeholder: 'Choose a space',
        value: values.spaceKey ?? '',
        choices: spaces.map((space) => ({ title: `${space.name} (${space.key})`, value: space.key })),
      },
      ...error('spaceKey'),
      {
        type: 'Input.ChoiceSet',
        id: inputId('type', formId),
        label: 'Type',
        style: 'expanded',
        value: values.type ?? 'page',
        choices: [
          { title: 'Page', value: 'page' },
          { title: 'Blog post', value: 'blogpost' },
        ],
      },
      ...error('type'),
      {
        type: 'Input.Text',
        id: inputId('title', formId),
        label: 'Title',
        isRequired: true,
        errorMessage: messages.formTypeTitle,
        maxLength: MAX_TITLE_LENGTH,
        value: values.title ?? '',
      },
      ...error('title'),
      {
        type: 'Input.Text',
        id: inputId('body', formId),
        label: 'Content (Markdown, optional)',
        isMultiline: true,
        value: values.body ?? '',
      },
      ...error('body'),
    ],
    actions: [{ type: 'Action.Submit', title: 'Create', data: { action: FORM_ACTION, formId } }],
  });
}

/** `summary` is Markdown, its data escaped (messages.createdSummary). */
export function createdContentCard(summary: string, webUrl: string): Attachment {
  const target = httpUrl(webUrl);
  return CardFactory.adaptiveCard({
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.5',
    body: [{ type: 'TextBlock', text: summary, wrap: true }],
    // Only an http(s) page address becomes a button.
    actions: target === undefined ? [] : [{ type: 'Action.OpenUrl', title: 'Open in Confluence', url: target }],
  });
}
