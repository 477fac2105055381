/**
 * Two instances of the bot (two ConfluenceBots with their own dialogs and state objects) on one shared state store,
 * talking to one Confluence: turns of one conversation may land on either, even at the same moment. Nothing typed
 * may be lost, a turn that loses the race runs again on the fresh state, and a page is created at most once.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Activity, Storage, StoreItems, TestAdapter } from 'botbuilder';
import { EtagGuardedPrivateConversationState, EtagGuardedUserState } from '../../../bots/etagGuardedState.js';
import { ConfluenceBot } from '../../../bots/confluenceBot.js';
import { ConfluenceAccess } from '../../../dialogs/confluenceAccess.js';
import { ConfluenceClient } from '../../../services/confluence/client.js';
import { createMainDialog } from '../../../dialogs/mainDialog.js';
import { UserStateSitePreference } from '../../../dialogs/sitePreference.js';
import { silentLogger } from '../../../services/logging/logger.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import { RecordStateStorage } from '../../../services/storage/recordStateStorage.js';
import { EtagConflictError } from '../../../services/storage/stateStorage.js';
import { createWorld, World } from '../../helpers/world.js';

/** Lets a test hold one instance's next read until it says go: a turn that started before another one finished. */
class GatedStorage implements Storage {
  private gate?: Promise<void>;
  constructor(private readonly inner: Storage) {}

  holdNextRead(): () => void {
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    return release;
  }

  async read(keys: string[]): Promise<StoreItems> {
    const items = await this.inner.read(keys);
    const gate = this.gate;
    this.gate = undefined;
    await gate;
    return items;
  }

  write(changes: StoreItems): Promise<void> {
    return this.inner.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.inner.delete(keys);
  }
}

/** An instance that loses every race: each save finds the stored state already changed by someone else. */
class AlwaysBehindStorage extends GatedStorage {
  override async write(changes: StoreItems): Promise<void> {
    const [key] = Object.keys(changes);
    throw new EtagConflictError(key ?? 'state');
  }
}

interface Instance {
  storage: GatedStorage;
  adapter: TestAdapter;
  say(text: string): Promise<string[]>;
}

function startInstance(world: World, shared: Storage, access: ConfluenceAccess = world.access, storage = new GatedStorage(shared)): Instance {
  const conversationState = new EtagGuardedPrivateConversationState(storage);
  const userState = new EtagGuardedUserState(storage);
  const preference = new UserStateSitePreference(userState.createProperty<string | undefined>('preferredSiteId'));
  const dialog = createMainDialog(access, silentLogger, preference);
  const bot = new ConfluenceBot(conversationState, userState, dialog, world.auth, silentLogger);
  const adapter = new TestAdapter((context) => bot.run(context));
  // As the real adapter's onTurnError does, the user is told; the error does not escape the turn.
  adapter.onTurnError = async (context) => {
    await context.sendActivity('Sorry, something went wrong.');
  };
  return {
    storage,
    adapter,
    async say(text) {
      const before = adapter.activeQueue.length;
      await adapter.processActivity({ type: 'message', text } as Partial<Activity>);
      return adapter.activeQueue.splice(before).map((activity) => activity.text ?? '');
    },
  };
}

describe('one conversation on two bot instances sharing state', () => {
  let world: World;
  let a: Instance;
  let b: Instance;

  let shared: Storage;

  beforeEach(async () => {
    world = await createWorld({ mode: 'preauthorized' });
    await world.preauthorize();
    shared = new RecordStateStorage(new LocalRecordStore(await mkdtemp(path.join(os.tmpdir(), 'shared-state-'))));
    a = startInstance(world, shared);
    b = startInstance(world, shared);
  });

  afterEach(() => world.close());

  const pagesTitled = async (title: string) => (await world.sandbox.findContent((content) => content.title === title)).length;

  it('carries the draft across instances turn by turn', async () => {
    expect((await a.say('create a page called Alternating in DEMO')).join('\n')).toMatch(/Markdown/);
    expect((await b.say('Written on the second instance')).join('\n')).toMatch(/Ready to create/);
    expect((await a.say('Create')).join('\n')).toMatch(/Done!/);
    expect(await pagesTitled('Alternating')).toBe(1);
  });

  it('creates the page once when Create arrives on both instances at the same moment', async () => {
    await a.say('create a page called Pressed twice in DEMO');
    await b.say('Body');
    const [fromA, fromB] = await Promise.all([a.say('Create'), b.say('Create')]);
    const everything = [...fromA, ...fromB].join('\n');
    expect(await pagesTitled('Pressed twice')).toBe(1);
    expect(everything.match(/Done!/g)).toHaveLength(1);
    expect(everything).not.toMatch(/already exists/);
  });

  it('runs a turn that started on stale state again on the fresh one, without sending what it first answered', async () => {
    await a.say('create a page called Stale turn in DEMO');
    // A reads the state (waiting for the body), then B moves the conversation on before A saves.
    const release = a.storage.holdNextRead();
    const staleTurn = a.say('cancel');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await b.say('The body')).join('\n')).toMatch(/Ready to create/);
    release();
    const replies = await staleTurn;
    // Run again on the fresh state, "cancel" cancels the confirmation B reached; the body B stored was not lost to A.
    expect(replies.join('\n')).toMatch(/cancel/i);
    expect(replies.join('\n')).not.toMatch(/Markdown/);
    expect((await b.say('help')).join('\n')).not.toMatch(/Ready to create/);
  });

  it('puts the conversation back when a turn fails after claiming it, so the next turn elsewhere does not wait', async () => {
    const failing = new ConfluenceClient();
    failing.createContent = () => Promise.reject(new Error('an unexpected failure, not one of Confluence'));
    const broken = startInstance(world, shared, new ConfluenceAccess(world.auth, failing));
    await broken.say('create a page called Claimed then failed in DEMO');
    await broken.say('Body');
    expect((await broken.say('Create')).join('\n')).toMatch(/something went wrong/);
    const started = Date.now();
    expect((await b.say('Create')).join('\n')).toMatch(/Done!/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await pagesTitled('Claimed then failed')).toBe(1);
  });

  it('says plainly to send the message again when the conversation changed elsewhere twice in a row, and sends nothing else', async () => {
    await a.say('create a page called Always behind in DEMO');
    const behind = startInstance(world, shared, world.access, new AlwaysBehindStorage(shared));
    const replies = await behind.say('The body');
    expect(replies).toEqual([expect.stringMatching(/changed somewhere else at the same moment.*send it again/)]);
    expect((await a.say('The body')).join('\n')).toMatch(/Ready to create/);
  });
});
