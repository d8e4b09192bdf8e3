/**
 * Decoding of one element of `approvals` (spec §2.3 policy object) and its post-processing (§2.4).
 * Match expressions are compiled with the DSL; their errors are moved from the column inside the expression
 * to the line/column in the file.
 */
import { PolicyError, PolicyErrors } from '../errors.js';
import type { Matcher } from '../dsl/ast.js';
import { compileSyntax } from '../dsl/compiler.js';
import { parseSyntax } from '../dsl/parser.js';
import { compileGlob } from '../glob.js';
import type { Decoder, FieldCtx } from './decode.js';
import {
  DEFAULT_AUTHORMATCH_TEXT, DEFAULT_MATCH_TEXT, defaultAuthorMatch, defaultFeedback, defaultMatch, defaultMerge, defaultTag,
  emptyScope,
} from './defaults.js';
import type { HNode, Pos } from './hjson-parse.js';
import { decodeFeedback, decodeMerge, decodeRegex, decodeTag } from './sections.js';
import type { ExpressionField, Policy, Scope } from './types.js';
import type { UserRegex } from '../regex.js';

/** What the validator needs to know about where a policy's parts were written. */
export interface PolicyMarks {
  /** Start of the policy object. */
  pos: Pos;
  /** Position of the `name` value, when written. */
  namePos?: Pos;
}

/** A compiled DSL expression and its text. */
interface MatchSource {
  matcher: Matcher;
  text: string;
}

/**
 * Compiles a match expression. A parse failure reads `Unable to parse approval policy '<text>'. <reason>`
 * (spec §2.3); a compilation failure keeps the compiler's own message. Both point into the file.
 */
function decodeMatch(d: Decoder, node: HNode): MatchSource | undefined {
  if (node.kind === 'null') return undefined;
  if (node.kind !== 'string') {
    d.stringValueError(node);
    return undefined;
  }
  const text = node.value;
  let syntax: ReturnType<typeof parseSyntax>;
  try {
    syntax = parseSyntax(text);
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    const where = d.locInString(node, (e.location.column ?? 1) - 1);
    d.errors.push(new PolicyError(`Unable to parse approval policy '${text}'. ${e.message}`, where));
    return undefined;
  }
  try {
    return { matcher: compileSyntax(syntax), text };
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    for (const leaf of PolicyErrors.flatten(e)) {
      d.errors.push(new PolicyError(leaf.message, d.locInString(node, columnIndex(text, leaf.location.column))));
    }
    return undefined;
  }
}

/** A 1-based character column inside `text` → UTF-16 index. */
export function columnIndex(text: string, column: number | undefined): number {
  if (column === undefined || column < 1) return 0;
  let index = 0;
  for (let c = 1; c < column && index < text.length; c++) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return index;
}

function decodeScope(d: Decoder, node: HNode, ctx: FieldCtx): Scope {
  const scope = emptyScope();
  const sub = (key: string, goType: string): FieldCtx => ({
    struct: 'ApprovalScope', path: `${ctx.path}.${key}`, goType, mark: `${ctx.mark ?? ctx.path}.${key}`,
  });
  const regexList = (key: 'regexpaths' | 'regexbase' | 'regexcompare') => (v: HNode) => {
    const list = d.customList<UserRegex>(v, sub(key, '[]*rxserde.RegexSerde'), (item) => decodeRegex(d, item));
    if (list !== undefined) scope[key] = list ?? [];
  };
  d.struct(node, ctx, {
    branches: (v) => {
      const list = d.stringList(v, sub('branches', 'set.Set'));
      if (list !== undefined) scope.branches = list ?? [];
    },
    paths: (v) => {
      const list = d.stringList(v, sub('paths', '[]miniglob.MiniGlob'));
      if (list !== undefined) scope.paths = (list ?? []).map(compileGlob);
    },
    regexpaths: regexList('regexpaths'),
    regexbase: regexList('regexbase'),
    regexcompare: regexList('regexcompare'),
  });
  return scope;
}

/** Decodes policy number `index` (0-based) and applies the post-processing of §2.4. */
export function decodePolicy(d: Decoder, node: HNode, index: number): { policy: Policy; marks: PolicyMarks } | undefined {
  const mark = `approvals.${index}`;
  const ctx: FieldCtx = { struct: 'Config', path: 'approvals', goType: 'model.ApprovalPolicy', mark };
  const f = (key: string, goType: string): FieldCtx => ({ struct: 'ApprovalPolicy', path: `approvals.${key}`, goType, mark: `${mark}.${key}` });
  const policy: Policy = {
    name: '',
    position: index + 1,
    scope: emptyScope(),
    match: defaultMatch(),
    antimatch: defaultMatch(),
    authormatch: defaultAuthorMatch(),
    matchText: DEFAULT_MATCH_TEXT,
    antimatchText: DEFAULT_MATCH_TEXT,
    authormatchText: DEFAULT_AUTHORMATCH_TEXT,
    location: d.loc(node.pos),
  };
  const marks: PolicyMarks = { pos: node.pos };
  const written = new Map<ExpressionField, HNode & { kind: 'string' }>();
  const setMatch = (key: ExpressionField) => (v: HNode) => {
    const m = decodeMatch(d, v);
    if (m === undefined) return;
    policy[key] = m.matcher;
    policy[`${key}Text`] = m.text;
    if (v.kind === 'string') written.set(key, v);
  };
  const setRegex = (key: 'pattern' | 'antipattern' | 'antititle') => (v: HNode) => {
    const re = decodeRegex(d, v);
    if (re !== undefined) policy[key] = re;
    else if (v.kind === 'null') delete policy[key];
  };
  const ok = d.struct(node, ctx, {
    name: (v) => {
      const s = d.string(v, f('name', 'string'));
      if (s !== undefined) {
        policy.name = s;
        marks.namePos = v.pos;
      }
    },
    scope: (v) => {
      policy.scope = decodeScope(d, v, f('scope', 'model.ApprovalScope'));
    },
    match: setMatch('match'),
    antimatch: setMatch('antimatch'),
    authormatch: setMatch('authormatch'),
    pattern: setRegex('pattern'),
    antipattern: setRegex('antipattern'),
    antititle: setRegex('antititle'),
    // A present section starts from the defaults, not from the top-level values (verified, §2.3).
    merge: (v) => {
      if (v.kind === 'null') return void delete policy.merge;
      policy.merge = defaultMerge();
      decodeMerge(d, v, policy.merge, f('merge', 'model.MergeConfig'));
    },
    tag: (v) => {
      if (v.kind === 'null') return void delete policy.tag;
      policy.tag = defaultTag();
      decodeTag(d, v, policy.tag, f('tag', 'model.TagConfig'));
    },
    feedback: (v) => {
      if (v.kind === 'null') return void delete policy.feedback;
      policy.feedback = defaultFeedback();
      decodeFeedback(d, v, policy.feedback, f('feedback', 'model.FeedbackConfig'));
    },
  });
  if (!ok && node.kind !== 'null') return undefined;
  applyOff(policy);
  if (policy.match.type === 'off') written.delete('antimatch');
  policy.locateExpression = (field, column) => {
    const source = written.get(field);
    return source === undefined ? undefined : d.locInString(source, columnIndex(source.value, column));
  };
  return { policy, marks };
}

/**
 * `match: off` (the top-level matcher itself, not nested): materialise default merge and tag sections when
 * absent and force `antimatch` to `false`, whatever was written (§2.4).
 */
export function applyOff(policy: Policy): void {
  if (policy.match.type !== 'off') return;
  policy.merge ??= defaultMerge();
  policy.tag ??= defaultTag();
  policy.antimatch = { type: 'false' };
  policy.antimatchText = 'false';
}
