/** Storage format → the Read card's plain-text preview: what people wrote shows, Confluence's machinery does not. */
import { storageToText } from '../../../services/confluence/storageText.js';

/** A page as the Confluence editor saves it: headings, an info panel, a code block, links, an image, a table, tasks. */
const RELEASE_NOTES = [
  '<h1>Release 2.4</h1>',
  '<p>Shipped on <time datetime="2026-11-30" />. Thanks to everyone who tested&nbsp;it &ndash; especially <ac:link><ri:user ri:account-id="557058:f00d" /></ac:link>!</p>',
  '<ac:structured-macro ac:name="info" ac:schema-version="1" ac:macro-id="3a1c">',
  '<ac:parameter ac:name="title">PANEL-TITLE-PARAMETER</ac:parameter><ac:parameter ac:name="icon">true</ac:parameter>',
  '<ac:rich-text-body><p>Read the <ac:link><ri:page ri:content-title="Upgrade guide" /></ac:link> before upgrading.</p></ac:rich-text-body>',
  '</ac:structured-macro>',
  '<ac:structured-macro ac:name="code" ac:schema-version="1"><ac:parameter ac:name="language">bash</ac:parameter>',
  '<ac:parameter ac:name="linenumbers" /><ac:plain-text-body><![CDATA[npm ci && npm run migrate -- --to 2.4]]></ac:plain-text-body></ac:structured-macro>',
  '<p><ac:image ac:height="250" ac:alt="ARCHITECTURE-DIAGRAM"><ri:attachment ri:filename="diagram-2.4.png" /></ac:image></p>',
  '<p>Also see <ac:link><ri:page ri:content-title="Old FAQ" /><ac:plain-text-link-body><![CDATA[the FAQ]]></ac:plain-text-link-body></ac:link> ',
  'and <ac:link><ri:attachment ri:filename="CHANGELOG-ATTACHMENT.pdf" /></ac:link><a href="https://example.com/status">the status page</a>.</p>',
  '<h2>Changes</h2>',
  '<table data-layout="default"><colgroup><col style="width: 200px;" /><col /></colgroup><tbody>',
  '<tr><th><p>Area</p></th><th><p>Change</p></th></tr><tr><td><p>Search</p></td><td><p>Twice as fast</p></td></tr></tbody></table>',
  '<ul><li><p>Dark mode</p></li><li><p>Fewer <em>clicks</em></p></li></ul>',
  '<ac:task-list><ac:task><ac:task-id>17</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Announce it</ac:task-body></ac:task></ac:task-list>',
].join('\n');

describe('storageToText', () => {
  it('keeps the words people wrote, in order, a line per heading, paragraph, row and list item', () => {
    const { text, truncated } = storageToText(RELEASE_NOTES, 10_000);

    expect(truncated).toBe(false);
    expect(text).toBe(
      [
        'Release 2.4',
        '',
        'Shipped on 2026-11-30. Thanks to everyone who tested it – especially !',
        '',
        'Read the Upgrade guide before upgrading.',
        '',
        'npm ci && npm run migrate -- --to 2.4',
        '',
        'Also see the FAQ and the status page.',
        '',
        'Changes',
        '',
        'Area Change',
        'Search Twice as fast',
        '',
        '• Dark mode',
        '• Fewer clicks',
        '',
        'Announce it',
      ].join('\n'),
    );
  });

  it('collapses runs of spaces within a line and of blank lines between paragraphs', () => {
    expect(storageToText('<p>a  \t  b</p>\n\n\n<p>   c</p><p></p><p></p><p>d</p>').text).toBe('a b\n\nc\n\nd');
  });

  it('leaves out macro parameters, images, attachments, task states and link targets', () => {
    const { text } = storageToText(RELEASE_NOTES, 10_000);

    for (const hidden of ['PANEL-TITLE-PARAMETER', 'bash', 'ARCHITECTURE-DIAGRAM', 'diagram-2.4.png', 'CHANGELOG-ATTACHMENT', 'incomplete', '17', 'Old FAQ', 'https://', '557058']) {
      expect(text).not.toContain(hidden);
    }
    expect(text).not.toMatch(/[<>]|\[CDATA/);
  });

  it('reads the text after an empty storage element that HTML parsing does not close', () => {
    expect(storageToText('<p><ac:emoticon ac:name="tick" /> Done, <time datetime="2026-01-02" /> as planned</p><p>Next</p>').text).toBe(
      'Done, 2026-01-02 as planned\n\nNext',
    );
    // A self-closed parameter before the body must not take the body with it.
    expect(
      storageToText('<ac:structured-macro ac:name="note"><ac:parameter ac:name="title" /><ac:rich-text-body><p>Mind the gap</p></ac:rich-text-body></ac:structured-macro>').text,
    ).toBe('Mind the gap');
  });

  it('shows the body of a code block whose text was escaped instead of wrapped in CDATA', () => {
    expect(storageToText('<ac:structured-macro ac:name="code"><ac:plain-text-body>if (a &lt; b) run();</ac:plain-text-body></ac:structured-macro>').text).toBe(
      'if (a < b) run();',
    );
  });

  it('reads the content of ADF panels once, without their settings', () => {
    const adf =
      '<ac:adf-extension><ac:adf-node type="panel"><ac:adf-attribute key="panel-type">note</ac:adf-attribute>' +
      '<ac:adf-content><p>Freeze starts Monday</p></ac:adf-content></ac:adf-node>' +
      '<ac:adf-fallback><div class="panel"><p>Freeze starts Monday</p></div></ac:adf-fallback></ac:adf-extension>';

    expect(storageToText(adf).text).toBe('Freeze starts Monday');
  });

  it('leaves out editor placeholders and macros that are all settings', () => {
    const storage =
      '<p><ac:placeholder>Type your notes here</ac:placeholder></p>' +
      '<ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">2</ac:parameter></ac:structured-macro>' +
      '<ac:structured-macro ac:name="status"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">DONE</ac:parameter></ac:structured-macro>' +
      '<p>Real text</p>';

    expect(storageToText(storage).text).toBe('Real text');
  });

  it('cuts a long body at a word boundary and marks it', () => {
    const words = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');

    const { text, truncated } = storageToText(`<p>${words}</p>`, 50);

    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(50);
    expect(text).toBe('word0 word1 word2 word3 word4 word5 word6 word7…');
  });

  it('defaults to about 600 characters', () => {
    const { text, truncated } = storageToText(`<p>${'lorem ipsum '.repeat(200)}</p>`);

    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(600);
    expect(text.length).toBeGreaterThan(580);
    expect(text.endsWith('ipsum…') || text.endsWith('lorem…')).toBe(true);
  });

  it('cuts a single very long word where it must, never between the halves of an emoji', () => {
    expect(storageToText(`<p>${'x'.repeat(100)}</p>`, 10)).toEqual({ text: `${'x'.repeat(9)}…`, truncated: true });
    const { text } = storageToText(`<p>ab${'😀'.repeat(20)}</p>`, 6);
    expect(text).toBe('ab😀…');
    expect(text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('gives empty text for an empty or all-machinery body', () => {
    expect(storageToText('')).toEqual({ text: '', truncated: false });
    expect(storageToText('<p><ac:image><ri:attachment ri:filename="a.png" /></ac:image></p>')).toEqual({ text: '', truncated: false });
  });

  it('treats markup in the body as markup, never as text to trust', () => {
    const { text } = storageToText('<p>a<script>alert(1)</script>b &lt;not a tag&gt;</p>');

    expect(text).not.toContain('<script');
    expect(text).toContain('<not a tag>');
  });

  it('reads only the start of a huge body and says it was cut', () => {
    const huge = `<p>start</p>${'<ac:image><ri:attachment ri:filename="x.png" /></ac:image>'.repeat(20_000)}<p>end</p>`;

    const started = Date.now();
    const result = storageToText(huge);

    expect(result).toEqual({ text: 'start', truncated: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
