import { recognizeIntent, typeFromUtterance } from '../../../dialogs/intents.js';
import { closeMatches, findSpace } from '../../../dialogs/spaceMatching.js';

describe('recognizeIntent', () => {
  it.each([
    ['create content', 'create-content'],
    ['create page', 'create-content'],
    ['New page', 'create-content'],
    ['create a blog post', 'create-content'],
    ['please write a new blogpost', 'create-content'],
    ['page', 'create-content'],
    ['help', 'help'],
    ['?', 'help'],
    ['cancel', 'cancel'],
    ['hello there', 'greeting'],
    ['what is the weather', 'unknown'],
    ['', 'unknown'],
  ])('%j → %s', (text, intent) => {
    expect(recognizeIntent(text)).toBe(intent);
  });

  it('takes the type from the utterance when it names one', () => {
    expect(typeFromUtterance('create a blog post')).toBe('blogpost');
    expect(typeFromUtterance('new page')).toBe('page');
    expect(typeFromUtterance('create content')).toBeUndefined();
  });
});

describe('space matching', () => {
  const spaces = [
    { id: '1', key: 'DEMO', name: 'Demo space' },
    { id: '2', key: 'ENG', name: 'Engineering' },
    { id: '3', key: 'TEAM', name: 'Team space' },
  ];

  it('finds a space by key or name, ignoring case, and by a button caption', () => {
    expect(findSpace(spaces, 'eng')?.id).toBe('2');
    expect(findSpace(spaces, 'engineering')?.id).toBe('2');
    expect(findSpace(spaces, 'Team space')?.id).toBe('3');
    expect(findSpace(spaces, 'MARKETING')).toBeUndefined();
  });

  it('offers close matches for typos, and none for something unrelated', () => {
    expect(closeMatches(spaces, 'DEMOO').map((s) => s.key)).toEqual(['DEMO']);
    expect(closeMatches(spaces, 'engineer').map((s) => s.key)).toEqual(['ENG']);
    expect(closeMatches(spaces, 'zzzzzzzz')).toEqual([]);
    expect(closeMatches(spaces, 'x'.repeat(10_000))).toEqual([]);
  });
});
