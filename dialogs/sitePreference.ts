/** The site a user chose when their account reaches several, remembered in user state for their next requests. */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

export interface SitePreference {
  get(context: TurnContext): Promise<string | undefined>;
  set(context: TurnContext, cloudId: string): Promise<void>;
}

export class UserStateSitePreference implements SitePreference {
  constructor(private readonly accessor: StatePropertyAccessor<string | undefined>) {}

  get(context: TurnContext): Promise<string | undefined> {
    return this.accessor.get(context);
  }

  async set(context: TurnContext, cloudId: string): Promise<void> {
    await this.accessor.set(context, cloudId);
  }
}
