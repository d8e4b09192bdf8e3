/**
 * Validation of a compiled matcher against a maintainers snapshot (spec §3.7). All problems are returned,
 * in tree order, each located at the node's column when the matcher came from text.
 */
import { PolicyError } from '../errors.js';
import type { Snapshot } from '../types.js';
import type { Matcher } from './ast.js';

export function validateMatcher(m: Matcher, snapshot: Snapshot): PolicyError[] {
  const errors: PolicyError[] = [];
  const report = (message: string, node: Matcher): void => {
    errors.push(new PolicyError(message, node.span === undefined ? {} : { column: node.span.start }));
  };
  const known = (name: string): boolean => snapshot.orgs.has(name) || snapshot.people.has(name);
  const visit = (n: Matcher): void => {
    switch (n.type) {
      case 'all':
      case 'universe':
      case 'us':
      case 'them':
        if (n.count <= 0) report('approval count must be positive', n);
        return;
      case 'entity':
        if (n.count <= 0) report('approval count must be positive', n);
        if (!known(n.name)) report(`${n.name} must be either org or person`, n);
        return;
      case 'anonymous':
        if (n.count <= 0) report('approval count must be positive', n);
        for (const member of n.members) if (!known(member)) report(`${member} must be either org or person`, n);
        return;
      case 'true':
      case 'false':
      case 'off':
      case 'issue-author':
        return;
      case 'and':
      case 'or':
        n.children.forEach(visit);
        return;
      case 'not':
      case 'author':
        visit(n.child);
        return;
      case 'atleast':
        if (n.count <= 0) report('approval count must be positive', n);
        n.children.forEach(visit);
        return;
    }
  };
  visit(m);
  return errors;
}
