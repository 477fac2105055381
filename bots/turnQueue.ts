/**
 * Runs one turn at a time per conversation. Two turns of one conversation can overlap: the proactive turn that
 * resumes a dialog after sign-in, and the user's next message. Each loads, changes and saves the same dialog
 * state, so without this the later save would lose the earlier turn's step.
 */
export class TurnQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, turn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(turn);
    this.tails.set(key, current);
    const forget = () => {
      if (this.tails.get(key) === current) this.tails.delete(key);
    };
    current.then(forget, forget);
    return current;
  }

  /** Resolves once every turn queued so far has finished (for a clean shutdown). */
  async idle(): Promise<void> {
    while (this.tails.size > 0) await Promise.allSettled([...this.tails.values()]);
  }
}
