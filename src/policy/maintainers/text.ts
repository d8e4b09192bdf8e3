/**
 * The `text` MAINTAINERS format (spec §4.2): one person or directive per line. Directives become groups
 * (lower-cased names) holding the directive line itself; `github-team repo-self [org]` adds the hidden
 * `_<org>` group and a team listing that `expandTeamListings` turns into one group per team.
 * The first error stops parsing, as in the original; errors carry file, line and column.
 */
import { PolicyError, type SourceLocation } from '../errors.js';
import { goTrimSpace, parseCollabDirective, parseOrgDirective, parsePersonLine, parseTeamDirective, REPO_SELF } from './directives.js';
import type { RawMaintainers, RepoContext } from './types.js';

/** Removes comments: a line starting with `#` is skipped; ` #` cuts the rest (then the line is trimmed). */
function stripComment(line: string): string {
  if (line === '' || line[0] === '#') return '';
  const hash = line.indexOf(' #');
  return hash >= 0 ? goTrimSpace(line.slice(0, hash)) : line;
}

export function emptyRaw(file: string): RawMaintainers {
  return { file, people: new Map(), peopleLocations: new Map(), orgs: new Map(), teamListings: [] };
}

/** Adds a one-member group; a name already taken is `Duplicate organization detected <name>`. */
export function addDirectiveGroup(raw: RawMaintainers, name: string, member: string, location: SourceLocation): void {
  const key = name.toLowerCase();
  if (raw.orgs.has(key)) throw new PolicyError(`Duplicate organization detected ${key}`, location);
  raw.orgs.set(key, { members: [member], location, memberLocations: [location] });
}

export function parseMaintainersText(text: string, file: string, repo: RepoContext): RawMaintainers {
  const raw = emptyRaw(file);
  const lines = text.split('\n');
  lines.forEach((physical, index) => {
    const line = stripComment(physical.endsWith('\r') ? physical.slice(0, -1) : physical);
    if (line === '') return;
    const location: SourceLocation = { file, line: index + 1, column: 1 };

    const org = parseOrgDirective(line);
    if (org !== undefined) {
      addDirectiveGroup(raw, org === REPO_SELF ? repo.owner : org, line, location);
      return;
    }
    const collab = parseCollabDirective(line);
    if (collab !== undefined) {
      const slug = collab === REPO_SELF ? `${repo.owner}/${repo.name}` : collab;
      addDirectiveGroup(raw, `${slug}-collaborators`, line, location);
      return;
    }
    const team = parseTeamDirective(line);
    if (team !== undefined) {
      if (team.team !== REPO_SELF) {
        addDirectiveGroup(raw, team.org === '' ? team.team : `${team.org}-${team.team}`, line, location);
        return;
      }
      if (team.org === '' && !repo.isOrg) {
        throw new PolicyError(`Cannot expand GitHub teams for user repository ${repo.owner}/${repo.name}`, location);
      }
      // The org's members are loaded eagerly so that its teams can be loaded lazily (spec §4.5.3).
      const eager = team.org === '' ? `github-org ${REPO_SELF}` : `github-org ${team.org}`;
      addDirectiveGroup(raw, `_${team.org}`, eager, location);
      raw.teamListings.push({ org: team.org, location });
      return;
    }
    const person = parsePersonLine(line);
    if (person === undefined) throw new PolicyError(`Unable to parse line: ${line}`, location);
    // Duplicate logins: the last line wins.
    raw.people.delete(person.login);
    raw.people.set(person.login, person);
    raw.peopleLocations.set(person.login, location);
  });
  return raw;
}
