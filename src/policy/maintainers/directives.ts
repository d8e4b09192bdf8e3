/**
 * The MAINTAINERS line grammar shared by all formats (spec §4.2): `github-org`, `github-collab`,
 * `github-team` directives and person lines. The patterns are the original's, run on RE2 (linear time,
 * Go's ASCII-only `\s`/`\S`), so hostile lines cannot make parsing slow.
 */
import { compileRegex } from '../regex.js';
import type { Person } from '../types.js';

/** The placeholder for "this repository" / "its owner". */
export const REPO_SELF = 'repo-self';

const ORG = compileRegex('^github-org (\\S+)');
const COLLAB = compileRegex('^github-collab (\\S+)');
const TEAM = compileRegex('^github-team (\\S+)\\s*(\\S*)');
const LOGIN = compileRegex('^\\S+$');
const LOGIN_META = compileRegex('(.+) <(.+)> \\(@(.+)\\)');
const LOGIN_EMAIL = compileRegex('(.+) <(.+)>');

/** `github-org X` → X, else undefined. */
export function parseOrgDirective(line: string): string | undefined {
  return ORG.exec(line)?.submatches[1];
}

/** `github-collab X` → X, else undefined. */
export function parseCollabDirective(line: string): string | undefined {
  return COLLAB.exec(line)?.submatches[1];
}

/** `github-team T [O]` → {team, org} (`org` `""` when absent), else undefined. */
export function parseTeamDirective(line: string): { team: string; org: string } | undefined {
  const m = TEAM.exec(line);
  return m ? { team: m.submatches[1], org: m.submatches[2] } : undefined;
}

/** Whether an entry is one of the three directives. */
export function isDirective(line: string): boolean {
  return ORG.test(line) || COLLAB.test(line) || TEAM.test(line);
}

/** Characters Go's `unicode.IsSpace` accepts (what `strings.TrimSpace` removes). */
function isGoSpace(code: number): boolean {
  return (
    (code >= 0x09 && code <= 0x0d) ||
    code === 0x20 ||
    code === 0x85 ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000
  );
}

/** Go `strings.TrimSpace` (JavaScript's trim differs: it removes U+FEFF and keeps U+0085). */
export function goTrimSpace(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isGoSpace(s.charCodeAt(start))) start++;
  while (end > start && isGoSpace(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/**
 * A person line, tried in the original order: a single token (login); `Name <email> (@login)`;
 * `login <email>` (the text before ` <` is the login, a quirk kept for compatibility). Undefined otherwise.
 */
export function parsePersonLine(line: string): Person | undefined {
  const trimmed = goTrimSpace(line);
  if (LOGIN.test(trimmed)) return { name: '', email: '', login: trimmed };
  const meta = LOGIN_META.exec(line);
  if (meta) {
    return {
      name: goTrimSpace(meta.submatches[1]),
      email: goTrimSpace(meta.submatches[2]),
      login: goTrimSpace(meta.submatches[3]),
    };
  }
  const email = LOGIN_EMAIL.exec(line);
  if (email) return { name: '', email: goTrimSpace(email.submatches[2]), login: goTrimSpace(email.submatches[1]) };
  return undefined;
}
