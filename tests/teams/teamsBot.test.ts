/**
 * The real ConfluenceBot, MainDialog and AuthService (sandbox back end) under botbuilder's TestAdapter, fed the
 * activities Teams sends: @mentions in group chats and channels, card submissions, and `signin/verifyState`.
 */
import { jest } from '@jest/globals';
import { Activity, TestAdapter } from 'botbuilder';
import { MainDialog } from '../../dialogs/mainDialog.js';
import { SIGN_IN_COMPLETED_EVENT } from '../../dialogs/signInDialog.js';
import { readCard } from '../helpers/cardText.js';
import { wholeBot } from '../helpers/wholeBot.js';
import { createWorld, World } from '../helpers/world.js';

const BOT = { id: '28:00000000-0000-0000-0000-00000000b07', name: 'Confluence' };
const MENTION_TEXT = '<at>Confluence</at>';

type ConversationType = 'personal' | 'groupChat' | 'channel';

interface Harness {
  adapter: TestAdapter;
  mainDialog: MainDialog;
  /** Sends one activity through the bot and returns every reply of that turn. */
  send(activity: Partial<Activity>): Promise<Partial<Activity>[]>;
}

function harness(world: World): Harness {
  const { adapter, mainDialog } = wholeBot(world);
  return {
    adapter,
    mainDialog,
    async send(activity) {
      adapter.activeQueue.splice(0);
      await adapter.processActivity(activity);
      return adapter.activeQueue.splice(0);
    },
  };
}

let nextConversation = 0;

/** A Teams conversation of the given type; `say` builds message activities as Teams does. */
function teamsConversation(type: ConversationType, userId = '29:alice', id = `19:conversation-${++nextConversation}@thread.v2`) {
  const conversation = { id, name: '', conversationType: type, isGroup: type !== 'personal' };
  const base = (): Partial<Activity> => ({
    channelId: 'msteams',
    serviceUrl: 'https://smba.example.test/teams/',
    conversation: { ...conversation },
    from: { id: userId, name: 'Alice' },
    recipient: { ...BOT },
  });
  return {
    say: (text: string): Partial<Activity> => ({ ...base(), type: 'message', text }),
    /** "@Confluence <text>": the mention markup in the text and a mention entity, as Teams sends them. */
    mention: (text: string): Partial<Activity> => ({
      ...base(),
      type: 'message',
      text: `${MENTION_TEXT}\u00a0${text}`,
      entities: [{ type: 'mention', mentioned: { ...BOT }, text: MENTION_TEXT }],
    }),
    submit: (value: Record<string, unknown>): Partial<Activity> => ({ ...base(), type: 'message', value }),
    verifyState: (state = '123456'): Partial<Activity> => ({ ...base(), type: 'invoke', name: 'signin/verifyState', value: { state } }),
    signInCompleted: (): Partial<Activity> => ({ ...base(), type: 'event', name: SIGN_IN_COMPLETED_EVENT, value: { outcome: 'signed-in' } }),
    membersAdded: (): Partial<Activity> => ({ ...base(), type: 'conversationUpdate', membersAdded: [{ id: userId, name: 'Alice' }, { ...BOT }] }),
  };
}

const messagesOf = (replies: Partial<Activity>[]) => replies.filter((reply) => reply.type === 'message');
const invokeResponsesOf = (replies: Partial<Activity>[]) => replies.filter((reply) => reply.type === 'invokeResponse');

function textOf(replies: Partial<Activity>[]): string {
  return messagesOf(replies)
    .flatMap((reply) => [reply.text ?? '', ...(reply.attachments ?? []).flatMap((a) => readCard(a.content).texts)])
    .join('\n');
}

function signInLinkOf(replies: Partial<Activity>[]): string | undefined {
  return messagesOf(replies).flatMap((reply) => (reply.attachments ?? []).flatMap((a) => readCard(a.content).urls))[0];
}

describe('Teams: who the bot answers', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'user' });
  });
  afterAll(() => world.close());

  it.each(['groupChat', 'channel'] as const)('ignores a %s message that does not mention it: no reply, no dialog', async (type) => {
    const bot = harness(world);
    const run = jest.spyOn(bot.mainDialog, 'run');
    const replies = await bot.send(teamsConversation(type).say('create page'));
    expect(replies).toEqual([]);
    expect(run).not.toHaveBeenCalled();
  });

  it.each(['groupChat', 'channel'] as const)('answers a %s message that mentions it, and the dialogs read it without the mention', async (type) => {
    const bot = harness(world);
    const seen: Array<string | undefined> = [];
    const run = bot.mainDialog.run.bind(bot.mainDialog);
    jest.spyOn(bot.mainDialog, 'run').mockImplementation(async (context, accessor) => {
      seen.push(context.activity.text);
      return run(context, accessor);
    });
    const replies = await bot.send(teamsConversation(type).mention('create page'));
    expect(seen).toEqual(['create page']);
    // Not signed in yet: the answer is the pointer to a 1:1 chat (see "signing in from a group chat").
    expect(textOf(replies)).toMatch(/sign in/i);
  });

  it('keeps answering in a personal chat without any mention', async () => {
    const bot = harness(world);
    const replies = await bot.send(teamsConversation('personal').say('help'));
    expect(textOf(replies)).toMatch(/create a page called/);
  });

  it('strips a mention in a personal chat too', async () => {
    const bot = harness(world);
    const seen: Array<string | undefined> = [];
    const run = bot.mainDialog.run.bind(bot.mainDialog);
    jest.spyOn(bot.mainDialog, 'run').mockImplementation(async (context, accessor) => {
      seen.push(context.activity.text);
      return run(context, accessor);
    });
    await bot.send(teamsConversation('personal').mention('list pages in ENG'));
    expect(seen).toEqual(['list pages in ENG']);
  });

  it('handles a card submission in a group chat, which carries no mention', async () => {
    const bot = harness(world);
    const run = jest.spyOn(bot.mainDialog, 'run');
    const replies = await bot.send(teamsConversation('groupChat').submit({ action: 'createContentForm', title: 'Notes' }));
    expect(run).toHaveBeenCalledTimes(1);
    expect(messagesOf(replies).length).toBeGreaterThan(0);
  });

  it('welcomes people added to a Teams conversation (TeamsActivityHandler keeps the members-added path)', async () => {
    const bot = harness(world);
    const replies = await bot.send(teamsConversation('personal').membersAdded());
    expect(textOf(replies)).toMatch(/^Hi! I find, read and create Confluence pages/);
  });
});

describe('Teams: signing in from a group chat', () => {
  it('never posts a sign-in link where others could open it, and points to a 1:1 chat', async () => {
    const world = await createWorld({ mode: 'user' });
    try {
      const bot = harness(world);
      for (const text of ['create page', 'sign in', 'list pages in ENG']) {
        const replies = await bot.send(teamsConversation('groupChat').mention(text));
        expect(textOf(replies)).toMatch(/only send sign-in links in a 1:1 chat/);
        expect(JSON.stringify(replies)).not.toMatch(/oauth\/start/);
      }
      expect(signInLinkOf(await bot.send(teamsConversation('personal').say('sign in')))).toMatch(/\/oauth\/start\?id=/);
    } finally {
      await world.close();
    }
  });
});

describe('Teams: a group chat with several people', () => {
  it('gives each person their own dialog, and takes un-mentioned answers (button clicks) only from the person mid-dialog', async () => {
    const world = await createWorld({ mode: 'preauthorized' });
    try {
      await world.preauthorize();
      const bot = harness(world);
      const alice = teamsConversation('groupChat', '29:alice', '19:shared@thread.v2');
      const bob = teamsConversation('groupChat', '29:bob', '19:shared@thread.v2');

      expect(textOf(await bot.send(alice.mention('create page')))).toMatch(/Which space\?/);
      expect(await bot.send(bob.say('DEMO'))).toEqual([]);
      expect(textOf(await bot.send(alice.say('DEMO')))).toMatch(/title of the page/);
      expect(textOf(await bot.send(bob.mention('list pages in ENG')))).toMatch(/Engineering \(ENG\)\*\* has/);
      expect(textOf(await bot.send(alice.say('Group chat page')))).toMatch(/Markdown/);
    } finally {
      await world.close();
    }
  });
});

describe('Teams: signin/verifyState', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'user' });
  });
  afterAll(() => world.close());

  it('answers 200 and does nothing when no sign-in is waiting', async () => {
    const bot = harness(world);
    const replies = await bot.send(teamsConversation('personal', '29:nobody-waiting').verifyState());
    expect(invokeResponsesOf(replies).map((r) => r.value)).toEqual([{ status: 200 }]);
    expect(messagesOf(replies)).toEqual([]);
  });

  it('resumes the waiting sign-in only once the connection exists, and only once', async () => {
    const bot = harness(world);
    const chat = teamsConversation('personal', '29:verify-state-user');
    const link = signInLinkOf(await bot.send(chat.say('create page')));
    expect(link).toBeDefined();

    // Not signed in yet: Teams gets its 200, the dialog keeps waiting.
    let replies = await bot.send(chat.verifyState());
    expect(invokeResponsesOf(replies).map((r) => r.value)).toEqual([{ status: 200 }]);
    expect(messagesOf(replies)).toEqual([]);

    // The browser finishes the OAuth flow (our callback stores the token).
    expect((await world.completeSignIn(link!)).kind).toBe('user-signed-in');

    replies = await bot.send(chat.verifyState());
    expect(invokeResponsesOf(replies).map((r) => r.value)).toEqual([{ status: 200 }]);
    expect(textOf(replies)).toMatch(/you are signed in to Confluence/);
    expect(textOf(replies)).toMatch(/space/i);

    // A second verifyState, and the callback's own proactive event, find nothing waiting: no double resume.
    replies = await bot.send(chat.verifyState());
    expect(invokeResponsesOf(replies).map((r) => r.value)).toEqual([{ status: 200 }]);
    expect(messagesOf(replies)).toEqual([]);
    expect(await bot.send(chat.signInCompleted())).toEqual([]);

    // The conversation carries on where it was.
    expect(textOf(await bot.send(chat.say('DEMO')))).toMatch(/title of the page/);
  });

  it('still answers 200 when continuing the conversation fails', async () => {
    const bot = harness(world);
    jest.spyOn(bot.mainDialog, 'run').mockRejectedValue(new Error('storage is down'));
    const replies = await bot.send(teamsConversation('personal').verifyState());
    expect(invokeResponsesOf(replies).map((r) => r.value)).toEqual([{ status: 200 }]);
  });
});

describe('Teams with MicrosoftAppId: the sign-in is bound only once Teams hands back the code (login CSRF)', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'user', botAppId: '00000000-0000-0000-0000-0000000000b0' });
  });
  afterAll(() => world.close());

  const signInCardOf = (replies: Partial<Activity>[]) =>
    messagesOf(replies).flatMap((reply) => reply.attachments ?? []).find((attachment) => attachment.contentType === 'application/vnd.microsoft.card.signin');

  it('opens the link in the Teams authentication pop-up, and signs in when verifyState carries the Connected page\'s code', async () => {
    const bot = harness(world);
    const chat = teamsConversation('personal', '29:pop-up-user');
    const replies = await bot.send(chat.say('create page'));
    expect(signInCardOf(replies)?.content.buttons).toEqual([expect.objectContaining({ type: 'signin' })]);

    const outcome = await world.completeSignIn(signInLinkOf(replies)!);
    if (outcome.kind !== 'user-confirmation-required') throw new Error(`expected a code to confirm, got ${outcome.kind}`);
    // Until Teams hands the code over, nothing is connected.
    expect(await world.auth.getConnection({ channelId: 'msteams', userId: '29:pop-up-user' })).toMatchObject({ status: 'sign-in-required' });

    const answered = await bot.send(chat.verifyState(outcome.code));
    expect(invokeResponsesOf(answered).map((r) => r.value)).toEqual([{ status: 200 }]);
    expect(textOf(answered)).toMatch(/you are signed in to Confluence/);
    expect(textOf(await bot.send(chat.say('DEMO')))).toMatch(/title of the page/);
  });

  it("does not bind a victim's Atlassian account to the attacker who sent the link", async () => {
    const bot = harness(world);
    const attacker = teamsConversation('personal', '29:attacker');
    const link = signInLinkOf(await bot.send(attacker.say('create page')))!;
    // The victim opens the link and consents; the code is on the victim's screen, not the attacker's.
    const outcome = await world.completeSignIn(link);
    expect(outcome.kind).toBe('user-confirmation-required');
    const guess = outcome.kind === 'user-confirmation-required' && outcome.code === '000000' ? '111111' : '000000';
    expect(textOf(await bot.send(attacker.verifyState(guess)))).toMatch(/does not match.*2 attempts left/);
    expect(textOf(await bot.send(attacker.say(guess)))).toMatch(/does not match.*1 attempt left/);
    const last = await bot.send(attacker.say(guess));
    expect(textOf(last)).toMatch(/discarded/);
    expect(signInLinkOf(last)).toMatch(/\/oauth\/start\?id=/);
    expect(await world.auth.getConnection({ channelId: 'msteams', userId: '29:attacker' })).toMatchObject({ status: 'sign-in-required' });
  });

  it('accepts the code typed into the chat when the link was opened outside the pop-up', async () => {
    const bot = harness(world);
    const chat = teamsConversation('personal', '29:typing-user');
    const outcome = await world.completeSignIn(signInLinkOf(await bot.send(chat.say('list pages in DEMO')))!);
    if (outcome.kind !== 'user-confirmation-required') throw new Error(outcome.kind);
    const typed = `${outcome.code.slice(0, 3)} ${outcome.code.slice(3)}`;
    const replies = await bot.send(chat.say(typed));
    expect(textOf(replies)).toMatch(/you are signed in to Confluence/);
    expect(textOf(replies)).toMatch(/Demo/);
  });
});

describe('Teams: find and read in a channel', () => {
  let world: World;
  beforeAll(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
  });
  afterAll(() => world.close());

  it('answers an @mentioned search with the results card, and "open 1" with the page card', async () => {
    const bot = harness(world);
    const channel = teamsConversation('channel');
    const results = messagesOf(await bot.send(channel.mention('find pages about onboarding')));
    const cards = results.flatMap((reply) => reply.attachments ?? []);
    expect(cards.map((card) => card.contentType)).toEqual(['application/vnd.microsoft.card.adaptive']);
    expect(readCard(cards[0]!.content).texts).toEqual(expect.arrayContaining(['Result 1 of 1 for "onboarding"', '1. Onboarding']));
    expect(readCard(cards[0]!.content).buttons).toEqual(['Open']);
    const page = await bot.send(channel.mention('open 1'));
    expect(textOf(page)).toMatch(/Onboarding\nTeam space \(TEAM\) · by Sandbox User · updated .+\nWelcome aboard\./);
  });
});
