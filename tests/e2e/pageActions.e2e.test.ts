/**
 * Find → read → comment → add, end to end as the Emulator does it: the real server on a free port, the sign-in
 * through the sandbox's consent page, the cards as they arrive over HTTP, and the result checked in the sandbox's
 * own viewer (the comment under the page, the new version in its history).
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, RunningApp } from '../../app.js';
import { decideOnConsentPage, followRedirect } from '../../tools/replay/browserSignIn.js';
import { EmulatorChannel, signInLinkOf, textsOf, urlsOf } from '../helpers/emulatorChannel.js';
import { freePort } from '../helpers/ports.js';

describe('find, read, comment and add end to end (Emulator protocol, sandbox, user mode)', () => {
  let app: RunningApp;
  let channel: EmulatorChannel;

  beforeAll(async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'e2e-pages-'));
    app = await startApp({ PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
    channel = new EmulatorChannel(app.url);
    await channel.start();
    await channel.join();
  });

  afterAll(async () => {
    await channel?.stop();
    await app?.close();
  });

  it('searches, opens a result, comments on it and adds a line to it', async () => {
    const signIn = await channel.say('what do we have on onboarding?');
    const before = channel.received.length;
    const callback = await fetch(await decideOnConsentPage(await followRedirect(signInLinkOf(signIn)), 'accept'));
    expect(callback.status).toBe(200);
    const results = await channel.waitForActivities(before, 3);
    const found = textsOf(results).join('\n');
    expect(found).toMatch(/Result 1 of 1 for "onboarding"/);
    expect(found).toMatch(/1\. Onboarding/);
    expect(found).toMatch(/Team space \(TEAM\) · page · updated/);
    const [resultUrl] = urlsOf(results);
    expect((await fetch(resultUrl!)).status).toBe(200);

    const page = textsOf(await channel.say('open 1')).join('\n');
    expect(page).toMatch(/Onboarding Team space \(TEAM\) · by Sandbox User · updated .+ \(version 1\) Welcome aboard\./);

    expect(textsOf(await channel.say('comment')).join('\n')).toMatch(/What is your comment on \*\*Onboarding\*\*/);
    expect(textsOf(await channel.say('Glad to have you, **team**!')).join('\n')).toMatch(/Ready to comment/);
    const commented = textsOf(await channel.say('Post')).join('\n');
    expect(commented).toMatch(/Done! Your comment is on \*\*Onboarding\*\*: http/);

    expect(textsOf(await channel.say('add to Onboarding in TEAM: - end-to-end line')).join('\n')).toMatch(/now at version 1\./);
    const added = textsOf(await channel.say('Add')).join('\n');
    expect(added).toMatch(/Done! Added to \*\*Onboarding\*\*, now at version 2: (http\S+)/);

    const html = await (await fetch(/: (http\S+)$/.exec(added)![1]!)).text();
    expect(html).toContain('end-to-end line');
    expect(html).toContain('<strong>team</strong>');
    expect(html).toMatch(/Added from chat/);
  });
});
