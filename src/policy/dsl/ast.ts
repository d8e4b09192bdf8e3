/**
 * The compiled approval-match expression (spec §3.3). This is the shape the conformance vectors call `ast`
 * (conformance README §4.1), so the adapter can compare it directly.
 */
export type LeafType = 'all' | 'universe' | 'us' | 'them';

/** Where a node came from in the expression text (1-based column, characters). */
export interface Span {
  start: number;
  end: number;
}

export type Matcher =
  | { type: LeafType; count: number; self: boolean; span?: Span }
  | { type: 'entity'; name: string; count: number; self: boolean; span?: Span }
  | { type: 'anonymous'; members: string[]; count: number; self: boolean; span?: Span }
  | { type: 'true' | 'false' | 'off' | 'issue-author'; span?: Span }
  | { type: 'and' | 'or'; children: [Matcher, Matcher]; span?: Span }
  | { type: 'not'; child: Matcher; span?: Span }
  | { type: 'atleast'; count: number; children: Matcher[]; span?: Span }
  | { type: 'author'; child: Matcher; span?: Span };

export type MatcherType = Matcher['type'];
