/**
 * `npm run transcripts:record`: plays the main journeys against a fresh bot with TRANSCRIPTS_DIR set and writes
 * what the recorder produced to tests/transcripts/<set-up>/<journey>.transcript, which `npm test` replays.
 * Run it after an intended change of what the bot says, then review the diff of those files like any other.
 */
import { copyFile, mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ReplaySession } from './replayer.js';
import { resolveSetup, setupFromFolder } from './setup.js';
import type { UserAction } from './transcript.js';

const say = (text: string): UserAction => ({ kind: 'send', activity: { type: 'message', text, textFormat: 'plain' } });
const submit = (value: Record<string, unknown>): UserAction => ({ kind: 'send', activity: { type: 'message', value } });
const signIn = (decision: 'accept' | 'decline' = 'accept'): UserAction => ({ kind: 'sign-in', decision });
const RECORDED_BOT_ID = 'bot';
/** The Emulator's opening: the bot and the user join the conversation. */
const join: UserAction = {
  kind: 'send',
  activity: { type: 'conversationUpdate', membersAdded: [{ id: RECORDED_BOT_ID, name: 'Bot' }, { id: 'user', name: 'User' }] },
};

export const JOURNEYS: Record<string, UserAction[]> = {
  'user-mode/create-page-with-sign-in': [
    join,
    say('create page'),
    signIn(),
    say('DEMO'),
    say('Release checklist'),
    say('# Steps\n\n- build\n- **ship**'),
    say('Create'),
  ],
  'user-mode/sign-in-interrupted-then-declined': [
    join,
    say('list pages in ENG'),
    say('help'),
    say('status'),
    say('what now?'),
    signIn('decline'),
    say('cancel'),
  ],
  'user-mode/create-page-with-the-form': [
    join,
    say('create page'),
    signIn(),
    submit({ action: 'createContentForm', spaceKey: 'NOPE', type: 'page', title: 'Made with the form', body: '' }),
    submit({ action: 'createContentForm', spaceKey: 'TEAM', type: 'page', title: 'Made with the form', body: 'Filled in **one card**.' }),
  ],
  'preauthorized/create-blog-post-from-one-sentence': [
    join,
    say('new blog post in DEMO titled Sprint 12'),
    say('Sprint goals: **ship the replay tool**'),
    say('Create'),
  ],
  'preauthorized/list-pages-more-and-filter': [
    join,
    say('list pages in DOCS'),
    say('more'),
    say('pages in DOCS about release'),
    say('more'),
    say('list pages in TEAM'),
    say('list pages in NOPE'),
    say('cancel'),
  ],
  'preauthorized/interruptions': [
    join,
    say('create page'),
    say('help'),
    say('status'),
    say('ENG'),
    say('cancel'),
    say('create page'),
    say('DEMO'),
    say('Interrupted page'),
    say('help'),
    say('skip'),
    say('Change'),
    say('Title'),
    say('Interrupted page, renamed'),
    say('Cancel'),
  ],
  'preauthorized/errors': [
    join,
    say('create a page called Runbook in NOPE'),
    say('ENG'),
    say('x'.repeat(300)),
    say('   '),
    say('Runbook v2'),
    say('skip'),
    say('Create'),
    say('create a page called Runbook v2 in ENG'),
    say('cancel'),
  ],
  'custom-user-mode/create-page-with-custom-profile': [
    join,
    say('status'),
    say('create page'),
    signIn(),
    say('TEAM'),
    say('Custom profile page'),
    say('skip'),
    say('Create'),
    say('sign out'),
  ],
  'custom-preauthorized/status-and-list': [join, say('status'), say('list pages in ENG'), say('sign out')],
  'preauthorized/find-read-comment-add': [
    join,
    say('find pages about onboarding'),
    say('open 1'),
    say('comment'),
    say('Welcome aboard, *everyone*!'),
    say('Post'),
    say('add to Onboarding in TEAM: - buddy assigned'),
    say('help'),
    say('Add'),
    say('search "kept for the record" in DOCS'),
    say('more'),
    say('open 7'),
  ],
  'user-mode/find-with-sign-in-and-bad-input': [
    join,
    say('find'),
    signIn(),
    say('?!*'),
    say('x" OR space = "ARCHIVE'),
    say('search runbook in TEAM'),
    say('show Architecture in ENG'),
    say('1'),
    say('add to this page'),
    say('- a new line'),
    say('Cancel'),
  ],
};

async function record(target: string, only: string[]): Promise<void> {
  for (const [name, actions] of Object.entries(JOURNEYS)) {
    if (only.length > 0 && !only.some((wanted) => name.includes(wanted))) continue;
    const recordings = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    const file = path.join(target, `${name}.transcript`);
    const setup = resolveSetup(setupFromFolder(file));
    const session = await ReplaySession.open({ setup, env: { TRANSCRIPTS_DIR: recordings } });
    try {
      for (const action of actions) await session.perform(action, undefined, RECORDED_BOT_ID);
    } finally {
      await session.close();
    }
    const [written, ...others] = await readdir(recordings);
    if (written === undefined || others.length > 0) throw new Error(`expected one transcript for ${name}, found ${others.length + (written ? 1 : 0)}`);
    await mkdir(path.dirname(file), { recursive: true });
    await copyFile(path.join(recordings, written), file);
    await rm(recordings, { recursive: true, force: true });
    process.stdout.write(`recorded ${path.relative(process.cwd(), file)}\n`);
  }
}

await record(path.resolve('tests/transcripts'), process.argv.slice(2));
