/**
 * A small JSON-schema walker that reports problems in GitHub's "Invalid request." wording
 * (family 1 of the spec §1.5). Hand-written so the messages match what GitHub prints, and so the
 * status-dependent rules the Octokit copy of the description lost can be layered on top.
 */

export type Schema =
  | { type: 'string'; maxLength?: number; enum?: readonly string[]; format?: 'date-time' }
  | { type: 'integer' }
  | { type: 'boolean' }
  | { type: 'object'; properties: Record<string, Schema>; required?: readonly string[] }
  | { type: 'array'; items: Schema; maxItems?: number };

/** Ruby-flavoured rendering of a supplied value, as GitHub's messages show it (null is `nil`). */
function show(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks `value` against `schema` and returns one line per problem (empty when valid).
 * `where` is the schema path GitHub quotes (`properties/status`, `items`).
 */
const at = (w: string) => (w === '' ? '' : `For '${w}', `);

export function checkSchema(schema: Schema, value: unknown, where = ''): string[] {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return [`${at(where)}${show(value)} is not a string.`];
      if (schema.enum && !schema.enum.includes(value)) {
        const members = schema.enum.map((m) => JSON.stringify(m)).join(', ');
        return [`${at(where)}${show(value)} is not a member of [${members}].`];
      }
      if (schema.maxLength !== undefined && value.length > schema.maxLength) {
        return [`Only ${schema.maxLength} characters are allowed; ${value.length} were supplied.`];
      }
      if (schema.format === 'date-time' && (!DATE_TIME.test(value) || Number.isNaN(Date.parse(value)))) {
        return [`${at(where)}${show(value)} is not a valid date-time.`];
      }
      return [];
    }
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at(where)}${show(value)} is not an integer.`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at(where)}${show(value)} is not a boolean.`];
    case 'array': {
      if (!Array.isArray(value)) return [`${at(where)}${show(value)} is not an array.`];
      if (schema.maxItems !== undefined && value.length > schema.maxItems) {
        return [`No more than ${schema.maxItems} items are allowed; ${value.length} were supplied.`];
      }
      return value.flatMap((item) => checkSchema(schema.items, item, 'items'));
    }
    case 'object': {
      if (!isPlainObject(value)) return [`${at(where)}${show(value)} is not ${article('object')}.`];
      const lines: string[] = [];
      // GitHub lists missing keys alphabetically ("annotation_level", "path" weren't supplied).
      const missing = (schema.required ?? []).filter((key) => !Object.hasOwn(value, key)).sort();
      if (missing.length === 1) lines.push(`"${missing[0]}" wasn't supplied.`);
      if (missing.length > 1) lines.push(`${missing.map((k) => `"${k}"`).join(', ')} weren't supplied.`);
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (!Object.hasOwn(value, key)) continue;
        lines.push(...checkSchema(sub, value[key], `properties/${key}`));
      }
      return lines;
    }
  }
}
