/**
 * The environment values the engine takes as parameters (spec §1), read for the CLI the way the service
 * reads them. A malformed value is an InputError (exit 2), never silently replaced by the default.
 */
import type { LegacyOptions } from '../policy/index.js';
import { InputError } from './files.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Go's strconv.ParseBool, which the original used for boolean variables. */
function parseBool(name: string, value: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(value)) return false;
  throw new InputError(`environment variable ${name}: ${JSON.stringify(value)} is not a boolean`);
}

function parseInteger(name: string, value: string): number {
  if (!/^[+-]?\d+$/.test(value.trim()) || !Number.isSafeInteger(Number(value))) {
    throw new InputError(`environment variable ${name}: ${JSON.stringify(value)} is not an integer`);
  }
  return Number(value);
}

function present(env: Env, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/** `DEFAULT_PATTERN`, when set. */
export function defaultPatternFromEnv(env: Env): string | undefined {
  return present(env, 'DEFAULT_PATTERN');
}

/** `BRANDING_SHORT_NAME` (default `checks-out`). */
export function brandingShortFromEnv(env: Env): string {
  return present(env, 'BRANDING_SHORT_NAME') ?? 'checks-out';
}

/** Options of legacy `.lgtm` parsing (§2.7) from `CHECKS_OUT_*`. */
export function legacyOptionsFromEnv(env: Env, file = '.lgtm'): LegacyOptions {
  const options: LegacyOptions = { file };
  const approvals = present(env, 'CHECKS_OUT_APPROVALS');
  if (approvals !== undefined) options.approvals = parseInteger('CHECKS_OUT_APPROVALS', approvals);
  const pattern = present(env, 'CHECKS_OUT_PATTERN');
  if (pattern !== undefined) options.pattern = pattern;
  const selfOff = present(env, 'CHECKS_OUT_SELF_APPROVAL_OFF');
  if (selfOff !== undefined) options.selfApprovalOff = parseBool('CHECKS_OUT_SELF_APPROVAL_OFF', selfOff);
  const defaultPattern = defaultPatternFromEnv(env);
  if (defaultPattern !== undefined) options.defaultPattern = defaultPattern;
  return options;
}
