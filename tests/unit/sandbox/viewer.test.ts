import { storageToHtml } from '../../../sandbox/viewer.js';
import { api, signIn, startSandbox, type Harness } from './sandboxHarness.js';

describe('sandbox viewer', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startSandbox();
  });

  afterAll(async () => {
    await harness.close();
  });

  it('says on its home page that it is not a real Atlassian site and links every space', async () => {
    const response = await fetch(`${harness.url}/sandbox`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Confluence sandbox — not a real Atlassian site');
    for (const key of ['DEMO', 'ENG', 'TEAM', 'ARCHIVE']) expect(html).toContain(`href="${harness.url}/sandbox/wiki/spaces/${key}"`);
    expect(html).toContain('Archive (read-only)');
  });

  it('lists the pages and blog posts of a space, and 404s an unknown space', async () => {
    const html = await (await fetch(`${harness.url}/sandbox/wiki/spaces/ENG`)).text();
    expect(html).toContain('Runbook');
    expect(html).toContain('Release notes');
    expect(html).toMatch(/href="[^"]+\/sandbox\/wiki\/spaces\/ENG\/blog\/\d{4}\/\d{2}\/\d{2}\/\d+\/Release\+notes"/);
    expect((await fetch(`${harness.url}/sandbox/wiki/spaces/NOPE`)).status).toBe(404);
  });

  it('shows stored content as is under a script-free, sandboxed policy, with every title escaped', async () => {
    const token = (await signIn(harness)).access_token;
    const [demo] = (await harness.sandbox.listSpaces()).filter((space) => space.key === 'DEMO');
    const title = '<script>alert("t")</script> & more';
    const created = await api(`${harness.v2}/pages`, token, {
      method: 'POST',
      body: JSON.stringify({ spaceId: demo.id, title, body: { representation: 'storage', value: '<h2>Heading</h2><p>a &lt;b&gt; c</p>' } }),
    });
    const { _links } = (await created.json()) as { _links: { base: string; webui: string } };
    const response = await fetch(`${_links.base}${_links.webui}`);
    expect(response.status).toBe(200);
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    const html = await response.text();
    expect(html).toContain('<h2>Heading</h2><p>a &lt;b&gt; c</p>');
    expect(html).toContain('&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; more');
    expect(html).not.toContain('<script>');
    const space = await (await fetch(`${harness.url}/sandbox/wiki/spaces/DEMO`)).text();
    expect(space).not.toContain('<script>');
    expect((await fetch(`${_links.base}/spaces/ENG/pages/1/Wrong+space`)).status).toBe(404);
  });

  it('shows when content was created as a readable UTC time, keeping the exact instant in datetime', async () => {
    const [runbook] = await harness.sandbox.findContent((content) => content.spaceKey === 'ENG' && content.title === 'Runbook');
    const html = await (await fetch(runbook!.webUrl)).text();
    const instant = new Date(runbook!.createdAt);
    const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: 'UTC' }).format(instant);
    const shown = /<time datetime="([^"]+)">([^<]+)<\/time>/.exec(html);
    expect(shown?.[1]).toBe(instant.toISOString());
    expect(shown?.[2]).toMatch(new RegExp(`^${expected} at \\d{2}:\\d{2} UTC$`));
    // The raw ISO text appears only inside the attribute, not as what the reader sees.
    expect(html.replace(/datetime="[^"]*"/g, '')).not.toContain(instant.toISOString().slice(0, 16));
  });

  it('keeps code blocks and self-closed macros readable in HTML', () => {
    expect(storageToHtml('<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[if (a < b) {}]]></ac:plain-text-body></ac:structured-macro>')).toBe(
      '<ac:structured-macro ac:name="code"><ac:plain-text-body>if (a &lt; b) {}</ac:plain-text-body></ac:structured-macro>',
    );
    expect(storageToHtml('<p>a<br/>b</p><ac:emoticon ac:name="smile" /><p>c</p>')).toBe('<p>a<br/>b</p><ac:emoticon ac:name="smile"></ac:emoticon><p>c</p>');
  });
});
