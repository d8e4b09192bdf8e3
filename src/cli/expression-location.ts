/**
 * Where a DSL expression of a policy sits in the `.checks-out` file, so that errors found after parsing
 * (validation against MAINTAINERS, which only knows the column inside the expression) are reported at
 * `file:line:col` like every other error.
 */
import { parseHjson, type HjsonDocument, type HNode, type SourceLocation } from '../policy/index.js';

export type ExpressionField = 'match' | 'antimatch' | 'authormatch';

export class ExpressionLocator {
  private readonly doc: HjsonDocument | undefined;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    try {
      this.doc = parseHjson(text, file);
    } catch {
      // The config parsed before this is used; if it somehow does not, errors keep the policy position.
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
    // Later duplicate keys win in HJSON, so the last `approvals` / field entry is the one in effect.
    const approvals = [...root.entries].reverse().find((e) => e.key === 'approvals')?.value;
    if (approvals?.kind !== 'array') return undefined;
    const policy = approvals.items[position - 1];
    if (policy?.kind !== 'object') return undefined;
    const value = [...policy.entries].reverse().find((e) => e.key === field)?.value;
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
