/**
 * Deliver after commit: a turn's replies are held until its state is saved, then sent. If the process dies in
 * between, the user has seen nothing the saved state does not know about, so after a restart the conversation
 * picks up exactly where the user thinks it is. Typing indicators and progress messages (inputHint
 * `ignoringInput`: "I'm busy, don't answer this") go out at once: they promise nothing about state.
 */
import { Activity, ActivityTypes, InputHints, ResourceResponse, TurnContext } from 'botbuilder';

export class Outbox {
  private held: Partial<Activity>[] = [];
  private holding = true;

  constructor(private readonly context: TurnContext) {
    context.onSendActivities(async (_context, activities, next) => {
      if (!this.holding) return next();
      const immediate = activities.filter(isProgress);
      const later = activities.filter((activity) => !isProgress(activity));
      this.held.push(...later);
      const sent = immediate.length > 0 ? await next() : [];
      // Callers get a response per activity; held ones receive their real ids from the channel on flush.
      return activities.map((activity) => (isProgress(activity) ? sent.shift() : undefined) ?? ({ id: '' } as ResourceResponse));
    });
  }

  /** Sends what the turn held back, in order. Call once the turn's state is saved. */
  async flush(): Promise<void> {
    this.holding = false;
    const held = this.held;
    this.held = [];
    if (held.length > 0) await this.context.sendActivities(held);
  }

  /** The turn failed and its state was not saved: its replies would describe a step that never happened. */
  discard(): void {
    this.holding = false;
    this.held = [];
  }

  /** The turn runs again on fresh state: what it held so far is dropped, and its next replies are held again. */
  restart(): void {
    this.held = [];
  }
}

function isProgress(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Typing || activity.inputHint === InputHints.IgnoringInput;
}
