/**
 * Warnings for expressions whose precedence-free, right-nested reading (spec §3.2) probably differs from what
 * the author meant. They do not change the meaning; each says how the text is read.
 */
import type { Span } from './ast.js';
import { parseSyntax } from './parser.js';
import type { Syntax } from './syntax.js';

export interface LintWarning {
  message: string;
  /** 1-based character column inside the expression. */
  column: number;
  span: Span;
}

/**
 * Lints an expression. Text that does not parse gives no warnings (parseMatcher reports the error).
 * Warned: `a and b or c` (read as `a and (b or c)`, not `(a and b) or c`) and `not a and b` / `not a or b`
 * (read as `not (a and b)`).
 */
export function lintMatcher(text: string): LintWarning[] {
  let tree: Syntax;
  try {
    tree = parseSyntax(text);
  } catch {
    return [];
  }
  return lintSyntax(tree, text);
}

export function lintSyntax(tree: Syntax, text: string): LintWarning[] {
  const chars = Array.from(text);
  const src = (s: Span): string => chars.slice(s.start - 1, s.end - 1).join('');
  const warnings: LintWarning[] = [];
  const warn = (message: string, span: Span): void => {
    warnings.push({ message, column: span.start, span });
  };
  const visit = (n: Syntax): void => {
    switch (n.kind) {
      case 'binary':
        if (n.op === 'and' && n.right.kind === 'binary' && n.right.op === 'or') {
          warn(
            `'${src(n.span)}' is read as '${src(n.left.span)} and (${src(n.right.span)})': ` +
              `'and' and 'or' have no precedence and group to the right; add parentheses to say which is meant`,
            n.span,
          );
        }
        visit(n.left);
        visit(n.right);
        return;
      case 'not':
        if (n.child.kind === 'binary') {
          warn(
            `'${src(n.span)}' is read as 'not (${src(n.child.span)})': 'not' applies to everything after it; ` +
              `write '(not ${src(n.child.left.span)}) ${n.child.op} ...' if only the first operand is negated`,
            n.span,
          );
        }
        visit(n.child);
        return;
      case 'group':
        visit(n.inner);
        return;
      case 'call':
        n.args.forEach(visit);
        return;
      case 'noun':
      case 'anonymous':
        return;
    }
  };
  visit(tree);
  return warnings;
}
