/**
 * Loads a repository's policy the way checks-out does (spec §2.1, §4.1): `.checks-out` (else a legacy
 * `.lgtm`, else the organisation's `checks-out-configuration` template) and the MAINTAINERS file from the
 * default branch, expands MAINTAINERS through cached GitHub look-ups, and validates every expression
 * against the result. Every problem comes back located (file, line, column) for check-run annotations.
 */
import { createHash } from 'node:crypto';
import { parseConfig, parseLegacyConfig, type Config, type LegacyOptions } from '../../policy/config/index.js';
import { PolicyError, PolicyErrors, isPolicyError } from '../../policy/errors.js';
import {
  buildSnapshot,
  parseMaintainers,
  referencedGroups,
  requiredLookups,
  type RepoContext,
} from '../../policy/maintainers/index.js';
import type { Snapshot } from '../../policy/types.js';
import { validatePolicies } from '../../policy/validate-policies.js';
import type { PrGitHub, RepoData, RepoRef } from './github-port.js';
import type { MembershipCache } from './membership-cache.js';
import { BoundedCache } from './policy-cache.js';

export interface PolicyEnv {
  /** BRANDING_NAME: the config file is `.<name>`, the org template repo `<name>-configuration`. */
  brandingName: string;
  defaultPattern?: string;
  legacy?: LegacyOptions;
}

export interface Problem {
  file: string;
  /** The repository the file was read from (`owner/name`) and the ref, when not the repository itself. */
  source?: string;
  line?: number;
  column?: number;
  message: string;
  /** The file does not exist (nothing to annotate). */
  absent?: boolean;
}

export type LoadedPolicy =
  | { ok: true; config: Config; snapshot: Snapshot; configFile: string; hash: string; warnings: Problem[] }
  | { ok: false; problems: Problem[]; hash: string };

export interface LoadPolicyOptions {
  env: PolicyEnv;
  membership: MembershipCache;
  /** Login of the enabling user (token mode) or the app's bot; `repo-self` on user repositories. */
  enablingUser: string;
  /**
   * Read the repository's own files at this ref instead of the default branch (a PR's head). The org
   * template still applies when they are absent, read from the template repository's default branch: a PR
   * cannot change it, so the PR's version of the policy resolves exactly as the default branch's would.
   */
  gitRef?: string;
}

interface Found {
  text: string;
  file: string;
  source?: string;
}

/** Lists a PolicyError's leaves as located problems, defaulting the file. */
export function problemsOf(err: PolicyError, file: string, source?: string): Problem[] {
  return PolicyErrors.flatten(err).map((e) => ({
    file: e.location.file ?? file,
    ...(source !== undefined ? { source } : {}),
    ...(e.location.line !== undefined ? { line: e.location.line } : {}),
    ...(e.location.column !== undefined ? { column: e.location.column } : {}),
    message: e.message,
  }));
}

function hashOf(...texts: (string | undefined)[]): string {
  const h = createHash('sha256');
  for (const t of texts) h.update(t ?? '\0absent\0').update('\0');
  return h.digest('hex').slice(0, 16);
}

type Parsed = { ok: true; config: Config; warnings: Problem[] } | { ok: false; problems: Problem[] };

interface PolicyCaches {
  parsed: BoundedCache<Parsed>;
  loaded: BoundedCache<LoadedPolicy>;
}

const MAX_CACHED = 500;
/** Caches live as long as the membership cache their snapshots were expanded through. */
const cachesOf = new WeakMap<MembershipCache, PolicyCaches>();

function cachesFor(membership: MembershipCache): PolicyCaches {
  let c = cachesOf.get(membership);
  if (c === undefined) {
    c = { parsed: new BoundedCache(MAX_CACHED), loaded: new BoundedCache(MAX_CACHED) };
    cachesOf.set(membership, c);
  }
  return c;
}

function parseFound(found: Found, o: LoadPolicyOptions): Parsed {
  const warnings: Problem[] = [];
  try {
    if (found.file === '.lgtm') {
      const config = parseLegacyConfig(found.text, { ...o.env.legacy, file: found.file, defaultPattern: o.env.defaultPattern });
      return { ok: true, config, warnings };
    }
    const parsed = parseConfig(found.text, { file: found.file, defaultPattern: o.env.defaultPattern });
    for (const w of parsed.warnings) warnings.push(...problemsOf(new PolicyError(w.message, w.location), found.file, found.source));
    return { ok: true, config: parsed.config, warnings };
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    return { ok: false, problems: problemsOf(e, found.file, found.source) };
  }
}

async function findFile(gh: PrGitHub, ref: RepoRef, repo: RepoData, names: string[], template: string | undefined, o: LoadPolicyOptions, templateRepo: string): Promise<Found | undefined> {
  for (const name of names) {
    const text = await gh.file(ref, name, o.gitRef);
    if (text !== null) return { text, file: name };
  }
  if (template === undefined || !repo.isOrg) return undefined;
  // Never at `o.gitRef`: that commit belongs to this repository, the template lives in another one.
  const text = await gh.file({ owner: ref.owner, repo: templateRepo }, template);
  return text === null ? undefined : { text, file: template, source: `${ref.owner}/${templateRepo}` };
}

export async function loadPolicy(gh: PrGitHub, ref: RepoRef, repo: RepoData, o: LoadPolicyOptions): Promise<LoadedPolicy> {
  const name = o.env.brandingName;
  const configName = `.${name}`;
  const templateRepo = `${name}-configuration`;
  const found = await findFile(gh, ref, repo, [configName, '.lgtm'], `template.${name}`, o, templateRepo);
  if (found === undefined) {
    return { ok: false, hash: hashOf(), problems: [{ file: configName, message: `${configName} file not found`, absent: true }] };
  }
  const caches = cachesFor(o.membership);
  const envKey = JSON.stringify([o.env.brandingName, o.env.defaultPattern ?? null, o.env.legacy ?? null]);
  const parsedKey = hashOf(envKey, found.file, found.source, found.text);
  let parsed = caches.parsed.get(parsedKey);
  if (parsed === undefined) {
    parsed = parseFound(found, o);
    caches.parsed.set(parsedKey, parsed);
  }
  if (!parsed.ok) return { ok: false, hash: hashOf(found.text), problems: parsed.problems };
  const { config, warnings } = parsed;

  const mPath = config.maintainers.path;
  const mFound = await findFile(gh, ref, repo, [mPath], 'template.MAINTAINERS', o, templateRepo);
  const hash = hashOf(found.text, mFound?.text);
  if (mFound === undefined) return { ok: false, hash, problems: [{ file: mPath, message: `${mPath} file not found.`, absent: true }] };

  const repoCtx: RepoContext = { owner: ref.owner, name: ref.repo, isOrg: repo.isOrg, enablingUser: o.enablingUser };
  // The expansion depends on the repository, both files and every membership answer it read.
  const loadedKey = `${hashOf(parsedKey, JSON.stringify(repoCtx), mFound.file, mFound.source, mFound.text)}:`;
  const hit = caches.loaded.get(loadedKey + o.membership.generation());
  if (hit !== undefined) return hit;
  const { loaded, generation } = await expand(gh, config, warnings, found, mFound, repoCtx, hash, o);
  caches.loaded.set(loadedKey + generation, loaded);
  return loaded;
}

/**
 * Expands MAINTAINERS and validates the policies. Returns the membership generation read synchronously with
 * the expansion (after any fetches), so a concurrent evaluation's fetch cannot label a stale snapshot as current.
 */
async function expand(gh: PrGitHub, config: Config, warnings: Problem[], found: Found, mFound: Found, repoCtx: RepoContext, hash: string, o: LoadPolicyOptions): Promise<{ loaded: LoadedPolicy; generation: number }> {
  const groups = referencedGroups(config.approvals.flatMap((p) => [p.match, p.antimatch, p.authormatch]));
  let snapshot: Snapshot;
  let generation: number;
  try {
    const raw = parseMaintainers(mFound.text, config.maintainers.type, { file: mFound.file, repo: repoCtx });
    // Team listings add lookups once the org's teams are known, so ask until nothing is missing.
    for (let round = 0; round < 4; round++) {
      const need = requiredLookups(raw, repoCtx, { membership: o.membership.membership(), groups });
      if (need.length === 0) break;
      await o.membership.fetch(gh, need);
    }
    generation = o.membership.generation();
    snapshot = buildSnapshot(raw, repoCtx, o.membership.membership(), { groups });
  } catch (e) {
    if (!isPolicyError(e)) throw e;
    return { loaded: { ok: false, hash, problems: problemsOf(e, mFound.file, mFound.source) }, generation: o.membership.generation() };
  }
  const invalid = validatePolicies(config, snapshot, found.file);
  if (invalid.length > 0) return { loaded: { ok: false, hash, problems: invalid.flatMap((e) => problemsOf(e, found.file, found.source)) }, generation };
  return { loaded: { ok: true, config, snapshot, configFile: found.file, hash, warnings }, generation };
}
