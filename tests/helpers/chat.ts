/** The whole conversation (MainDialog with every dialog), under DialogTestClient, against a test world. */
import { CreateContentDialog } from '../../dialogs/createContentDialog.js';
import { ListPagesDialog } from '../../dialogs/listPagesDialog.js';
import { MainDialog } from '../../dialogs/mainDialog.js';
import { SwitchSiteDialog } from '../../dialogs/switchSiteDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DialogDriver } from './dialogDriver.js';
import type { World } from './world.js';

export function chat(world: World, userId = 'user1'): DialogDriver {
  return new DialogDriver(
    (prefs) =>
      new MainDialog(
        world.auth,
        new CreateContentDialog(world.access, silentLogger, prefs),
        new ListPagesDialog(world.access, silentLogger, prefs),
        new SwitchSiteDialog(world.auth, prefs),
      ),
    undefined,
    userId,
  );
}
