/**
 * Teams renders Adaptive Cards up to schema 1.5 for bots. Our cards declare 1.5 and use only elements and
 * actions that exist in 1.5, so a newer element (1.6 and later) cannot slip in unnoticed.
 */
import { createContentFormCard, createdContentCard } from '../../dialogs/cards.js';
import type { Space } from '../../services/confluence/types.js';

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
const cards = {
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
