import { markdownToStorage } from '../../../services/confluence/markdown.js';

/** The elements markdown-it may write for us; anything else (script, ac:*, ri:*) means user text became markup. */
const ALLOWED_ELEMENTS = new Set([
  'root', 'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'strong', 'em', 's', 'code', 'pre', 'a', 'br', 'hr',
  'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
]);
const ALLOWED_ATTRIBUTES = new Set(['href', 'title', 'class', 'style', 'start']);
const XML_LEGAL = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*="[^"<]*")*)\s*(\/?)>/y;
const ATTRIBUTE = /([A-Za-z_][\w.:-]*)="([^"<]*)"/g;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

interface Element {
  name: string;
  attributes: Record<string, string>;
}

/**
 * A deliberately strict XML well-formedness check (no DTD, no comments, no CDATA, no processing instructions):
 * balanced tags, quoted attributes without duplicates, only predefined or numeric entities, legal characters, and
 * no `]]>` in text. Returns every element so tests can also check which markup appeared.
 */
function parseXhtml(fragment: string): Element[] {
  const xml = `<root>${fragment}</root>`;
  if (!XML_LEGAL.test(xml)) throw new Error('illegal XML character');
  const elements: Element[] = [];
  const open: string[] = [];
  let at = 0;
  while (at < xml.length) {
    const char = xml[at];
    if (char === '<') {
      TAG.lastIndex = at;
      const match = TAG.exec(xml);
      if (match === null) throw new Error(`not a tag at ${at}: ${xml.slice(at, at + 30)}`);
      const [whole, closing, name, attributeText, selfClosing] = match as unknown as [string, string, string, string, string];
      if (closing === '/') {
        if (attributeText !== '' || selfClosing !== '') throw new Error(`malformed end tag </${name}>`);
        const expected = open.pop();
        if (expected !== name) throw new Error(`</${name}> closes <${expected}>`);
      } else {
        const attributes: Record<string, string> = {};
        for (const [, attribute, value] of attributeText.matchAll(ATTRIBUTE)) {
          if (attributes[attribute!] !== undefined) throw new Error(`duplicate attribute ${attribute}`);
          checkEntities(value!);
          attributes[attribute!] = decodeEntities(value!);
        }
        elements.push({ name, attributes });
        if (selfClosing === '') open.push(name);
      }
      at += whole.length;
    } else if (char === '&') {
      ENTITY.lastIndex = at;
      const match = ENTITY.exec(xml);
      if (match === null) throw new Error(`bare & at ${at}`);
      at += match[0].length;
    } else {
      if (xml.startsWith(']]>', at)) throw new Error(`]]> in text at ${at}`);
      at += 1;
    }
  }
  if (open.length > 0) throw new Error(`unclosed <${open.join('>, <')}>`);
  return elements;
}

function checkEntities(text: string): void {
  for (let at = text.indexOf('&'); at !== -1; at = text.indexOf('&', at + 1)) {
    ENTITY.lastIndex = at;
    if (ENTITY.exec(text) === null) throw new Error(`bare & in attribute: ${text}`);
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(parseInt(hex, 16)))
    .replace(/&#([0-9]+);/g, (_, decimal: string) => String.fromCodePoint(parseInt(decimal, 10)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** Converts, then asserts the result is well-formed and uses only the markup the converter itself writes. */
function convertSafely(markdown: string): { storage: string; elements: Element[] } {
  const storage = markdownToStorage(markdown);
  const elements = parseXhtml(storage);
  for (const element of elements) {
    expect(ALLOWED_ELEMENTS).toContain(element.name);
    for (const attribute of Object.keys(element.attributes)) expect(ALLOWED_ATTRIBUTES).toContain(attribute);
    if (element.attributes.href !== undefined) {
      expect(element.attributes.href).toMatch(/^(?:https?:\/\/|mailto:|#|\/(?!\/)|[^:/?#]+(?:[/?#]|$))/i);
    }
  }
  expect(storage).not.toMatch(/<!\[CDATA\[|<!--|<\?|<!/);
  return { storage, elements };
}

describe('markdownToStorage: formatting', () => {
  it('renders headings of every level', () => {
    const { storage } = convertSafely('# One\n## Two\n### Three\n#### Four\n##### Five\n###### Six');
    expect(storage).toBe('<h1>One</h1>\n<h2>Two</h2>\n<h3>Three</h3>\n<h4>Four</h4>\n<h5>Five</h5>\n<h6>Six</h6>');
  });

  it('renders bullet, ordered and nested lists', () => {
    const { storage } = convertSafely('- apples\n- pears\n  1. green\n  2. red\n\n3. third\n4. fourth');
    expect(storage).toBe(
      '<ul>\n<li>apples</li>\n<li>pears\n<ol>\n<li>green</li>\n<li>red</li>\n</ol>\n</li>\n</ul>\n' +
        '<ol start="3">\n<li>third</li>\n<li>fourth</li>\n</ol>',
    );
  });

  it('renders emphasis, strong, strikethrough and inline code', () => {
    const { storage } = convertSafely('*soft* **loud** ~~gone~~ `x < y`');
    expect(storage).toBe('<p><em>soft</em> <strong>loud</strong> <s>gone</s> <code>x &lt; y</code></p>');
  });

  it('renders fenced and indented code blocks with their text escaped', () => {
    const { storage } = convertSafely('```ts\nconst a = b && c < d;\n```\n\n    indented <b>\n');
    expect(storage).toBe(
      '<pre><code class="language-ts">const a = b &amp;&amp; c &lt; d;\n</code></pre>\n<pre><code>indented &lt;b&gt;\n</code></pre>',
    );
  });

  it('renders links, titled links, autolinks and bare URLs', () => {
    const { storage } = convertSafely(
      '[docs](https://example.com/a?b=1&c=2 "The docs") <https://example.org> www.example.net mail@example.com',
    );
    expect(storage).toBe(
      '<p><a href="https://example.com/a?b=1&amp;c=2" title="The docs">docs</a> ' +
        '<a href="https://example.org">https://example.org</a> ' +
        '<a href="http://www.example.net">www.example.net</a> ' +
        '<a href="mailto:mail@example.com">mail@example.com</a></p>',
    );
  });

  it('self-closes void elements', () => {
    const { storage } = convertSafely('one  \ntwo\n\n---');
    expect(storage).toBe('<p>one<br />\ntwo</p>\n<hr />');
  });

  it('turns an image into a link to it, since storage format has no plain <img>', () => {
    const { storage } = convertSafely('![a <chart>](https://example.com/c.png)');
    expect(storage).toBe('<p><a href="https://example.com/c.png">a &lt;chart&gt;</a></p>');
  });

  it('renders blockquotes and tables', () => {
    const { elements } = convertSafely('> quoted\n\n| a | b |\n|--:|---|\n| 1 | 2 |');
    expect(elements.map((element) => element.name)).toEqual(
      expect.arrayContaining(['blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td']),
    );
  });

  it('returns an empty string for empty or blank input', () => {
    for (const blank of ['', '   ', '\n\t\n', '\u0000', '\u0000 \u0001\n']) expect(markdownToStorage(blank)).toBe('');
  });
});

describe('markdownToStorage: injection attempts', () => {
  it('escapes a script tag instead of emitting it', () => {
    const { storage } = convertSafely('<script>alert(1)</script>\n\nhello <script src="x"></script>');
    expect(storage).not.toContain('<script');
    expect(storage).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('never emits Confluence macros or resource identifiers from user text', () => {
    const macro =
      '<ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>alert(1)</script>]]>' +
      '</ac:plain-text-body></ac:structured-macro>';
    for (const markdown of [macro, `\`${macro}\``, `\`\`\`\n${macro}\n\`\`\``, `> ${macro}`, `- ${macro}`, '<ac:image><ri:url ri:value="x"/></ac:image>', '<ac:emoticon ac:name="smile"/>']) {
      const { storage } = convertSafely(markdown);
      expect(storage).not.toMatch(/<\/?(?:ac|ri):/);
      expect(storage).not.toContain('<![CDATA[');
    }
  });

  it('escapes a CDATA terminator', () => {
    for (const markdown of [']]>', '`]]>`', '```\n]]>\n```', '[]]>](https://example.com)']) {
      const { storage } = convertSafely(markdown);
      expect(storage).not.toContain(']]>');
      expect(storage).toContain(']]&gt;');
    }
  });

  it('escapes ampersands and unknown entities, and decodes known ones to plain characters', () => {
    const { storage } = convertSafely('Tom & Jerry &amp; &copy; &bogus; &#60;b&#62;');
    expect(storage).toBe('<p>Tom &amp; Jerry &amp; © &amp;bogus; &lt;b&gt;</p>');
  });

  it('drops javascript:, data:, vbscript: and other unsafe link targets', () => {
    const attempts = [
      '[x](javascript:alert(1))',
      '[x](JaVaScRiPt:alert(1))',
      '[x](&#106;avascript:alert(1))',
      '[x](javascript&#58;alert(1))',
      '[x]( javascript:alert(1) )',
      '[x](<javascript:alert(1)>)',
      '<javascript:alert(1)>',
      '[x](vbscript:msgbox(1))',
      '[x](data:text/html;base64,PHNjcmlwdD4=)',
      '![x](data:image/png;base64,AAAA)',
      '![x](javascript:alert(1))',
      '[x](file:///etc/passwd)',
      '[x][ref]\n\n[ref]: javascript:alert(1)',
      '[x](//evil.example/path)',
      '<ac:image>',
    ];
    for (const markdown of attempts) {
      const { elements } = convertSafely(markdown);
      expect(elements.filter((element) => element.name === 'a')).toEqual([]);
    }
  });

  it('keeps relative links and fragments', () => {
    const { storage } = convertSafely('[a](/wiki/spaces/DEV) [b](#top) [c](page.html)');
    expect(storage).toBe('<p><a href="/wiki/spaces/DEV">a</a> <a href="#top">b</a> <a href="page.html">c</a></p>');
  });

  it('escapes quotes that try to break out of attributes', () => {
    const { elements } = convertSafely('[x](https://example.com/"onmouseover="alert(1)) ```js" onclick="x\ncode\n```');
    const link = elements.find((element) => element.name === 'a');
    expect(link?.attributes).toEqual({ href: 'https://example.com/%22onmouseover=%22alert(1)' });
  });

  it('removes NUL and other characters XML forbids', () => {
    const controls = Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)).filter((c) => !'\t\n\r'.includes(c));
    const { storage } = convertSafely(`a\u0000b${controls.join('')}c\uFFFE\uFFFF\uD800d\uDC00e\u007F\u0085f`);
    expect(storage).toBe('<p>abcdef</p>');
  });

  it('turns numeric entities for forbidden characters into the replacement character', () => {
    const { storage } = convertSafely('&#0; &#1; &#xFFFF; &#xD800; &#x1F600;');
    expect(storage).toBe('<p>\uFFFD \uFFFD \uFFFD \uFFFD 😀</p>');
  });

  it('preserves emoji, combined emoji and right-to-left text', () => {
    const text = 'Ship it 🚀 👍🏽 👨‍👩‍👧 — שלום עולם — مرحبا بالعالم \u202Eevil\u202C';
    const { storage } = convertSafely(text);
    expect(storage).toBe(`<p>${text}</p>`);
  });

  it('stays well-formed and markup-free for arbitrary hostile input', () => {
    const pieces = ['<', '>', '&', '"', "'", '[', ']', '(', ')', '!', '*', '_', '`', '~', ':', '#', '-', '|', '\\', ' ', '\n',
      '\u0000', '\u0008', '\uFFFF', '\uD83D', 'ac:', 'ri:', 'script', 'javascript:', 'http://x.y', ']]>', '<![CDATA[', '&#', ';', 'x', '1.', '>'];
    let seed = 20240611;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let round = 0; round < 300; round++) {
      const length = next() % 40;
      let markdown = '';
      for (let i = 0; i < length; i++) markdown += pieces[next() % pieces.length];
      const { storage } = convertSafely(markdown);
      expect(storage).not.toMatch(/<\/?(?:ac|ri):|<script/i);
    }
  });
});
