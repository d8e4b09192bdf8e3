/**
 * Canonical serialisation of a matcher (spec §3.4, conformance README §4.1). It prints the original's text
 * but parenthesises a left operand that is itself `and`/`or`/`not`, so re-parsing keeps the meaning.
 */
import type { Matcher } from './ast.js';

function leafAttrs(m: { count: number; self: boolean }): string {
  return `[count=${m.count},self=${m.self}]`;
}

/** JavaScript's default sort (UTF-16 code units), as the conformance contract specifies. */
function sortedMembers(members: readonly string[]): string[] {
  return [...members].sort();
}

export function serializeMatcher(m: Matcher): string {
  return serializeNode(m, serializeMatcher);
}

/**
 * One node's canonical text given a way to get its children's texts, so that callers needing the text of
 * every node (the evaluation trace) can reuse the children's instead of re-serialising each subtree.
 */
export function serializeNode(m: Matcher, child: (m: Matcher) => string): string {
  switch (m.type) {
    case 'all':
    case 'universe':
    case 'us':
    case 'them':
      return m.type + leafAttrs(m);
    case 'entity':
      return m.name + leafAttrs(m);
    case 'anonymous':
      return `{${sortedMembers(m.members).join(',')}}${leafAttrs(m)}`;
    case 'true':
    case 'false':
    case 'off':
    case 'issue-author':
      return m.type;
    case 'not':
      return `not ${child(m.child)}`;
    case 'and':
    case 'or': {
      const [left, right] = m.children;
      const l = child(left);
      const wrapped = left.type === 'and' || left.type === 'or' || left.type === 'not' ? `(${l})` : l;
      return `${wrapped} ${m.type} ${child(right)}`;
    }
    case 'atleast':
      return `atleast(${m.count},${m.children.map(child).join(',')})`;
    case 'author':
      return `author(${child(m.child)})`;
  }
}

/** The matcher without `span` fields, e.g. for comparing or rendering as JSON. */
export function stripSpans(m: Matcher): Matcher {
  switch (m.type) {
    case 'and':
    case 'or':
      return { type: m.type, children: [stripSpans(m.children[0]), stripSpans(m.children[1])] };
    case 'not':
    case 'author':
      return { type: m.type, child: stripSpans(m.child) };
    case 'atleast':
      return { type: 'atleast', count: m.count, children: m.children.map(stripSpans) };
    default: {
      const copy = { ...m };
      delete copy.span;
      return copy;
    }
  }
}
