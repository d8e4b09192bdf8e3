/**
 * Choosing the version of the tag created after a merge (spec §9) and the merge commit message (§8 step 5).
 * Pure: the caller passes the clock, the repository's tags and the approval items that counted.
 */
import { PolicyError } from '../errors.js';
import type { UserRegex } from '../regex.js';
import type { Person } from '../types.js';
import { compareGoVersions, formatGoVersion, maxGoVersion, parseGoVersion, ZERO_VERSION, type GoVersion } from './go-version.js';

export type Increment = 'major' | 'minor' | 'patch' | 'none';

export interface VersionInput {
  /** `tag.algorithm`: `semver`, `timestamp-rfc3339`, `timestamp-millis`, `explicit`; anything else acts as semver. */
  algorithm: string;
  /** `tag.increment`. */
  increment: Increment | string;
  /** The clock (ms since epoch), used by the timestamp algorithms. */
  now: number;
  /** Tag names of the repository; `null` when listing them failed (the original then starts from 0.0.0). */
  existingTags: readonly string[] | null;
  /** `version` group values of the counted approval comments, oldest first (`""` where absent). */
  approvalVersions: readonly string[];
}

export interface VersionChoice {
  /** The version to render into the tag template; null = no tag (explicit algorithm without a version). */
  version: string | null;
  /** Which rule produced it, for explanations. */
  rule: 'timestamp-rfc3339' | 'timestamp-millis' | 'explicit' | 'semver-comment' | 'semver-increment' | 'explicit-none';
  /** Greatest parseable existing tag (semver only). */
  maxExistingTag?: string;
  /** Greatest parseable approval version (semver only). */
  maxVersionComment?: string;
}

export function nextVersion(input: VersionInput): VersionChoice {
  const algorithm = input.algorithm;
  if (algorithm === 'timestamp-millis') {
    // Milliseconds as documented (the original emitted seconds).
    return { version: String(checkedClock(input.now)), rule: 'timestamp-millis' };
  }
  if (algorithm.startsWith('timestamp')) {
    return { version: rfc3339Dots(input.now), rule: 'timestamp-rfc3339' };
  }
  if (algorithm === 'explicit') {
    const v = lastNonEmpty(input.approvalVersions);
    return v === '' ? { version: null, rule: 'explicit-none' } : { version: v, rule: 'explicit' };
  }
  return semverChoice(input.existingTags ?? [], input.approvalVersions, input.increment);
}

function checkedClock(now: number): number {
  if (!Number.isFinite(now)) throw new PolicyError('invalid clock value');
  return Math.trunc(now);
}

/** `YYYY-MM-DDTHH.MM.SSZ` in UTC, no fractional seconds (colons are not allowed in tag names everywhere). */
export function rfc3339Dots(now: number): string {
  const d = new Date(checkedClock(now));
  if (Number.isNaN(d.getTime())) throw new PolicyError('invalid clock value');
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}.${pad(d.getUTCMinutes())}.${pad(d.getUTCSeconds())}Z`
  );
}

/** The semver rule: a greater approval version wins as written (canonicalised), else increment the tag max. */
export function semverChoice(existingTags: readonly string[], approvalVersions: readonly string[], increment: string): VersionChoice {
  const tagMax = maxGoVersion(existingTags);
  const commentMax = maxGoVersion(approvalVersions.filter((v) => v !== ''));
  const base = { maxExistingTag: formatGoVersion(tagMax), maxVersionComment: formatGoVersion(commentMax) };
  if (compareGoVersions(commentMax, tagMax) > 0) {
    return { version: formatGoVersion(commentMax), rule: 'semver-comment', ...base };
  }
  return { version: incrementVersion(tagMax, increment), rule: 'semver-increment', ...base };
}

/** `x.y.z` from the first three segments with the increment applied; pre-release and extra segments dropped. */
export function incrementVersion(v: GoVersion, increment: string): string {
  let [major, minor, patch] = v.segments;
  switch (increment) {
    case 'major':
      major += 1n;
      minor = 0n;
      patch = 0n;
      break;
    case 'minor':
      minor += 1n;
      patch = 0n;
      break;
    case 'none':
      break;
    default: // `patch` and anything unexpected
      patch += 1n;
  }
  return `${major}.${minor}.${patch}`;
}

/** Parses a version as the original does; exposed for callers that display versions. */
export function canonicalVersion(text: string): string | null {
  const v = parseGoVersion(text);
  return v === null ? null : formatGoVersion(v);
}

export { ZERO_VERSION };

function lastNonEmpty(values: readonly string[]): string {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== '') return values[i];
  return '';
}

/** The `explicit` algorithm's version: the last non-empty `version` value, `""` when none. */
export function lastVersionComment(approvalVersions: readonly string[]): string {
  return lastNonEmpty(approvalVersions);
}

/** The comment heading the merge commit message: the last non-empty `comment` value, `""` when none. */
export function commitComment(approvalComments: readonly string[]): string {
  return lastNonEmpty(approvalComments);
}

export interface ApprovalGroups {
  /** `version` group per item (`""` when the pattern has no such group or it did not participate). */
  versions: string[];
  /** `comment` group per item. */
  comments: string[];
}

/**
 * Extracts the `version` and `comment` groups of counted approval items with the effective pattern.
 * Reviews carry no text that counts (their body may still hold a version clause; the original read it too).
 */
export function approvalGroups(pattern: UserRegex, bodies: readonly (string | undefined)[]): ApprovalGroups {
  const wantVersion = pattern.hasGroup('version');
  const wantComment = pattern.hasGroup('comment');
  const versions: string[] = [];
  const comments: string[] = [];
  for (const body of bodies) {
    const m = wantVersion || wantComment ? pattern.exec(body ?? '') : null;
    versions.push(wantVersion && m !== null ? (m.groups.version ?? '') : '');
    comments.push(wantComment && m !== null ? (m.groups.comment ?? '') : '');
  }
  return { versions, comments };
}

/**
 * The merge commit message (§8 step 5): optional comment line, `Merged by <SHORT>`, then one line per
 * approver sorted by login: `<Name>[ <email>] (@<login>)` from the maintainer record (non-maintainers: ` (@login)`).
 */
export function mergeCommitMessage(input: {
  comment: string;
  approvers: Iterable<string>;
  people: ReadonlyMap<string, Person>;
  brandingShort?: string;
}): string {
  let msg = input.comment !== '' ? `${input.comment}\n` : '';
  msg += `Merged by ${input.brandingShort ?? 'checks-out'}\n`;
  const approvers = [...new Set(input.approvers)].sort();
  if (approvers.length > 0) {
    msg += 'Approved by:\n';
    for (const login of approvers) {
      const person = input.people.get(login.toLowerCase());
      let line = person?.name ?? '';
      if (person !== undefined && person.email !== '') line += ` <${person.email}>`;
      msg += `${line} (@${person?.login || login})\n`;
    }
  }
  return msg;
}
