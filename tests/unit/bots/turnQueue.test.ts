import { TurnQueue } from '../../../bots/turnQueue.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('TurnQueue', () => {
  it('runs turns of one conversation one after another, in arrival order', async () => {
    const queue = new TurnQueue();
    const log: string[] = [];
    const turn = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([queue.run('c1', turn('a')), queue.run('c1', turn('b'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end']);
  });

  it('lets different conversations run at the same time', async () => {
    const queue = new TurnQueue();
    const log: string[] = [];
    const turn = (name: string) => async () => {
      log.push(`${name} start`);
      await tick();
      log.push(`${name} end`);
    };
    await Promise.all([queue.run('c1', turn('a')), queue.run('c2', turn('b'))]);
    expect(log.slice(0, 2)).toEqual(['a start', 'b start']);
  });

  it('keeps going after a failed turn, and reports the failure to its caller', async () => {
    const queue = new TurnQueue();
    const failed = queue.run('c1', async () => {
      throw new Error('boom');
    });
    const next = queue.run('c1', async () => 'ok');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ok');
  });
});
