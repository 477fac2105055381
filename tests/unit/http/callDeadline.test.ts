import { withCallDeadline } from '../../../services/http/callDeadline.js';

describe('withCallDeadline', () => {
  it('aborts a call that outlives the deadline, with the reason AbortSignal.timeout gives', async () => {
    const never = withCallDeadline(50, (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    await expect(never).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('lets go of the call once it ends: the deadline never fires afterwards', async () => {
    let seen: AbortSignal | undefined;
    const answer = await withCallDeadline(50, async (signal) => {
      seen = signal;
      return 'done';
    });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(answer).toBe('done');
    expect(seen!.aborted).toBe(false);
  });

  it('ends the deadline when the call fails too', async () => {
    let seen: AbortSignal | undefined;
    await expect(
      withCallDeadline(50, async (signal) => {
        seen = signal;
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(seen!.aborted).toBe(false);
  });
});
