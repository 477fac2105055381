/** The search results and page cards: data only in TextRuns, links only when http(s), and a text fallback that escapes. */
import { pageCard, pageText, searchResultsCard, searchResultsText, shortDate } from '../../../dialogs/pageCards.js';
import type { SearchHit } from '../../../services/confluence/types.js';

const hostile: SearchHit = {
  id: '7',
  type: 'blogpost',
  title: '[Session expired](https://evil.example) <img src=x>',
  spaceKey: 'ENG',
  spaceName: 'Engineering',
  lastModified: '2026-11-03T23:30:00.000Z',
  excerpt: [
    { text: '**not bold** ', matched: false },
    { text: 'release', matched: true },
  ],
  webUrl: 'javascript:alert(1)',
};

describe('search results', () => {
  it('puts each result in TextRuns, numbered from the window start, with the matched words highlighted', () => {
    const card = searchResultsCard('Results 6–6 for "release"', [{ ...hostile, webUrl: 'https://site.example/wiki/x' }], 6) as { content: unknown };
    const json = JSON.stringify(card.content);
    expect(json).toContain('{"type":"TextRun","text":"6. ","weight":"bolder"}');
    expect(json).toContain('"text":"[Session expired](https://evil.example) <img src=x>"');
    expect(json).toContain('{"type":"TextRun","text":"release","weight":"bolder","highlight":true}');
    expect(json).toContain('Engineering (ENG) · blog post · updated 3 Nov 2026');
    expect(json).toContain('{"type":"Action.OpenUrl","title":"Open","url":"https://site.example/wiki/x"}');
    expect(json).not.toContain('"TextBlock"');
  });

  it('makes no button of a link that is not http(s)', () => {
    expect(JSON.stringify(searchResultsCard('r', [hostile], 1))).not.toContain('Action.OpenUrl');
  });

  it('escapes titles and excerpts in the Markdown said where cards are not shown', () => {
    const text = searchResultsText('Results 1–1 for "x"', [hostile], 1);
    expect(text).toContain('1\\. \\[Session expired\\](https://evil.example) &lt;img src=x&gt;');
    expect(text).toContain('\\*\\*not bold\\*\\* **release**');
    expect(text).not.toContain('javascript:');
  });
});

describe('the page card', () => {
  const view = { title: 'Plan <b>', details: 'Engineering (ENG) · by Ada', text: 'First line.\nSecond *line*.\n\nNew paragraph.', webUrl: 'https://site.example/wiki/p' };

  it('shows the title, the details and each line of the text as TextRuns, with Open in Confluence', () => {
    const content = pageCard(view).content as { body: Array<{ inlines: Array<{ text: string }>; spacing?: string; separator?: boolean }> };
    const json = JSON.stringify(content);
    expect(json).toContain('"text":"Plan <b>"');
    expect(content.body.slice(2).map((block) => [block.inlines[0]!.text, block.separator ?? false, block.spacing])).toEqual([
      ['First line.', true, undefined],
      ['Second *line*.', false, 'none'],
      ['New paragraph.', false, 'medium'],
    ]);
    expect(json).toContain('{"type":"Action.OpenUrl","title":"Open in Confluence","url":"https://site.example/wiki/p"}');
  });

  it('escapes the same in text', () => {
    expect(pageText(view)).toBe(
      '**Plan &lt;b&gt;**\n\nEngineering (ENG) · by Ada\n\nFirst line.\n\nSecond \\*line\\*.\n\nNew paragraph.\n\n[Open in Confluence](https://site.example/wiki/p)',
    );
  });
});

describe('shortDate', () => {
  it('is the UTC day, whatever the server time zone', () => {
    expect(shortDate('2026-11-03T23:30:00-05:00')).toBe('4 Nov 2026');
    expect(shortDate('not a date')).toBeUndefined();
    expect(shortDate(undefined)).toBeUndefined();
  });
});
