/**
 * Issue 10, items 3 and 9: how the body question says a multi-line body can be written, the body preview in the
 * confirmation (a body collapsed onto one line is seen before Create), and a form's Create pressed after its
 * request ended: a new request that asks first, and never a second copy of content the form already created.
 * The real ConfluenceBot and MainDialog under botbuilder's TestAdapter, as Web Chat talks to them.
 */
import { Activity } from 'botbuilder';
import { readCard } from '../helpers/cardText.js';
import { wholeBot } from '../helpers/wholeBot.js';
import { createWorld, World } from '../helpers/world.js';

interface Reply {
  text: string;
  cards: Array<Record<string, unknown>>;
}

let nextConversation = 0;

/** One Web Chat conversation with the whole bot (state in memory, shared across the turns). */
function webChat(world: World, channelId = 'webchat') {
  const { adapter } = wholeBot(world);
  const base = (): Partial<Activity> => ({
    channelId,
    serviceUrl: 'http://127.0.0.1:1/',
    conversation: { id: `late-forms-${process.pid}-${++nextConversation}`, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: 'dl_user1', name: 'User' },
    recipient: { id: 'bot', name: 'Confluence' },
  });
  const conversation = base().conversation;
  const send = async (activity: Partial<Activity>): Promise<Reply> => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ ...base(), conversation, ...activity });
    const replies = adapter.activeQueue.splice(0);
    const texts: string[] = [];
    const cards: Array<Record<string, unknown>> = [];
    for (const reply of replies) {
      if (reply.text) texts.push(reply.text);
      for (const attachment of reply.attachments ?? []) {
        if (attachment.contentType === 'application/vnd.microsoft.card.adaptive') cards.push(attachment.content as Record<string, unknown>);
        texts.push(...readCard(attachment.content).texts);
      }
    }
    return { text: texts.join('\n'), cards };
  };
  return {
    say: (text: string) => send({ type: 'message', text }),
    submit: (value: Record<string, unknown>) => send({ type: 'message', value }),
  };
}

/** What pressing Create on `card` sends, with the given field values (the inputs are named after the form's id). */
function submission(card: Record<string, unknown>, fields: Record<string, string>): Record<string, unknown> {
  const data = (card.actions as Array<{ data: { formId: string } }>)[0]!.data;
  return { ...data, ...Object.fromEntries(Object.entries(fields).map(([field, value]) => [`${field}-${data.formId}`, value])) };
}

let world: World;
beforeAll(async () => {
  world = await createWorld({ mode: 'preauthorized' });
  await world.preauthorize();
});
afterAll(() => world.close());

describe('the body question', () => {
  it('tells a Web Chat user how to start a new line', async () => {
    const chat = webChat(world);
    const asked = await chat.say('create a page called Shift enter hint in ENG');
    expect(asked.text).toMatch(/Now the content, in Markdown/);
    expect(asked.text).toMatch(/Shift\+Enter/);
    // Named in one sentence, the form was never offered: no pointer to it.
    expect(asked.text).not.toMatch(/form above/);
  });

  it('points to the form offered earlier, whose Content box takes several lines', async () => {
    const chat = webChat(world);
    const first = await chat.say('create page');
    expect(first.cards).toHaveLength(1);
    expect((await chat.say('ENG')).text).toMatch(/title/);
    const asked = await chat.say('Form pointer');
    expect(asked.text).toMatch(/form above: its \*\*Content\*\* box takes several lines/);
  });
});

describe('the confirmation', () => {
  it("shows a multi-line body's first lines as typed, not a character count", async () => {
    const chat = webChat(world);
    await chat.say('create a page called Preview lines in ENG');
    const summary = await chat.say('# Release 12\n\n- first item\n- second item\n\nSome *text*.\nLine five\nLine six');
    expect(summary.text).toMatch(/Ready to create this page/);
    expect(summary.text).not.toMatch(/characters of Markdown/);
    expect(summary.text).toContain('6 lines; the first 5:\n\n```\n# Release 12\n- first item\n- second item\nSome *text*.\nLine five\n```');
    expect(summary.text).not.toContain('Line six');
  });

  it('shows a body that lost its line breaks as the one line it is', async () => {
    const chat = webChat(world);
    await chat.say('create a page called Collapsed body in ENG');
    const summary = await chat.say('# a - b - c');
    expect(summary.text).toContain('**Body:** 1 line:\n\n```\n# a - b - c\n```');
  });

  it('keeps backticks in the body from closing the preview early', async () => {
    const chat = webChat(world);
    await chat.say('create a page called Fenced in ENG');
    const summary = await chat.say('```js\nconst a = 1;\n```');
    expect(summary.text).toContain('````\n```js\nconst a = 1;\n```\n````');
  });
});

describe('a form pressed after its request ended', () => {
  it('starts a new request with its values and asks before creating', async () => {
    const chat = webChat(world);
    const [card] = (await chat.say('create page')).cards;
    expect((await chat.say('cancel')).text).toMatch(/Cancelled/);
    const late = await chat.submit(submission(card!, { spaceKey: 'ENG', type: 'page', title: 'Late form', body: 'line one\nline two' }));
    expect(late.text).not.toMatch(/did not catch that/);
    expect(late.text).toMatch(/started a new one with its values/);
    expect(late.text).toMatch(/Ready to create this page[\s\S]*Title:\*\* Late form[\s\S]*line one\nline two/);
    expect(await world.sandbox.findContent((c) => c.title === 'Late form')).toHaveLength(0);
    expect((await chat.say('Create')).text).toMatch(/Done! The page \*\*Late form\*\*/);
    expect(await world.sandbox.findContent((c) => c.title === 'Late form')).toHaveLength(1);
  });

  it('does not create the content of a form again once it was created', async () => {
    const chat = webChat(world);
    const [card] = (await chat.say('create page')).cards;
    const values = submission(card!, { spaceKey: 'ENG', type: 'blogpost', title: 'Pressed twice', body: 'once' });
    expect((await chat.submit(values)).text).toMatch(/Done! The blog post \*\*Pressed twice\*\*/);
    const again = await chat.submit(values);
    expect(again.text).toMatch(/already used to create content/);
    expect(again.text).not.toMatch(/Done!/);
    // Still not created when pressed while another request waits at the space question.
    await chat.say('create page');
    const meanwhile = await chat.submit(values);
    expect(meanwhile.text).not.toMatch(/Done!/);
    expect(await world.sandbox.findContent((c) => c.title === 'Pressed twice')).toHaveLength(1);
  });
});
