/** The escaper for data in Markdown messages, checked by rendering as Web Chat and the Emulator do (markdown-it, HTML on). */
import MarkdownIt from 'markdown-it';
import { httpUrl, linkTarget, literal, markdownLink } from '../../../dialogs/markdownText.js';

// Web Chat's renderer allows HTML (botframework-webchat renderMarkdown: html: true); the Emulator's too.
const markdown = new MarkdownIt({ html: true, linkify: false });
const decode = (html: string): string =>
  html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

const HOSTILE = [
  '<img src=x><a href=https://evil.example>Session expired, sign in again</a>',
  '[click](https://evil.example)',
  '![x](https://evil.example/i.png)',
  '**bold** __bold__ *it* _it_ ~~gone~~',
  '`code` ``more``',
  '<script>alert(1)</script> &amp; &lt;',
  '# Heading',
  '- item',
  '+ item',
  '1. numbered',
  '> quote',
  '| a | b |',
  'line one\n# line two\n\n- three',
  '[a]: https://evil.example "reference"',
  'back\\slash \\*not bold\\*',
  '<https://evil.example>',
  'Release notes v1.2 - final (draft)',
];

describe('literal', () => {
  it.each(HOSTILE)('renders %j as exactly its own characters, with no tag', (text) => {
    const html = markdown.renderInline(literal(text));
    expect(html).not.toMatch(/<[a-z]/i);
    expect(decode(html)).toBe(text.replace(/[\r\n]+/g, ' '));
  });

  it('keeps them literal inside a bold span and a numbered list line, as the messages use them', () => {
    for (const text of HOSTILE) {
      const html = markdown.render(`1. **${literal(text)}** in ${literal(text)}`);
      expect(html.replace(/<\/?(ol|li|strong|p)>/g, '')).not.toMatch(/<[a-z]/i);
    }
  });

  it('leaves ordinary text unchanged', () => {
    expect(literal('Release notes 12')).toBe('Release notes 12');
    expect(literal('Demo space')).toBe('Demo space');
  });
});

describe('link targets', () => {
  it('accepts http(s) only', () => {
    expect(linkTarget('javascript:alert(1)')).toBeUndefined();
    expect(linkTarget('data:text/html,<b>x</b>')).toBeUndefined();
    expect(linkTarget('not a url')).toBeUndefined();
    expect(linkTarget(undefined)).toBeUndefined();
    expect(httpUrl('javascript:alert(1)')).toBeUndefined();
    expect(httpUrl('https://x.atlassian.net/wiki/a_b')).toBe('https://x.atlassian.net/wiki/a_b');
  });

  it('cannot end the link early or add Markdown around it', () => {
    const target = linkTarget('https://x.atlassian.net/wiki/spaces/A/pages/1/a)b_c*d](https://evil.example)');
    expect(target).toBe('https://x.atlassian.net/wiki/spaces/A/pages/1/a%29b%5Fc%2Ad%5D%28https://evil.example%29');
    const html = markdown.renderInline(markdownLink('Page', 'https://x.atlassian.net/a)(b'));
    expect(html).toBe('<a href="https://x.atlassian.net/a%29%28b">Page</a>');
  });

  it('shows the title without a link when the URL is not http(s)', () => {
    expect(markdown.renderInline(markdownLink('[x](y)', 'javascript:alert(1)'))).toBe('[x](y)');
  });
});
