/**
 * Loads what the service would load for a repository, from local files: the configuration (`.checks-out`,
 * or a legacy `.lgtm`), the MAINTAINERS file expanded into a snapshot (GitHub memberships from a `--members`
 * file), and every policy's expressions validated against that snapshot (spec §2, §3.7, §4). Problems in
 * the files are diagnostics; a file that cannot be read at all is an InputError.
 */
import { basename, dirname, join } from 'node:path';
import {
  buildSnapshot, isPolicyError, parseConfig, parseDeployments, parseLegacyConfig, parseMaintainers, parseMembersFile, referencedGroups,
  type Config, type Membership, type RepoContext, type Snapshot,
} from '../policy/index.js';
import { diagnostic, fromPolicyError, type Diagnostic } from './diagnostics.js';
import { defaultPatternFromEnv, legacyOptionsFromEnv } from './env.js';
import { EXPRESSION_FIELDS, validatePolicies } from '../policy/validate-policies.js';
import { exists, InputError, readInput } from './files.js';

export interface RepositoryOptions {
  config?: string;
  maintainers?: string;
  members?: string;
  /** The repository the files belong to (for `repo-self` directives); default `local/repository`, an org. */
  repo?: RepoContext;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RepositoryCheck {
  files: { config: string; maintainers?: string; members?: string };
  /** Present when the configuration parsed. */
  config?: Config;
  /** Present when MAINTAINERS parsed and expanded. */
  snapshot?: Snapshot;
  diagnostics: Diagnostic[];
}

export const DEFAULT_REPO: RepoContext = { owner: 'local', name: 'repository', isOrg: true, enablingUser: 'local' };

/** Picks the configuration file: the one given, else `.checks-out`, else `.lgtm` in the current directory. */
async function configPath(given: string | undefined): Promise<string> {
  if (given !== undefined) return given;
  if (await exists('.checks-out')) return '.checks-out';
  if (await exists('.lgtm')) return '.lgtm';
  throw new InputError(`no .checks-out or .lgtm file in ${process.cwd()} (use --config F)`);
}

export async function checkRepository(options: RepositoryOptions): Promise<RepositoryCheck> {
  const env = options.env ?? process.env;
  const repo = options.repo ?? DEFAULT_REPO;
  const configFile = await configPath(options.config);
  const configText = await readInput(configFile);
  // Read the members file before parsing anything, so an unusable one is reported as such (exit 2).
  const membership = options.members === undefined ? emptyMembership() : await loadMembers(options.members);

  const diagnostics: Diagnostic[] = [];
  const legacy = basename(configFile).endsWith('.lgtm');
  let config: Config | undefined;
  try {
    if (legacy) {
      config = parseLegacyConfig(configText, legacyOptionsFromEnv(env, configFile));
      diagnostics.push(diagnostic('warning', 'legacy .lgtm file: convert it with `checks-out convert`', {}, configFile));
    } else {
      const parsed = parseConfig(configText, { file: configFile, defaultPattern: defaultPatternFromEnv(env) });
      config = parsed.config;
      for (const w of parsed.warnings) diagnostics.push(diagnostic('warning', w.message, w.location, configFile));
    }
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    diagnostics.push(...fromPolicyError(e, configFile));
  }

  // maintainers.path is relative to the repository root, i.e. the directory of the configuration file.
  const maintainersFile = options.maintainers ?? join(dirname(configFile), config?.maintainers.path ?? 'MAINTAINERS');
  const maintainersText = await readInput(maintainersFile);
  const format = config?.maintainers.type ?? 'text';
  let snapshot: Snapshot | undefined;
  try {
    const raw = parseMaintainers(maintainersText, format, { file: maintainersFile, repo });
    snapshot = buildSnapshot(raw, repo, membership, config ? { groups: referencedGroups(config.approvals.flatMap((p) => EXPRESSION_FIELDS.map((f) => p[f]))) } : {});
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    diagnostics.push(...fromPolicyError(e, maintainersFile));
  }

  if (config?.deploy.enable) diagnostics.push(...(await checkDeployments(join(dirname(configFile), config.deploy.path))));
  if (config && snapshot) {
    for (const e of validatePolicies(config, snapshot, configFile)) diagnostics.push(diagnostic('error', e.message, e.location));
  }

  return {
    files: { config: configFile, maintainers: maintainersFile, ...(options.members !== undefined ? { members: options.members } : {}) },
    config,
    snapshot,
    diagnostics,
  };
}

async function loadMembers(path: string): Promise<Membership> {
  const text = await readInput(path);
  try {
    return parseMembersFile(text, path);
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    throw new InputError(`${path}: ${e.message}`);
  }
}

/** No memberships known: every GitHub look-up of the expansion fails with a message naming it. */
function emptyMembership(): Membership {
  return parseMembersFile('{}', '(no --members file)');
}

/**
 * With `deploy.enable`, the deployment file is read after every merge (spec §2.8, §11); a broken or missing
 * one would only show up then, in the logs, so it is checked here.
 */
async function checkDeployments(path: string): Promise<Diagnostic[]> {
  if (!(await exists(path))) {
    return [diagnostic('warning', `deploy.enable is set but the deployment file ${path} does not exist`, {}, path)];
  }
  try {
    parseDeployments(await readInput(path), path);
    return [];
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    return fromPolicyError(e, path);
  }
}
