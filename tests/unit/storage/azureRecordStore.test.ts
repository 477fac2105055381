/** What is particular to Azure Blob Storage; the shared rules are in recordStore.contract.test.ts. */
import { AzureRecordStore, StorageUnavailableError } from '../../../services/storage/azureRecordStore.js';

describe('AzureRecordStore.open', () => {
  it('stops with a plain message, never the account key, when the connection string is not usable', async () => {
    const secretLooking = 'AccountName=acme;AccountKey=c2VjcmV0LWtleS1tdXN0LW5vdC1sZWFr;NotAnEndpoint';
    const failure = AzureRecordStore.open({ connectionString: secretLooking, container: 'confluence-assistant' });
    await expect(failure).rejects.toThrow(StorageUnavailableError);
    await expect(failure).rejects.toThrow(/AZURE_STORAGE_CONNECTION_STRING/);
    await failure.catch((error: Error) => expect(error.message).not.toContain('c2VjcmV0LWtleS1tdXN0LW5vdC1sZWFr'));
  });
});
