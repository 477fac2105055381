/** The whole conversation (MainDialog with every dialog), under DialogTestClient, against a test world. */
import { createMainDialog } from '../../dialogs/mainDialog.js';
import { silentLogger } from '../../services/logging/logger.js';
import { DialogDriver } from './dialogDriver.js';
import type { World } from './world.js';

export function chat(world: World, userId = 'user1'): DialogDriver {
  return new DialogDriver((prefs) => createMainDialog(world.access, silentLogger, prefs), undefined, userId);
}
