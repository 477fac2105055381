/**
 * The part of CQL the sandbox understands: clauses joined by AND over `type`, `text`, `title` and `space`.
 * Anything else is refused (CqlError → Confluence's "Could not parse cql" 400) rather than guessed at, so a client
 * that builds CQL wrongly fails here as it would against Confluence, instead of getting plausible results.
 */
import { searchWords } from './searchText.js';

export class CqlError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CqlError';
  }
}

export type ContentType = 'page' | 'blogpost';

/** Every list is ANDed: a content matches when it satisfies each entry. */
export interface CqlQuery {
  /** Each entry: the types one clause allows. */
  types: Array<ReadonlySet<ContentType>>;
  /** Each entry: the space keys one clause allows (exact, case-sensitive). */
  spaces: Array<ReadonlySet<string>>;
  /** Each entry: the words of one `text ~` string, all of which must occur in the title or body. */
  text: string[][];
  /** Each entry: the words of one `title ~` string, all of which must occur in the title. */
  title: string[][];
}

type Token =
  | { kind: 'string'; value: string }
  | { kind: 'word'; value: string }
  | { kind: 'symbol'; value: '(' | ')' | ',' | '=' | '~' };

function readString(cql: string, start: number): { value: string; end: number } {
  let value = '';
  for (let i = start + 1; i < cql.length; i += 1) {
    const char = cql[i];
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\') {
      const next = cql[i + 1];
      if (next !== '"' && next !== '\\') throw new CqlError('only \\" and \\\\ may be escaped in a string');
      value += next;
      i += 1;
    } else {
      value += char;
    }
  }
  throw new CqlError('unterminated string');
}

function tokenize(cql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < cql.length) {
    const char = cql[i];
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '"') {
      const { value, end } = readString(cql, i);
      tokens.push({ kind: 'string', value });
      i = end;
    } else if (char === '(' || char === ')' || char === ',' || char === '=' || char === '~') {
      tokens.push({ kind: 'symbol', value: char });
      i += 1;
    } else {
      const word = /^[A-Za-z0-9_.-]+/.exec(cql.slice(i))?.[0];
      if (word === undefined) throw new CqlError(`unexpected character ${JSON.stringify(char)}`);
      tokens.push({ kind: 'word', value: word });
      i += word.length;
    }
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  next(): Token {
    const token = this.tokens[this.position];
    if (token === undefined) throw new CqlError('unexpected end of query');
    this.position += 1;
    return token;
  }

  peekSymbol(value: string): boolean {
    const token = this.tokens[this.position];
    return token?.kind === 'symbol' && token.value === value;
  }

  symbol(value: string): void {
    const token = this.next();
    if (token.kind !== 'symbol' || token.value !== value) throw new CqlError(`expected ${value}`);
  }

  keyword(): string {
    const token = this.next();
    if (token.kind !== 'word') throw new CqlError('expected a field or keyword');
    return token.value.toLowerCase();
  }

  /** A quoted string, or a bare word as Confluence also accepts (`type = page`, `space = ENG`). */
  value(): string {
    const token = this.next();
    if (token.kind === 'symbol') throw new CqlError(`unexpected ${token.value}`);
    return token.value;
  }

  /** `= value` or `in (value, …)`. */
  valueSet(): string[] {
    if (this.peekSymbol('=')) {
      this.symbol('=');
      return [this.value()];
    }
    if (this.keyword() !== 'in') throw new CqlError('expected = or in');
    this.symbol('(');
    const values = [this.value()];
    while (this.peekSymbol(',')) {
      this.symbol(',');
      values.push(this.value());
    }
    this.symbol(')');
    return values;
  }

  /** `~ "string"`, as its words; an empty word list is refused, since it could only match everything or nothing. */
  containsWords(field: string): string[] {
    this.symbol('~');
    const words = searchWords(this.value());
    if (words.length === 0) throw new CqlError(`${field} cannot be empty`);
    return words;
  }
}

function contentTypes(values: string[]): Set<ContentType> {
  const types = new Set<ContentType>();
  for (const value of values) {
    const type = value.toLowerCase();
    if (type !== 'page' && type !== 'blogpost') throw new CqlError(`unsupported type ${value}`);
    types.add(type);
  }
  return types;
}

export function parseCql(cql: string): CqlQuery {
  const parser = new Parser(tokenize(cql));
  const query: CqlQuery = { types: [], spaces: [], text: [], title: [] };
  do {
    const field = parser.keyword();
    if (field === 'type') query.types.push(contentTypes(parser.valueSet()));
    else if (field === 'space') query.spaces.push(new Set(parser.valueSet()));
    else if (field === 'text') query.text.push(parser.containsWords('text'));
    else if (field === 'title') query.title.push(parser.containsWords('title'));
    else throw new CqlError(`unsupported field ${field}`);
    if (parser.atEnd()) return query;
  } while (parser.keyword() === 'and');
  throw new CqlError('only AND may join clauses');
}
