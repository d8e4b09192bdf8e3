/**
 * Legacy `.lgtm` files (TOML, spec §2.7) and their conversion to `.checks-out` text. Keys: `approvals`
 * (integer), `pattern` (regex), `self_approval_off` (bool); missing keys take the environment defaults, other
 * keys are ignored. Wrong value types are errors (the original panicked).
 */
import { parse as parseToml, TomlError } from 'smol-toml';
import { PolicyError } from '../errors.js';
import { compileRegex } from '../regex.js';
import { DEFAULT_AUTHORMATCH_TEXT, DEFAULT_MATCH_TEXT, defaultAuthorMatch, defaultMatch, emptyScope } from './defaults.js';
import { configToHjson } from './encode-config.js';
import { defaultConfig } from './parse.js';
import { serializeMatcher } from '../dsl/serialize.js';
import type { Matcher } from '../dsl/ast.js';
import { DEFAULT_LEGACY_APPROVALS, DEFAULT_LEGACY_PATTERN, type Config, type LegacyOptions } from './types.js';

const LEGACY_FILE = '.lgtm';

/** Line of `key = …` in the file, for error locations (TOML values carry no positions). */
function keyLocation(text: string, key: string, file: string): { file: string; line?: number; column?: number } {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)["']?([A-Za-z0-9_-]+)["']?\s*=/.exec(lines[i]);
    if (m !== null && m[2] === key) return { file, line: i + 1, column: m[1].length + 1 };
  }
  return { file };
}

function typeName(v: unknown): string {
  if (typeof v === 'bigint') return 'integer';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  return v instanceof Date || (typeof v === 'object' && v !== null && 'toISOString' in v) ? 'datetime' : 'table';
}

function readToml(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text, { integersAsBigInt: true, unsafeKeyBehaviour: 'drop', maxDepth: 64 }) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw new PolicyError(e.message, { file, line: e.line, column: e.column });
    // smol-toml signals every syntax problem with TomlError; anything else (stack exhaustion) is still bad input.
    if (e instanceof RangeError) throw new PolicyError('TOML document nested too deeply', { file });
    throw e;
  }
}

/** Parses a legacy `.lgtm` file into the equivalent configuration (`isOld` set). */
export function parseLegacyConfig(text: string, options: LegacyOptions = {}): Config {
  const file = options.file ?? LEGACY_FILE;
  const doc = readToml(text, file);
  const has = (key: string): boolean => Object.prototype.hasOwnProperty.call(doc, key);
  const bad = (key: string, expected: string): PolicyError =>
    new PolicyError(`${key} in ${LEGACY_FILE} must be ${expected}, found ${typeName(doc[key])}`, keyLocation(text, key, file));

  let approvals = options.approvals ?? DEFAULT_LEGACY_APPROVALS;
  if (has('approvals')) {
    const v = doc.approvals;
    if (typeof v !== 'bigint') throw bad('approvals', 'an integer');
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) throw bad('approvals', 'a smaller integer');
    approvals = Number(v);
  }
  let selfOff = options.selfApprovalOff ?? false;
  if (has('self_approval_off')) {
    if (typeof doc.self_approval_off !== 'boolean') throw bad('self_approval_off', 'a boolean');
    selfOff = doc.self_approval_off as boolean;
  }
  let patternText = options.pattern ?? DEFAULT_LEGACY_PATTERN;
  let patternWhere: { file: string; line?: number; column?: number } = { file };
  if (has('pattern')) {
    if (typeof doc.pattern !== 'string') throw bad('pattern', 'a string');
    patternText = doc.pattern as string;
    patternWhere = keyLocation(text, 'pattern', file);
  }
  let pattern;
  try {
    pattern = compileRegex(patternText);
  } catch (e) {
    if (e instanceof PolicyError) throw new PolicyError(e.message, patternWhere);
    throw e;
  }

  const config = defaultConfig(patternText);
  config.pattern = pattern;
  const match: Matcher = { type: 'all', count: approvals, self: !selfOff };
  config.approvals = [{
    name: '',
    position: 1,
    scope: emptyScope(),
    match,
    antimatch: defaultMatch(),
    authormatch: defaultAuthorMatch(),
    matchText: serializeMatcher(match),
    antimatchText: DEFAULT_MATCH_TEXT,
    authormatchText: DEFAULT_AUTHORMATCH_TEXT,
  }];
  config.tag = { enable: false, algorithm: '', template: '', increment: 'patch', docker: false };
  config.deploy = { enable: false, path: '' };
  config.maintainers = { path: 'MAINTAINERS', type: 'legacy' };
  config.isOld = true;
  return config;
}

/**
 * The `.checks-out` text served by the conversion endpoints: the legacy config without the policy's scope,
 * antimatch and authormatch and without the maintainers section, HJSON-encoded with empty structs omitted.
 */
export function lgtmToChecksOut(text: string, options: LegacyOptions = {}): string {
  const config = parseLegacyConfig(text, options);
  return configToHjson(config, { dropPolicyScopeAndLimits: true, dropMaintainers: true });
}
