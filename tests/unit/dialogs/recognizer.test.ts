import { recognize, recognizeCommand } from '../../../dialogs/recognizer.js';

describe('recognize', () => {
  it.each([
    ['create content', { intent: 'create-content' }],
    ['create page', { intent: 'create-content', type: 'page' }],
    ['New page', { intent: 'create-content', type: 'page' }],
    ['create a blog post', { intent: 'create-content', type: 'blogpost' }],
    ['please write a new blogpost', { intent: 'create-content', type: 'blogpost' }],
    ['create a page called Release notes in ENG', { intent: 'create-content', type: 'page', title: 'Release notes', space: 'ENG' }],
    ['new blog post in DEMO titled Sprint 12', { intent: 'create-content', type: 'blogpost', title: 'Sprint 12', space: 'DEMO' }],
    ['create a page in space ENG called Q3 plan', { intent: 'create-content', type: 'page', title: 'Q3 plan', space: 'ENG' }],
    ['new page "Lessons in design" in TEAM', { intent: 'create-content', type: 'page', title: 'Lessons in design', space: 'TEAM' }],
    ['create a page named Blog ideas', { intent: 'create-content', type: 'page', title: 'Blog ideas' }],
    ['create a page in ENG', { intent: 'create-content', type: 'page', space: 'ENG' }],
    ['list pages', { intent: 'list-pages' }],
    ['show all pages in ENG', { intent: 'list-pages', space: 'ENG' }],
    ['pages in space Engineering', { intent: 'list-pages', space: 'Engineering' }],
    ['pages in ENG about release', { intent: 'list-pages', space: 'ENG', filter: 'release' }],
    ['list the pages of Team space', { intent: 'list-pages', space: 'Team' }],
    ['show pages about onboarding', { intent: 'list-pages', filter: 'onboarding' }],
    ['help', { intent: 'help' }],
    ['Cancel.', { intent: 'cancel' }],
    ['sign out', { intent: 'sign-out' }],
    ['logout', { intent: 'sign-out' }],
    ['status', { intent: 'status' }],
    ['switch site', { intent: 'switch-site' }],
    ['hello there', { intent: 'greeting' }],
    ['Hi!', { intent: 'greeting' }],
    ['thanks', { intent: 'thanks' }],
    ['Thank you so much!', { intent: 'thanks' }],
    ['ok, thanks', { intent: 'thanks' }],
    ['thx', { intent: 'thanks' }],
    ['Cheers.', { intent: 'thanks' }],
    ['ok', { intent: 'acknowledgement' }],
    ['OK.', { intent: 'acknowledgement' }],
    ['okay', { intent: 'acknowledgement' }],
    ['got it', { intent: 'acknowledgement' }],
    ['yes', { intent: 'acknowledgement' }],
    ['👍', { intent: 'acknowledgement' }],
    ['thanks for nothing, weather', { intent: 'unknown' }],
    ['what is the weather', { intent: 'unknown' }],
    ['', { intent: 'unknown' }],
  ])('%j', (text, expected) => {
    expect(recognize(text)).toEqual(expected);
  });

  it('stays quick and sane on a 10,000-character utterance', () => {
    const started = Date.now();
    expect(recognize(`create a page called ${'x'.repeat(10_000)}`).intent).toBe('create-content');
    expect(recognize('a'.repeat(10_000)).intent).toBe('unknown');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('knows the commands that work at any step', () => {
    expect(recognizeCommand('switch site')).toBe('switch-site');
    expect(recognizeCommand('Sign out')).toBe('sign-out');
    expect(recognizeCommand('Release notes')).toBeUndefined();
  });
});
