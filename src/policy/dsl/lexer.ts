/**
 * Lexer of the approval-match DSL (spec §3.1). Tokens carry two positions: `pos`, the 1-based UTF-8 byte
 * offset the original messages quote (`invalid 'and' at position 5`), and `col`, the 1-based character
 * (code point) column used for our own error locations.
 */

export type TokenKind =
  | 'lbracket'
  | 'rbracket'
  | 'eq'
  | 'lparen'
  | 'rparen'
  | 'lbrace'
  | 'rbrace'
  | 'comma'
  | 'and'
  | 'or'
  | 'not'
  | 'name';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based byte offset of the first character (Go's position). */
  pos: number;
  /** 1-based character column of the first character. */
  col: number;
  /** Character column just after the last character. */
  endCol: number;
}

const SINGLE: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['[', 'lbracket'],
  [']', 'rbracket'],
  ['=', 'eq'],
  ['(', 'lparen'],
  [')', 'rparen'],
  ['{', 'lbrace'],
  ['}', 'rbrace'],
  [',', 'comma'],
]);

const OPERATORS: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['and', 'and'],
  ['or', 'or'],
  ['not', 'not'],
]);

/** Only these four separate tokens; other Unicode spaces are part of words, as in the original. */
function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** UTF-8 length of one code point; a lone surrogate counts as U+FFFD (3 bytes), as Go would encode it. */
function utf8Length(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return 1;
  if (cp < 0x800) return 2;
  if (cp < 0x10000) return 3;
  return 4;
}

export function lex(text: string): Token[] {
  const tokens: Token[] = [];
  let pos = 1;
  let col = 1;
  let word: { chars: string[]; pos: number; col: number } | undefined;
  const flush = (): void => {
    if (word === undefined) return;
    const w = word.chars.join('');
    tokens.push({ kind: OPERATORS.get(w) ?? 'name', text: w, pos: word.pos, col: word.col, endCol: col });
    word = undefined;
  };
  for (const ch of text) {
    const single = SINGLE.get(ch);
    if (single !== undefined || isSpace(ch)) {
      flush();
      if (single !== undefined) tokens.push({ kind: single, text: ch, pos, col, endCol: col + 1 });
    } else if (word === undefined) {
      word = { chars: [ch], pos, col };
    } else {
      word.chars.push(ch);
    }
    pos += utf8Length(ch);
    col += 1;
  }
  flush();
  return tokens;
}
