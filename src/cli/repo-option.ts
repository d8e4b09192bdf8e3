/**
 * The repository context shared by `validate` and `simulate`: which repository the files belong to matters
 * only for MAINTAINERS directives that say `repo-self` (spec §4.2, §4.5).
 */
import type { OptionSpec } from './args.js';
import { UsageError } from './args.js';
import type { RepoContext } from '../policy/index.js';
import { DEFAULT_REPO } from './repository.js';

export const repoOptionSpec: Record<string, OptionSpec> = {
  repo: { type: 'string' },
  'user-owned': { type: 'boolean' },
  'enabling-user': { type: 'string' },
};

export const repoOptionUsage = `  --repo OWNER/NAME       the repository the files belong to, for repo-self directives (default ${DEFAULT_REPO.owner}/${DEFAULT_REPO.name})
  --user-owned            the repository belongs to a user account, not an organisation
  --enabling-user LOGIN   who enabled the repository (default: the owner)`;

const SEGMENT = /^[A-Za-z0-9_.-]+$/;

export function repoFromOptions(options: Record<string, string | boolean | string[] | undefined>): RepoContext {
  const slug = options.repo as string | undefined;
  const userOwned = options['user-owned'] === true;
  const enabling = options['enabling-user'] as string | undefined;
  if (slug === undefined && !userOwned && enabling === undefined) return DEFAULT_REPO;
  let owner = DEFAULT_REPO.owner;
  let name = DEFAULT_REPO.name;
  if (slug !== undefined) {
    const parts = slug.split('/');
    if (parts.length !== 2 || !parts.every((p) => SEGMENT.test(p))) throw new UsageError(`--repo must be OWNER/NAME, not '${slug}'`);
    [owner, name] = parts;
  }
  if (enabling !== undefined && !SEGMENT.test(enabling)) throw new UsageError(`--enabling-user must be a login, not '${enabling}'`);
  return { owner, name, isOrg: !userOwned, enablingUser: enabling ?? owner };
}
