/**
 * Snapshot helpers for the shell: the JSON of `GET /api/repos/:o/:r/maintainers` (spec §4.5, Go field
 * names) and the group names a config's matchers reference (to expand lazy team groups only when used).
 */
import type { Matcher } from '../dsl/ast.js';
import type { Snapshot } from '../types.js';

export interface SnapshotJson {
  People: Record<string, { name: string; email: string; login: string }>;
  Org: Record<string, { people: string[] }>;
}

/** `{"People": {login: {name,email,login}}, "Org": {group: {"people": [...]}}}`, members sorted. */
export function snapshotToJSON(snapshot: Snapshot): SnapshotJson {
  // Null-prototype records: a login or group named `__proto__` is an ordinary key.
  const People = Object.create(null) as SnapshotJson['People'];
  for (const [login, p] of snapshot.people) People[login] = { name: p.name, email: p.email, login: p.login };
  const Org = Object.create(null) as SnapshotJson['Org'];
  for (const [name, members] of snapshot.orgs) Org[name] = { people: [...members].sort() };
  return { People, Org };
}

/** Lower-case names used as entities or anonymous-group members anywhere in the matchers. */
export function referencedGroups(matchers: Iterable<Matcher>): Set<string> {
  const out = new Set<string>();
  const stack: Matcher[] = [...matchers];
  while (stack.length > 0) {
    const m = stack.pop() as Matcher;
    switch (m.type) {
      case 'entity':
        out.add(m.name.toLowerCase());
        break;
      case 'anonymous':
        for (const member of m.members) out.add(member.toLowerCase());
        break;
      case 'and':
      case 'or':
      case 'atleast':
        stack.push(...m.children);
        break;
      case 'not':
      case 'author':
        stack.push(m.child);
        break;
      default:
        break;
    }
  }
  return out;
}
