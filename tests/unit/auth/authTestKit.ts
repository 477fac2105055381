/** Shared set-up for the auth tests: a temporary data directory, a config pointing at the fake server. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../services/config/config.js';
import { SecretBox } from '../../../services/crypto/secretBox.js';
import { LocalRecordStore } from '../../../services/storage/localRecordStore.js';
import type { ConversationAddress } from '../../../services/auth/types.js';
import type { FakeAtlassianAuth } from '../../helpers/fakeAtlassianAuth.js';

export const TEST_KEY_HEX = randomBytes(32).toString('hex');

export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'auth-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function environmentFor(fake: FakeAtlassianAuth, dataDir: string): NodeJS.ProcessEnv {
  return {
    PUBLIC_URL: 'http://localhost:3978',
    DATA_DIR: dataDir,
    ENCRYPTION_KEY: TEST_KEY_HEX,
    ATLASSIAN_CLIENT_ID: fake.clientId,
    ATLASSIAN_CLIENT_SECRET: fake.clientSecret,
    ATLASSIAN_AUTHORIZATION_URL: fake.authorizationUrl,
    ATLASSIAN_TOKEN_URL: fake.tokenUrl,
    ATLASSIAN_API_URL: fake.apiUrl,
  };
}

export function configFor(fake: FakeAtlassianAuth, dataDir: string): Config {
  return loadConfig(environmentFor(fake, dataDir));
}

/** The stores as AuthService.open makes them for a local DATA_DIR: records in `{dataDir}/records`. */
export async function openStorage(dataDir: string): Promise<{ records: LocalRecordStore; secretBox: SecretBox }> {
  return { records: new LocalRecordStore(join(dataDir, 'records')), secretBox: new SecretBox(Buffer.from(TEST_KEY_HEX, 'hex')) };
}

/** Everything written under a folder, as one text: what a copy of the data folder would reveal. */
export async function storedText(directory: string): Promise<string> {
  const entries = await readdir(directory, { withFileTypes: true, recursive: true }).catch(() => []);
  const texts = await Promise.all(
    entries.filter((entry) => entry.isFile()).map((entry) => readFile(join(entry.parentPath, entry.name), 'utf8')),
  );
  return texts.join('\n');
}

/** Where a sign-in resumes: the conversation address the bot stores (dialogs/conversationAddress.ts). */
export function addressIn(conversationId: string, userId = 'user', channelId = 'msteams'): ConversationAddress {
  return {
    channelId,
    serviceUrl: 'http://127.0.0.1:9/',
    conversation: { id: conversationId },
    user: { id: userId },
    bot: { id: 'bot' },
  };
}
