import { closeMatches, findSpace } from '../../../dialogs/spaceMatching.js';

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
