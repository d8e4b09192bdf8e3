/**
 * DSL lint warnings of every match expression of a parsed file, moved to their positions in the file.
 */
import { lintMatcher } from '../dsl/lint.js';
import type { ConfigWarning } from './types.js';
import type { Decoder } from './decode.js';
import type { HNode } from './hjson-parse.js';
import { columnIndex } from './policy.js';

const MATCH_KEYS = new Set(['match', 'antimatch', 'authormatch']);

/** Last entry whose key equals `key` ignoring case (the one the decoder used). */
function field(node: HNode, key: string): HNode | undefined {
  if (node.kind !== 'object') return undefined;
  let found: HNode | undefined;
  for (const e of node.entries) if (e.key.toLowerCase() === key) found = e.value;
  return found;
}

export function lintPolicies(d: Decoder, root: HNode): ConfigWarning[] {
  const approvals = field(root, 'approvals');
  if (approvals?.kind !== 'array') return [];
  const out: ConfigWarning[] = [];
  approvals.items.forEach((policy) => {
    if (policy.kind !== 'object') return;
    for (const entry of policy.entries) {
      const key = entry.key.toLowerCase();
      if (!MATCH_KEYS.has(key) || entry.value.kind !== 'string') continue;
      const text = entry.value.value;
      for (const w of lintMatcher(text)) {
        out.push({ message: `${key}: ${w.message}`, location: d.locInString(entry.value, columnIndex(text, w.column)) });
      }
    }
  });
  return out;
}
