/** The tests use the tools' helper, so there is one way to start Azurite. */
import { randomUUID } from 'node:crypto';
import { AzureRecordStore } from '../../services/storage/azureRecordStore.js';
import { startAzurite, type Azurite } from '../../tools/shared/azurite.js';

export { startAzurite, type Azurite };

/** A container name no other test uses (Azure's rules: lowercase letters and digits). */
export function uniqueContainer(prefix = 't'): string {
  return `${prefix}${randomUUID().replace(/-/g, '').slice(0, 20)}`;
}

export interface TestAzurite {
  readonly connectionString: string;
  /** A record store on a fresh container of its own. */
  openStore(container?: string): Promise<AzureRecordStore>;
}

/** One Azurite for the calling test file: started before its first test, stopped after its last. */
export function azuriteForThisFile(): TestAzurite {
  let azurite: Azurite | undefined;
  beforeAll(async () => {
    azurite = await startAzurite();
  }, 30_000);
  afterAll(async () => {
    await azurite?.stop();
  });
  const connectionString = (): string => {
    if (azurite === undefined) throw new Error('Azurite is not running: use it inside a test');
    return azurite.connectionString;
  };
  return {
    get connectionString() {
      return connectionString();
    },
    openStore: (container = uniqueContainer()) => AzureRecordStore.open({ connectionString: connectionString(), container }),
  };
}
