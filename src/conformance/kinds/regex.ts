/** Conformance kind `regex` (README §4.7): matching, group names, JSON (de)serialisation of regex fields. */
import { compileRegex, regexFromJSONValue, regexToJSONText } from '../../policy/regex.js';
import { PolicyError } from '../../policy/errors.js';
import { SkipVector, type KindAdapter } from '../kind.js';
import { str } from './_input.js';

function deserialize(json: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    throw new PolicyError('invalid JSON document');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc) || !Object.hasOwn(doc, 'pattern')) {
    throw new PolicyError('JSON document has no "pattern" member');
  }
  return { pattern_source: regexFromJSONValue((doc as Record<string, unknown>).pattern).source };
}

export const adapter: KindAdapter = {
  normative: ['matches', 'full_match', 'version', 'comment', 'names', 'group_count', 'json', 'pattern_source'],
  run(input) {
    if (input.operation === 'deserialize') return deserialize(str(input.json));
    if (typeof input.pattern !== 'string') throw new SkipVector('input has no pattern');
    const re = compileRegex(input.pattern);
    if (input.operation === 'serialize') return { json: regexToJSONText(re) };
    if (input.operation !== undefined) throw new SkipVector(`unknown operation ${JSON.stringify(input.operation)}`);
    if (input.query === 'subexpression names') return { names: [...re.groupNames], group_count: re.groupCount };
    if (input.query !== undefined) throw new SkipVector(`unknown query ${JSON.stringify(input.query)}`);
    if (typeof input.text !== 'string') throw new SkipVector('input has no text');
    const m = re.exec(input.text);
    if (m === null) return { matches: false };
    return { matches: true, full_match: m.match, version: m.groups.version ?? '', comment: m.groups.comment ?? '' };
  },
};
