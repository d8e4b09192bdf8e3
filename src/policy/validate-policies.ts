/**
 * §3.7 for a whole configuration: every policy's `match`, `antimatch` and `authormatch` validated against
 * the MAINTAINERS snapshot, each error placed at its exact line and column in the `.checks-out` file (the
 * validator only knows the column inside the expression; the located HJSON tree knows where the string is).
 * Shared by `checks-out validate` and the service's check-run annotations.
 */
import { parseHjson, type Config, type HjsonDocument, type HNode, type Policy } from './config/index.js';
import { validateMatcher } from './dsl/index.js';
import { PolicyError, type SourceLocation } from './errors.js';
import type { Snapshot } from './types.js';

export type ExpressionField = 'match' | 'antimatch' | 'authormatch';
export const EXPRESSION_FIELDS: readonly ExpressionField[] = ['match', 'antimatch', 'authormatch'];

export class ExpressionLocator {
  private readonly doc: HjsonDocument | undefined;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    try {
      this.doc = parseHjson(text, file);
    } catch {
      // Only used on text that already parsed; if it somehow does not, errors keep the policy position.
      this.doc = undefined;
    }
  }

  /**
   * The file position of 1-based character `column` inside `field` of policy `position` (1-based), or the
   * start of the string when the column is unknown; `fallback` when the field is not in the file (default).
   */
  locate(position: number, field: ExpressionField, column: number | undefined, fallback: SourceLocation = {}): SourceLocation {
    const node = this.stringNode(position, field);
    if (!node || !this.doc) return { file: this.file, ...fallback };
    const index = codePointIndex(node.value, column);
    const offset = index < node.offsets.length ? node.offsets[index] : node.pos.offset;
    const pos = this.doc.position(offset);
    return { file: this.file, line: pos.line, column: pos.column };
  }

  private stringNode(position: number, field: ExpressionField): Extract<HNode, { kind: 'string' }> | undefined {
    const root = this.doc?.root;
    if (root?.kind !== 'object') return undefined;
    // Keys are case-insensitive and later duplicates win, so the last matching entry is the one in effect.
    const approvals = [...root.entries].reverse().find((e) => e.key.toLowerCase() === 'approvals')?.value;
    if (approvals?.kind !== 'array') return undefined;
    const policy = approvals.items[position - 1];
    if (policy?.kind !== 'object') return undefined;
    const value = [...policy.entries].reverse().find((e) => e.key.toLowerCase() === field)?.value;
    return value?.kind === 'string' ? value : undefined;
  }
}

/** 1-based code-point column → UTF-16 index into `text` (0 when unknown). */
function codePointIndex(text: string, column: number | undefined): number {
  if (column === undefined || column < 1) return 0;
  let index = 0;
  for (let c = 1; c < column && index < text.length; c++) {
    const code = text.charCodeAt(index);
    index += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
  }
  return index;
}

export function policyLabel(policy: Pick<Policy, 'name' | 'position'>): string {
  return policy.name === '' ? `policy ${policy.position}` : `policy ${policy.position} (${policy.name})`;
}

/**
 * Validates every expression of every policy against the snapshot. `configText` (the `.checks-out` text the
 * config was parsed from) places each error in the file; without it (a legacy `.lgtm`) errors carry the
 * policy's own location.
 */
export function validatePolicies(config: Config, snapshot: Snapshot, configText: string | undefined, file: string): PolicyError[] {
  const locator = configText === undefined ? undefined : new ExpressionLocator(configText, file);
  const out: PolicyError[] = [];
  for (const policy of config.approvals) {
    for (const field of EXPRESSION_FIELDS) {
      for (const e of validateMatcher(policy[field], snapshot)) {
        const where = locator
          ? locator.locate(policy.position, field, e.location.column, policy.location)
          : { file, ...policy.location };
        out.push(new PolicyError(`${policyLabel(policy)} ${field}: ${e.message}`, where));
      }
    }
  }
  return out;
}
