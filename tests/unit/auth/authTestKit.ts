/** Shared set-up for the auth tests: a temporary data directory, a config pointing at the fake server. */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../services/config/config.js';
import { SecretBox } from '../../../services/crypto/secretBox.js';
import { BotDatabase } from '../../../services/storage/database.js';
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

export async function openStorage(dataDir: string): Promise<{ database: BotDatabase; secretBox: SecretBox }> {
  return { database: await BotDatabase.open(dataDir), secretBox: new SecretBox(Buffer.from(TEST_KEY_HEX, 'hex')) };
}
