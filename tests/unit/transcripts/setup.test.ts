import { resolveSetup, setupFromFolder, setupFromWelcome } from '../../../tools/replay/setup.js';
import { connectionLine, messages } from '../../../dialogs/messages.js';

describe('which authorization set-up a transcript replays with', () => {
  it("reads the recording's welcome message", () => {
    const welcome = (type: 'system' | 'custom', mode: 'user' | 'preauthorized') => [
      { type: 'message', text: messages.welcome(connectionLine({ type, mode, profileName: 'acme', sandbox: true })) },
    ];
    expect(setupFromWelcome(welcome('system', 'user'))).toEqual({ type: 'system', mode: 'user' });
    expect(setupFromWelcome(welcome('custom', 'preauthorized'))).toEqual({ type: 'custom', profile: 'acme', mode: 'preauthorized' });
    expect(setupFromWelcome([{ type: 'message', text: 'Hello! :)' }])).toEqual({});
  });

  it('reads the folder name', () => {
    expect(setupFromFolder('tests/transcripts/preauthorized/a.transcript')).toEqual({ mode: 'preauthorized' });
    expect(setupFromFolder('x/custom-user-mode/a.transcript')).toEqual({ type: 'custom' });
    expect(setupFromFolder('x/custom-preauthorized/a.transcript')).toEqual({ type: 'custom', mode: 'preauthorized' });
    expect(setupFromFolder('x/anything/a.transcript')).toEqual({});
  });

  it('lets flags win over the recording, the recording over the folder, and defaults to system + user', () => {
    expect(resolveSetup({}, {}, {})).toEqual({ type: 'system', mode: 'user', profile: 'corporate' });
    expect(resolveSetup({ mode: 'user' }, { mode: 'preauthorized', type: 'custom', profile: 'acme' }, { mode: 'preauthorized' })).toEqual({ type: 'custom', mode: 'user', profile: 'acme' });
    expect(resolveSetup({}, {}, { mode: 'preauthorized' })).toEqual({ type: 'system', mode: 'preauthorized', profile: 'corporate' });
  });
});
