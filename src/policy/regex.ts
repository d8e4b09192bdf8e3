/**
 * User-supplied regular expressions (approval patterns, scope regexes, notification patterns).
 *
 * They are written in Go RE2 syntax (spec §6.3) and come from untrusted config files, so they run on
 * `re2js`: the same syntax and error texts as Go's `regexp`, and matching in linear time (no ReDoS).
 * JavaScript's own RegExp is never used for user patterns.
 */
import { RE2JS, RE2JSException } from 're2js';
import { PolicyError } from './errors.js';

/** One leftmost match (Go `FindStringSubmatch`). */
export interface RegexMatch {
  /** Text of the whole match. */
  match: string;
  /** UTF-16 index of the match in the input. */
  index: number;
  /** Named groups → matched text; `""` when the group did not participate. Null prototype. */
  groups: Record<string, string>;
  /** Group number → matched text (index 0 = whole match); `""` when the group did not participate. */
  submatches: string[];
}

export interface UserRegex {
  /** The pattern exactly as written. */
  readonly source: string;
  /** Index 0 is the whole match (`""`), then one entry per capturing group, `""` for unnamed groups. */
  readonly groupNames: readonly string[];
  /** Number of capturing groups (not counting the whole match). */
  readonly groupCount: number;
  /** Whether the pattern matches anywhere in `text` (Go `MatchString`: unanchored unless the pattern anchors). */
  test(text: string): boolean;
  /** The leftmost match with its groups, or null. */
  exec(text: string): RegexMatch | null;
  /** Whether the pattern has a capturing group with this name. */
  hasGroup(name: string): boolean;
  /** JSON form of a regex-valued field: the source as a JSON string. */
  toJSON(): string;
}

class Re2UserRegex implements UserRegex {
  readonly source: string;
  readonly groupNames: readonly string[];
  readonly groupCount: number;
  readonly #re: RE2JS;

  constructor(source: string, re: RE2JS) {
    this.source = source;
    this.#re = re;
    this.groupCount = re.groupCount();
    const names: string[] = new Array<string>(this.groupCount + 1).fill('');
    for (const [name, index] of Object.entries(re.namedGroups())) {
      if (index >= 1 && index <= this.groupCount) names[index] = name;
    }
    this.groupNames = Object.freeze(names);
  }

  test(text: string): boolean {
    return this.#re.matcher(text).find();
  }

  exec(text: string): RegexMatch | null {
    const m = this.#re.matcher(text);
    if (!m.find()) return null;
    const submatches: string[] = [];
    for (let i = 0; i <= this.groupCount; i++) submatches.push(m.group(i) ?? '');
    const groups = Object.create(null) as Record<string, string>;
    this.groupNames.forEach((name, i) => {
      // With duplicate names impossible in RE2, each name maps to exactly one group.
      if (i > 0 && name !== '') groups[name] = submatches[i];
    });
    return { match: submatches[0], index: m.start(0), groups, submatches };
  }

  hasGroup(name: string): boolean {
    return name !== '' && this.groupNames.includes(name);
  }

  toJSON(): string {
    return this.source;
  }
}

/**
 * Compiles a Go RE2 pattern. Errors are `PolicyError`s with Go's text, e.g.
 * ``error parsing regexp: missing closing ): `(` ``.
 */
export function compileRegex(source: string): UserRegex {
  if (typeof source !== 'string') {
    throw new PolicyError(`json: cannot unmarshal ${goJsonTypeName(source)} into Go value of type string`);
  }
  let re: RE2JS;
  try {
    // Flags 0: Go defaults (case-sensitive, `.` excludes newline, no look-behind, Perl classes ASCII-only).
    re = RE2JS.compile(source, 0);
  } catch (e) {
    if (e instanceof RE2JSException) throw new PolicyError(goRegexMessage(e));
    // re2js can only fail with its own exceptions, but a stack overflow on absurd input must not escape either.
    if (e instanceof RangeError) throw new PolicyError('error parsing regexp: expression too large');
    throw e;
  }
  return new Re2UserRegex(source, re);
}

/** Go prefixes every syntax error with `error parsing regexp: `; re2js already does, other errors do not. */
function goRegexMessage(e: Error): string {
  return e.message.startsWith('error parsing regexp: ') ? e.message : `error parsing regexp: ${e.message}`;
}

/** Compiles or passes through null/undefined (optional regex-valued fields such as `antipattern`). */
export function compileOptionalRegex(source: string | null | undefined): UserRegex | undefined {
  return source === null || source === undefined ? undefined : compileRegex(source);
}

/** Serialises a regex-valued field as JSON text: the source as a JSON string (no HTML escaping). */
export function regexToJSONText(re: UserRegex): string {
  return JSON.stringify(re.source);
}

/**
 * Decodes a regex-valued field from an already-parsed JSON value (must be a string).
 * Mirrors Go's decoder wording for a wrong type.
 */
export function regexFromJSONValue(value: unknown): UserRegex {
  if (typeof value !== 'string') {
    throw new PolicyError(`json: cannot unmarshal ${goJsonTypeName(value)} into Go value of type string`);
  }
  return compileRegex(value);
}

/** Decodes a regex-valued field from JSON text (e.g. `"abc"`). */
export function regexFromJSONText(text: string): UserRegex {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PolicyError('invalid character in JSON regular expression value');
  }
  return regexFromJSONValue(value);
}

/** Go encoding/json's name for a JSON value's type, as used in unmarshal errors. */
export function goJsonTypeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'object';
    default:
      return typeof value;
  }
}
