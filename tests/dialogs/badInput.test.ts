/** Bad input, case by case: each gets a clear answer, nothing crashes, and nothing typed becomes markup. */
import { chat } from '../helpers/chat.js';
import type { DialogDriver } from '../helpers/dialogDriver.js';
import { createWorld, World } from '../helpers/world.js';

describe('bad input', () => {
  let world: World;

  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });

  afterAll(() => world.close());


  async function atTitle(): Promise<DialogDriver> {
    const bot = chat(world);
    await bot.say('create page');
    await bot.say('DEMO');
    return bot;
  }

  it.each([
    ['', /cannot be blank|title of the page/],
    ['   ', /cannot be blank/],
    ['x'.repeat(256), /256 characters long; Confluence accepts at most 255/],
    ['bad\u0000title', /control characters/],
  ])('refuses the title %j with a reason', async (title, answer) => {
    const bot = await atTitle();
    expect((await bot.say(title)).text).toMatch(answer);
    expect(bot.status).toBe('waiting');
  });

  it.each([
    ['<b>bold</b> & <script>alert(1)</script>', '<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;</p>'],
    [']]> <ac:structured-macro ac:name="html"><ac:plain-text-body><![CDATA[<script>x</script>]]></ac:plain-text-body></ac:structured-macro>', '&lt;ac:structured-macro'],
    ['Emoji 🎉 and עברית (RTL) and 中文', 'Emoji 🎉 and עברית (RTL) and 中文'],
    ['NUL\u0000inside', 'NUL'],
  ])('stores the body %j as escaped text, never as markup', async (body, expected) => {
    const bot = await atTitle();
    const title = `Body case ${Math.random().toString(36).slice(2)}`;
    await bot.say(title);
    await bot.say(body);
    expect((await bot.say('Create')).text).toMatch(/Done!/);
    const [created] = await world.sandbox.findContent((c) => c.title === title);
    expect(created!.body).toContain(expected);
    expect(created!.body).not.toMatch(/<script|<ac:|<!\[CDATA|\u0000/);
  });

  it.each(['<b>T</b> & "quotes"', 'Emoji 🎉 title', 'עברית כותרת', ']]> & <ac:x/>'])('keeps the title %j as plain text', async (title) => {
    const bot = await atTitle();
    await bot.say(title);
    await bot.say('skip');
    expect((await bot.say('Create')).text).toMatch(/Done!/);
    expect(await world.sandbox.findContent((c) => c.title === title)).toHaveLength(1);
  });

  it('refuses a body over 5 MB before sending anything', async () => {
    const bot = await atTitle();
    await bot.say('Too big');
    const turn = await bot.say('x'.repeat(5 * 1024 * 1024 + 1));
    expect(turn.text).toMatch(/5\.0 MB; Confluence accepts at most 5 MB/);
    expect(bot.status).toBe('waiting');
  });

  it.each(['demo', 'Demo space'])('accepts the space %j in any case, or by name', async (space) => {
    const bot = chat(world);
    await bot.say('create page');
    expect((await bot.say(space)).text).toMatch(/title of the page/);
  });

  it.each(['../', '???', '../../etc/passwd', 'A'.repeat(300), '%2e%2e%2f', 'DEMO?limit=1'])('answers the space %j as unknown, without a crash', async (space) => {
    const bot = chat(world);
    await bot.say('create page');
    const turn = await bot.say(space);
    expect(turn.text).toMatch(/can't find a space/);
    expect(bot.status).toBe('waiting');
  });

  it('answers a 10,000-character utterance', async () => {
    const bot = chat(world);
    expect((await bot.say('z'.repeat(10_000))).text).toMatch(/did not catch that/);
    // Only the first 1,000 characters are read for slots, so the space at the end is asked for, then the title refused.
    const long = chat(world);
    expect((await long.say(`create a page called ${'t'.repeat(10_000)} in DEMO`)).text).toMatch(/Which space\?/);
    expect((await long.say('DEMO')).text).toMatch(/characters long; Confluence accepts at most 255/);
  });
});
