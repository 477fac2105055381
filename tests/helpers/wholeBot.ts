/**
 * The whole bot as app.ts assembles it (ConfluenceBot, MainDialog and its dialogs) on a World's real services,
 * with state in memory, under botbuilder's TestAdapter: for tests that feed it channel-shaped activities.
 */
import { MemoryStorage, PrivateConversationState, TestAdapter, UserState } from 'botbuilder';
import { ConfluenceBot } from '../../bots/confluenceBot.js';
import { createMainDialog, MainDialog } from '../../dialogs/mainDialog.js';
import { UserStateSitePreference } from '../../dialogs/sitePreference.js';
import { silentLogger } from '../../services/logging/logger.js';
import type { World } from './world.js';

export function wholeBot(world: World): { adapter: TestAdapter; mainDialog: MainDialog } {
  const storage = new MemoryStorage();
  const userState = new UserState(storage);
  const prefs = new UserStateSitePreference(userState.createProperty<string | undefined>('preferredSiteId'));
  const mainDialog = createMainDialog(world.access, silentLogger, prefs);
  const bot = new ConfluenceBot(new PrivateConversationState(storage), userState, mainDialog, world.auth, silentLogger);
  return { adapter: new TestAdapter((context) => bot.run(context)), mainDialog };
}
