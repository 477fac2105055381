/**
 * Teams renders Adaptive Cards up to schema 1.5 for bots. Our cards declare 1.5 and use only elements and
 * actions that exist in 1.5, so a newer element (1.6 and later) cannot slip in unnoticed.
 */
import { createContentFormCard, createdContentCard, FORM_ACTION, parseFormSubmission } from '../../dialogs/cards.js';
import { pageCard, searchResultsCard } from '../../dialogs/pageCards.js';
import type { SearchHit, Space } from '../../services/confluence/types.js';

/** Every element and action type of Adaptive Cards 1.0–1.5 (adaptivecards.io schema explorer). */
const TYPES_UP_TO_1_5 = new Set([
  'AdaptiveCard',
  'TextBlock', 'Image', 'Media', 'MediaSource', 'RichTextBlock', 'TextRun',
  'Container', 'ColumnSet', 'Column', 'FactSet', 'ImageSet', 'ActionSet', 'Table', 'TableRow', 'TableCell',
  'Input.Text', 'Input.Number', 'Input.Date', 'Input.Time', 'Input.Toggle', 'Input.ChoiceSet',
  'Action.OpenUrl', 'Action.Submit', 'Action.ShowCard', 'Action.ToggleVisibility', 'Action.Execute',
]);

function typesIn(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) node.forEach((child) => typesIn(child, found));
  else if (node !== null && typeof node === 'object') {
    const record = node as Record<string, unknown>;
    if (typeof record.type === 'string') found.add(record.type);
    Object.values(record).forEach((child) => typesIn(child, found));
  }
  return found;
}

const spaces: Space[] = [{ id: '1', key: 'ENG', name: 'Engineering' }];
const hit: SearchHit = {
  id: '1',
  type: 'page',
  title: 'Release notes',
  spaceKey: 'ENG',
  spaceName: 'Engineering',
  lastModified: '2026-11-03T10:00:00.000Z',
  excerpt: [{ text: 'What ', matched: false }, { text: 'changed', matched: true }],
  webUrl: 'https://example.atlassian.net/wiki/spaces/ENG/pages/1',
};
const cards = {
  'the search results card': searchResultsCard('Results 1–1 of 1 for "changed"', [hit], 1),
  'the page card': pageCard({ title: 'Release notes', details: 'Engineering (ENG) · updated 3 Nov 2026 (version 2)', text: 'What changed.', webUrl: hit.webUrl }),
  'the Create Content form': createContentFormCard(spaces),
  'the form with errors': createContentFormCard(spaces, { title: 'x' }, { title: 'Taken.' }),
  'the created-content card': createdContentCard('Done!', 'https://example.atlassian.net/wiki/x'),
};

describe.each(Object.entries(cards))('%s', (_name, attachment) => {
  it('is an Adaptive Card 1.5 that uses nothing newer', () => {
    expect(attachment.contentType).toBe('application/vnd.microsoft.card.adaptive');
    const content = attachment.content as Record<string, unknown>;
    expect(content.version).toBe('1.5');
    const newer = [...typesIn(content)].filter((type) => !TYPES_UP_TO_1_5.has(type));
    expect(newer).toEqual([]);
  });
});

describe('the Create Content form’s input ids', () => {
  type Input = { type: string; id?: string; isMultiline?: boolean };
  const inputsOf = (attachment: ReturnType<typeof createContentFormCard>) =>
    ((attachment.content as { body: Input[] }).body).filter((element) => element.type.startsWith('Input.'));
  const submitDataOf = (attachment: ReturnType<typeof createContentFormCard>) =>
    (attachment.content as { actions: Array<{ data: Record<string, unknown> }> }).actions[0]!.data;

  it('differ between two cards, so one card’s Page/Blog choice never clears another’s (Web Chat groups radios by id)', () => {
    const first = inputsOf(createContentFormCard(spaces)).map((input) => input.id);
    const second = inputsOf(createContentFormCard(spaces)).map((input) => input.id);
    expect(first).toHaveLength(4);
    for (const id of first) expect(second).not.toContain(id);
  });

  it('map back to the field names the dialogs read when the card is submitted', () => {
    const card = createContentFormCard(spaces, {}, {}, 'f1');
    // Adaptive Cards submit the Action.Submit data merged with every input's value under the input's id.
    const submitted: Record<string, unknown> = { ...submitDataOf(card) };
    const answers: Record<string, string> = { spaceKey: 'ENG', type: 'blogpost', title: 'From the card', body: 'line one\nline two' };
    for (const input of inputsOf(card)) submitted[input.id!] = answers[input.id!.replace(/-f1$/, '')];
    expect(parseFormSubmission(submitted)).toEqual({ spaceKey: 'ENG', type: 'blogpost', title: 'From the card', body: 'line one\nline two' });
    // Another card's values under this card's formId are not read as this card's.
    expect(parseFormSubmission({ ...submitDataOf(card), 'title-f2': 'other' })).toEqual({ spaceKey: undefined, type: undefined, title: undefined, body: undefined });
    // Cards sent before per-card ids (still in a chat's history) submit plain keys.
    expect(parseFormSubmission({ action: FORM_ACTION, spaceKey: 'ENG', type: 'page', title: 'Old card' })).toMatchObject({ spaceKey: 'ENG', title: 'Old card' });
  });

  it('give the body a multi-line input', () => {
    const body = inputsOf(createContentFormCard(spaces, {}, {}, 'f1')).find((input) => input.id === 'body-f1');
    expect(body).toMatchObject({ type: 'Input.Text', isMultiline: true });
  });
});
