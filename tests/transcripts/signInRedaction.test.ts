/**
 * A real sign-in, recorded with TRANSCRIPTS_DIR: the transcript must hold none of the values the sandbox and the
 * bot issued on the way (the sign-in link id, the OAuth state, the authorization code, the access and refresh
 * tokens), yet still show that a sign-in card was sent and that the person signed in.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { RunningApp } from '../../app.js';
import { requesterKey } from '../../services/auth/tokenStore.js';
import { decideOnConsentPage, followRedirect } from '../../tools/replay/browserSignIn.js';
import type { ReplayChannel } from '../../tools/replay/channel.js';
import { startRecordingApp, type RecordingApp } from '../helpers/recordingApp.js';

describe('a recorded sign-in', () => {
  let app: RunningApp;
  let channel: ReplayChannel;
  let transcripts: string;
  let recording: RecordingApp;

  beforeAll(async () => {
    recording = await startRecordingApp('recorded-sign-in');
    ({ app, channel, transcripts } = recording);
  });

  afterAll(() => recording?.close());

  it('contains no token, code, state or sign-in link query string', async () => {
    await channel.post({ type: 'conversationUpdate', membersAdded: [channel.bot, { id: channel.user.id }] });
    await channel.post({ type: 'message', text: 'create page' });
    const link = /http:\/\/[^"]+\/oauth\/start\?id=[^"]+/.exec(JSON.stringify(channel.received))![0];
    const linkId = new URL(link).searchParams.get('id')!;

    const authorizeUrl = await followRedirect(link);
    const state = new URL(authorizeUrl).searchParams.get('state')!;
    const callbackUrl = await decideOnConsentPage(authorizeUrl, 'accept');
    const code = new URL(callbackUrl).searchParams.get('code')!;
    const before = channel.received.length;
    expect((await fetch(callbackUrl)).status).toBe(200);
    await channel.waitFor(before, (arrived) => arrived.length >= 2, 5000);
    await channel.post({ type: 'message', text: 'status' });

    const token = await app.auth.tokens.get('system', requesterKey({ channelId: 'emulator', userId: channel.user.id }));
    const issued = { linkId, state, code, accessToken: token?.accessToken, refreshToken: token?.refreshToken };
    for (const value of Object.values(issued)) expect(value).toMatch(/^.{12,}$/);

    const [file, ...others] = await readdir(transcripts);
    expect(others).toEqual([]);
    const text = await readFile(path.join(transcripts, file!), 'utf8');
    for (const [name, value] of Object.entries(issued)) {
      expect({ name, leaked: text.includes(value!) || text.includes(encodeURIComponent(value!)) }).toEqual({ name, leaked: false });
    }
    expect(text).not.toMatch(/oauth\/start\?id=|[?&](code|state)=(?!\[redacted\])/);
    expect(text).toContain('/oauth/start?[redacted]');
    expect(text).toContain('"name": "confluence/signInCompleted"');
    expect(text).toContain('Thanks, you are signed in to Confluence.');
  }, 30_000);
});
