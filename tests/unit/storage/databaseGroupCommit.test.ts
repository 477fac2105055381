/** Many changes at once (a crowd signing in) are written together, each applied once, failures kept apart. */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BotDatabase } from '../../../services/storage/database.js';

describe('BotDatabase group commit', () => {
  it('applies 100 concurrent changes exactly once each, in order, with far fewer writes', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'group-'));
    const database = await BotDatabase.open(dir);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        database.update((data) => {
          order.push(i);
          data.profiles.push({ name: `p${i}` } as never);
        }),
      ),
    );
    const onDisk = JSON.parse(await readFile(path.join(dir, 'bot.json'), 'utf8')) as { profiles: Array<{ name: string }> };
    expect(onDisk.profiles.map((p) => p.name)).toEqual(Array.from({ length: 100 }, (_, i) => `p${i}`));
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('rejects only the change that threw; the rest of its batch is written', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'group-'));
    const database = await BotDatabase.open(dir);
    const results = await Promise.allSettled([
      database.update((data) => void (data.settings = { type: 'system', mode: 'preauthorized' })),
      database.update(() => {
        throw new Error('invalid');
      }),
      database.update((data) => data.tokens.length),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await database.read()).settings?.mode).toBe('preauthorized');
  });

  it('sees an outside edit of the file even right after its own write (no stale cache)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'group-'));
    const database = await BotDatabase.open(dir);
    await database.update((data) => void (data.settings = { type: 'system', mode: 'user' }));
    expect((await database.read()).settings?.mode).toBe('user');
    const file = path.join(dir, 'bot.json');
    const edited = (await readFile(file, 'utf8')).replace('"user"', '"preauthorized"');
    await writeFile(file, edited);
    expect((await database.read()).settings?.mode).toBe('preauthorized');
  });
});
