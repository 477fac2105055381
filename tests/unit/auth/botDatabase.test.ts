import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BotDatabase, DATABASE_FILE, DatabaseCorruptError } from '../../../services/storage/database.js';
import { temporaryDirectory } from './authTestKit.js';

describe('BotDatabase', () => {
  let dir: Awaited<ReturnType<typeof temporaryDirectory>>;
  beforeEach(async () => {
    dir = await temporaryDirectory();
  });
  afterEach(() => dir.remove());

  it('starts empty and writes bot.json on the first change', async () => {
    const database = await BotDatabase.open(dir.path);
    expect(await database.read()).toEqual({ profiles: [], tokens: [], signInRequests: [] });
    await database.update((data) => {
      data.settings = { type: 'system', mode: 'preauthorized' };
    });
    const onDisk = JSON.parse(await readFile(join(dir.path, DATABASE_FILE), 'utf8'));
    expect(onDisk.settings).toEqual({ type: 'system', mode: 'preauthorized' });
  });

  it('sees changes another process wrote, without reopening', async () => {
    const bot = await BotDatabase.open(dir.path);
    const cli = await BotDatabase.open(dir.path);
    await cli.update((data) => {
      data.settings = { type: 'system', mode: 'preauthorized' };
    });
    expect((await bot.read()).settings?.mode).toBe('preauthorized');
    await bot.update((data) => {
      data.settings!.mode = 'user';
    });
    expect((await cli.read()).settings?.mode).toBe('user');
  });

  it('loses no change when many updates run at once', async () => {
    const first = await BotDatabase.open(dir.path);
    const second = await BotDatabase.open(dir.path);
    await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 === 0 ? first : second).update((data) => {
          data.signInRequests.push({ idHash: `h${index}`, kind: 'user', profileName: 'system', createdAt: 0, expiresAt: 1 });
        }),
      ),
    );
    expect((await first.read()).signInRequests).toHaveLength(20);
  });

  it('reports a corrupted file by name at start and leaves it untouched', async () => {
    const file = join(dir.path, DATABASE_FILE);
    await writeFile(file, '{"profiles": [ not json');
    await expect(BotDatabase.open(dir.path)).rejects.toThrow(DatabaseCorruptError);
    await expect(BotDatabase.open(dir.path)).rejects.toThrow(file);
    expect(await readFile(file, 'utf8')).toBe('{"profiles": [ not json');
  });

  it('refuses to write over a file that became unreadable while running', async () => {
    const database = await BotDatabase.open(dir.path);
    const file = join(dir.path, DATABASE_FILE);
    await writeFile(file, JSON.stringify({ profiles: 'wrong shape' }));
    await expect(database.update(() => undefined)).rejects.toThrow(DatabaseCorruptError);
    expect(await readFile(file, 'utf8')).toBe(JSON.stringify({ profiles: 'wrong shape' }));
  });
});
