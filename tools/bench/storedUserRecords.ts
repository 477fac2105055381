/**
 * Other people's data, written straight into a bot's record store before it starts: for each, a stored token and a
 * pending sign-in, under the keys the bot uses (services/auth/records.ts) and in the shapes it validates, so the
 * store looks like one that has served that many users.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { SYSTEM_PROFILE_NAME } from '../../services/auth/profiles.js';
import { sha256Hex, signInKey, tokenKey, type SignInRecord, type TokenRecord } from '../../services/auth/records.js';
import { SIGN_IN_LIFETIME_MS } from '../../services/auth/signInRequests.js';
import { SecretBox } from '../../services/crypto/secretBox.js';
import type { RecordStore } from '../../services/storage/recordStore.js';

/** Writes at a time: enough to keep the disk (or Azurite) busy without thousands of open files. */
const PARALLEL_WRITES = 32;
const SITE = { cloudId: '5a4d6b1e-7c2f-4e0a-9b3d-0c0ffee5a2d0', name: 'Sandbox', url: 'http://localhost:3978/sandbox/site' };

export async function writeStoredUsers(records: RecordStore, count: number, now: number = Date.now()): Promise<void> {
  // These users' tokens are never opened (nobody talks as them), so a throwaway key seals them: the bot's own key
  // need not be known, and no real secret is ever written.
  const box = new SecretBox(randomBytes(32));
  for (let start = 0; start < count; start += PARALLEL_WRITES) {
    const batch = Array.from({ length: Math.min(PARALLEL_WRITES, count - start) }, () => writeOneUser(records, box, now));
    await Promise.all(batch);
  }
}

async function writeOneUser(records: RecordStore, box: SecretBox, now: number): Promise<void> {
  const userId = randomUUID();
  const owner = `emulator:${userId}`;
  const token: TokenRecord = {
    profileName: SYSTEM_PROFILE_NAME,
    owner,
    accessToken: box.seal(randomBytes(32).toString('base64url')),
    refreshToken: box.seal(randomBytes(32).toString('base64url')),
    expiresAt: now + 3600_000,
    scope: 'read:space:confluence read:page:confluence write:page:confluence offline_access',
    sites: [SITE],
    updatedAt: now,
  };
  const idHash = sha256Hex(randomBytes(32).toString('base64url'));
  const conversationId = `${randomUUID()}|livechat`;
  const signIn: SignInRecord = {
    idHash,
    kind: 'user',
    profileName: SYSTEM_PROFILE_NAME,
    requester: { channelId: 'emulator', userId },
    // What the bot stores for the resume after the callback (dialogs/conversationAddress.ts).
    conversation: {
      user: { id: userId, name: 'User', role: 'user' },
      bot: { id: randomUUID(), name: 'Bot', role: 'bot' },
      conversation: { id: conversationId },
      channelId: 'emulator',
      locale: 'en-US',
      serviceUrl: 'http://127.0.0.1:9',
    },
    createdAt: now,
    expiresAt: now + SIGN_IN_LIFETIME_MS,
  };
  await records.put(tokenKey(SYSTEM_PROFILE_NAME, owner), token);
  await records.put(signInKey(idHash), signIn, { expiresAt: signIn.expiresAt });
}
