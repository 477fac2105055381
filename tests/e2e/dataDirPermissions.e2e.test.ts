/**
 * The bot started on a data folder left by an earlier version (755, files 644): after start-up the folder and its
 * direct entries are private, and what a turn writes (conversation state, a sign-in record) is 600 in 700 folders.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../app.js';
import { EmulatorChannel, signInLinkOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

const modeOf = (file: string): number => statSync(file).mode & 0o777;

/** Every file and folder below `root`, with its mode, skipping those that existed before. */
function entriesBelow(root: string, skip: Set<string>): Array<{ file: string; mode: number; folder: boolean }> {
  const found: Array<{ file: string; mode: number; folder: boolean }> = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const file = path.join(root, entry.name);
    if (!skip.has(file)) found.push({ file, mode: modeOf(file), folder: entry.isDirectory() });
    if (entry.isDirectory()) found.push(...entriesBelow(file, skip));
  }
  return found;
}

describe('DATA_DIR permissions', () => {
  let app: RunningApp | undefined;
  let channel: EmulatorChannel | undefined;
  let umask: number;

  beforeEach(() => {
    umask = process.umask(0o022);
  });

  afterEach(async () => {
    await channel?.stop();
    await app?.close();
    process.umask(umask);
  });

  it('makes an existing 755 data folder private at start-up, and a turn writes only 600 files in 700 folders', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'data-modes-'));
    // As an earlier version left it: everything readable by every user of the machine.
    const old = path.join(dataDir, 'records', 'settings', 'active.json');
    mkdirSync(path.dirname(old), { recursive: true, mode: 0o755 });
    mkdirSync(path.join(dataDir, 'state'), { mode: 0o755 });
    writeFileSync(path.join(dataDir, 'encryption.key'), `${randomBytes(32).toString('hex')}\n`, { mode: 0o644 });
    writeFileSync(path.join(dataDir, 'state', 'old-state.json'), 'null', { mode: 0o644 });
    chmodSync(dataDir, 0o755);
    const before = new Set([path.join(dataDir, 'records', 'settings'), path.join(dataDir, 'state', 'old-state.json')]);

    const port = await freePort();
    app = await startApp({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    expect(modeOf(dataDir).toString(8)).toBe('700');
    expect(modeOf(path.join(dataDir, 'records')).toString(8)).toBe('700');
    expect(modeOf(path.join(dataDir, 'state')).toString(8)).toBe('700');
    expect(modeOf(path.join(dataDir, 'encryption.key')).toString(8)).toBe('600');

    channel = new EmulatorChannel(app.url);
    await channel.start();
    expect(await channel.join()).toBe(200);
    // Not signed in yet: the turn stores a sign-in request (a record) and the dialog's state (a state file).
    expect(signInLinkOf(await channel.say('list pages'))).toContain('/oauth/start?id=');

    const written = entriesBelow(dataDir, before);
    expect(written.filter((entry) => !entry.folder && entry.file.startsWith(path.join(dataDir, 'state'))).length).toBeGreaterThan(0);
    expect(written.filter((entry) => !entry.folder && entry.file.startsWith(path.join(dataDir, 'records'))).length).toBeGreaterThan(0);
    const open = written.filter((entry) => (entry.mode & 0o077) !== 0).map((entry) => `${entry.file} ${entry.mode.toString(8)}`);
    expect(open).toEqual([]);
  });
});
