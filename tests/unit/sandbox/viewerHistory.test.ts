import { SANDBOX_COLLEAGUE } from '../../../sandbox/index.js';
import { setUp, type Setup } from './contentActionsSetup.js';

describe('sandbox viewer: comments and page history', () => {
  let setup: Setup;

  beforeAll(async () => {
    setup = await setUp();
  });

  afterAll(async () => {
    await setup.harness.close();
  });

  it('shows a new page with no comments and its one version', async () => {
    const page = await setup.content('Onboarding');
    const html = await (await fetch(page.webUrl)).text();
    expect(html).toContain('No comments yet.');
    expect(html).toContain('<h2 id="history-heading">Page history</h2>');
    expect(html.match(/<tr><td>v\d+<\/td>/g)).toEqual(['<tr><td>v1</td>']);
    expect(html).toContain('<td>Sandbox User</td>');
    expect(html).not.toContain('Last updated by');
  });

  it('shows every version newest first with author, time and message, and every comment with its anchor, all escaped', async () => {
    const page = await setup.content('Meeting notes');
    // Half an hour after the sandbox started (its tokens last an hour).
    setup.harness.clock.now = Date.parse('2026-11-30T10:30:00.000Z');
    await setup.harness.sandbox.editContent(page.id, { body: `${page.body}<p>Added</p>`, message: '<script>alert(1)</script> & notes' });
    const put = await setup.call('PUT', `/pages/${page.id}`, '/pages/{id}', {
      id: page.id,
      status: 'current',
      title: page.title,
      body: { representation: 'storage', value: `${page.body}<p>Added</p><p>More</p>` },
      version: { number: 3, message: 'Added from chat' },
    });
    expect(put.status).toBe(200);
    const commentId = await setup.harness.sandbox.addComment(page.id, { body: '<p>Nice <strong>work</strong></p>' });
    const mine = await setup.call('POST', '/footer-comments', '/footer-comments', { pageId: page.id, body: { representation: 'storage', value: '<p>Thanks</p>' } });

    const response = await fetch(page.webUrl);
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    const html = await response.text();
    expect(html.match(/<tr><td>v\d+<\/td>/g)).toEqual(['<tr><td>v3</td>', '<tr><td>v2</td>', '<tr><td>v1</td>']);
    expect(html).toContain(`<td>${SANDBOX_COLLEAGUE.displayName}</td>`);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; notes');
    expect(html).not.toContain('<script>');
    expect(html).toContain('<td>Added from chat</td>');
    expect(html).toContain('<time datetime="2026-11-30T10:30:00.000Z">30 November 2026 at 10:30 UTC</time>');
    expect(html).toContain('Last updated by Sandbox User');
    expect(html).toContain('Comments (2)');
    expect(html).toContain(`<li class="comment" id="comment-${commentId}"><p class="muted">${SANDBOX_COLLEAGUE.displayName}`);
    expect(html).toContain('<p>Nice <strong>work</strong></p>');
    expect(html).toContain(`id="comment-${String(mine.body.id)}"`);
    expect(html.indexOf('<p>Nice')).toBeLessThan(html.indexOf('<p>Thanks</p>'));

    const link = mine.body._links as { base: string; webui: string };
    const followed = await fetch(`${link.base}${link.webui}`);
    expect(followed.status).toBe(200);
    expect(await followed.text()).toContain(`id="comment-${String(mine.body.id)}"`);
  });
});
