import { cqlString, MAX_SEARCH_WORDS, searchCql, searchWords } from '../../../services/confluence/cql.js';

describe('searchWords', () => {
  it('keeps letters and digits of any script, lower-cased, once each', () => {
    expect(searchWords('Release notes 2.4 — Release')).toEqual(['release', 'notes', '2', '4']);
    expect(searchWords('Überblick Привет 東京 ﬁle')).toEqual(['überblick', 'привет', '東京', 'file']);
  });

  it('drops every character CQL or Lucene could read as syntax', () => {
    expect(searchWords('x" OR space = "ARCHIVE')).toEqual(['x', 'or', 'space', 'archive']);
    expect(searchWords('a* b? (c) [d] {e} f~ g^2 +h -i !j k:l m/n \\o &&p ||q')).toEqual(
      ['a', 'b', 'c', 'd', 'e', 'f', 'g', '2', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q'],
    );
  });

  it('has nothing to search in punctuation alone, and caps the number of words', () => {
    expect(searchWords(' "?!* ')).toEqual([]);
    expect(searchWords(Array.from({ length: 100 }, (_, index) => `w${index}`).join(' '))).toHaveLength(MAX_SEARCH_WORDS);
  });
});

describe('cqlString', () => {
  it('quotes a value and escapes backslashes and double quotes', () => {
    expect(cqlString('ENG')).toBe('"ENG"');
    expect(cqlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(cqlString('~jane:doe')).toBe('"~jane:doe"');
  });
});

describe('searchCql', () => {
  it('restricts to pages and blog posts, and to one space when asked', () => {
    expect(searchCql({ text: 'Release notes' })).toBe('type in (page, blogpost) AND text ~ "release notes"');
    expect(searchCql({ text: 'Release notes', spaceKey: 'ENG' })).toBe('type in (page, blogpost) AND text ~ "release notes" AND space = "ENG"');
  });

  it('cannot be widened by anything typed: the restrictions stay, the text stays one literal', () => {
    for (const typed of ['x" OR space = "ARCHIVE', 'x\\" OR type = attachment OR text ~ "', ') OR (space = ARCHIVE', 'notes AND NOT space = ENG']) {
      const cql = searchCql({ text: typed, spaceKey: 'ENG' })!;
      expect(cql.startsWith('type in (page, blogpost) AND text ~ "')).toBe(true);
      expect(cql.endsWith(' AND space = "ENG"')).toBe(true);
      const literal = cql.slice('type in (page, blogpost) AND text ~ '.length, -' AND space = "ENG"'.length);
      expect(literal).toMatch(/^"[\p{L}\p{N} ]+"$/u);
    }
  });

  it('is undefined when nothing searchable was typed', () => {
    expect(searchCql({ text: '???' })).toBeUndefined();
  });
});
