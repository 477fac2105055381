/** The record store the configuration asks for: Azure Blob Storage when a connection string is set, else local files. */
import path from 'node:path';
import type { Config } from '../config/config.js';
import { LocalRecordStore } from './localRecordStore.js';
import { makeDataDirPrivate } from './privateDataDir.js';
import type { RecordStore } from './recordStore.js';

/** Where local records live inside DATA_DIR. */
export const LOCAL_RECORDS_FOLDER = 'records';

export async function openRecordStore(config: Pick<Config, 'storage' | 'dataDir'>): Promise<RecordStore> {
  if (config.storage.kind === 'azure') {
    // Loaded only here: the Azure SDK costs about 0.3 s and 17 MiB at start-up, and most installations store locally.
    const { AzureRecordStore } = await import('./azureRecordStore.js');
    return AzureRecordStore.open({ connectionString: config.storage.connectionString, container: config.storage.container });
  }
  // Private, new or from an earlier version: it holds sealed secrets and, in the sandbox, the key itself.
  makeDataDirPrivate(config.dataDir);
  return new LocalRecordStore(path.join(config.dataDir, LOCAL_RECORDS_FOLDER));
}
