/**
 * Validation of a decoded configuration (spec §2.5), in the original's order: capability errors, approval
 * errors, maintainer-type error. Every error points at the key it is about.
 */
import { PolicyError } from '../errors.js';
import { compileTagTemplate } from '../tags/template.js';
import type { Decoder } from './decode.js';
import type { Pos } from './hjson-parse.js';
import type { PolicyMarks } from './policy.js';
import { MAINTAINERS_TYPES, type Capabilities, type Config, type Policy, type TagConfig } from './types.js';

export const ALL_CAPABILITIES: Capabilities = {
  Org: { Read: true },
  Repo: { Tag: true, Merge: true, DeleteBranch: true, CommitStatus: true, PRWriteComment: true, DeploymentStatus: true },
};

interface Context {
  d: Decoder;
  config: Config;
  marks: PolicyMarks[];
  /** Position of the whole document (fallback). */
  root: Pos;
}

/** The position of the first known key among `paths`, else the fallback. */
function keyPos(ctx: Context, fallback: Pos, ...paths: string[]): Pos {
  for (const p of paths) {
    const pos = ctx.d.keys.get(p);
    if (pos !== undefined) return pos;
  }
  return fallback;
}

/** Compiles a tag template (always, even when tagging is disabled), recording the error at its key. */
export function checkTag(d: Decoder, tag: TagConfig, at: Pos): PolicyError | undefined {
  try {
    compileTagTemplate(tag.template, tag.docker);
    return undefined;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    return new PolicyError(e.message, d.loc(at));
  }
}

function capabilityErrors(ctx: Context, caps: Capabilities): PolicyError[] {
  const { config, d } = ctx;
  const out: PolicyError[] = [];
  const add = (message: string, pos: Pos): void => {
    if (!out.some((e) => e.message === message)) out.push(new PolicyError(message, d.loc(pos)));
  };
  if (!caps.Repo.CommitStatus) add('commit status OAuth scope is required', ctx.root);
  const tagPolicy = config.approvals.findIndex((p) => p.tag?.enable === true);
  if (!caps.Repo.Tag && (config.tag.enable || tagPolicy >= 0)) {
    const pos = config.tag.enable ? keyPos(ctx, ctx.root, 'tag.enable', 'tag') : keyPos(ctx, ctx.marks[tagPolicy].pos, `approvals.${tagPolicy}.tag.enable`);
    add('unable to git tag with provided OAuth scopes', pos);
  }
  const merges: { merge: Config['merge']; prefix: string }[] = [{ merge: config.merge, prefix: 'merge' }];
  config.approvals.forEach((p, i) => {
    if (p.merge !== undefined) merges.push({ merge: p.merge, prefix: `approvals.${i}.merge` });
  });
  for (const { merge, prefix } of merges) {
    if (!merge.enable) continue;
    if (!caps.Repo.Merge) add('unable to git merge with provided OAuth scopes', keyPos(ctx, ctx.root, `${prefix}.enable`));
    if (merge.delete && !caps.Repo.DeleteBranch) {
      add('unable to delete branch with provided OAuth scopes', keyPos(ctx, ctx.root, `${prefix}.delete`));
    }
  }
  if (config.comment.enable && !caps.Repo.PRWriteComment) {
    const i = (config.comment.targets ?? []).findIndex((t) => t.target === 'github');
    if (i >= 0) add('unable to add PR comment with provided OAuth scopes', keyPos(ctx, ctx.root, `comment.targets.${i}.target`, 'comment.targets'));
  }
  return out;
}

const FINAL_SCOPE: readonly [keyof Policy['scope'], string][] = [
  ['paths', 'Final scope must have no paths'],
  ['branches', 'Final scope must have no branches'],
  ['regexpaths', 'Final scope must have no path regexp'],
  ['regexbase', 'Final scope must have no base branch regular expressions'],
  ['regexcompare', 'Final scope must have no compare branch regular expressions'],
];

function approvalErrors(ctx: Context): PolicyError[] {
  const { config, d, marks } = ctx;
  const out: PolicyError[] = [];
  const policies = config.approvals;
  if (policies.length === 0) {
    return [new PolicyError('No approval policies specified', d.loc(keyPos(ctx, ctx.root, 'approvals')))];
  }
  const last = policies.length - 1;
  for (const [key, message] of FINAL_SCOPE) {
    if (policies[last].scope[key].length > 0) {
      out.push(new PolicyError(message, d.loc(keyPos(ctx, marks[last].pos, `approvals.${last}.scope.${key}`))));
    }
  }
  const seen = new Map<string, number>();
  const reported = new Set<string>();
  policies.forEach((p, i) => {
    const scopePos = keyPos(ctx, marks[i].pos, `approvals.${i}.scope`);
    if (p.tag !== undefined) {
      const err = checkTag(d, p.tag, keyPos(ctx, marks[i].pos, `approvals.${i}.tag.template`, `approvals.${i}.tag`));
      if (err !== undefined) out.push(err);
    }
    if (p.scope.paths.length > 0 && p.scope.regexpaths.length > 0) {
      out.push(new PolicyError("'paths' and 'regexpaths' cannot be used together", d.loc(keyPos(ctx, scopePos, `approvals.${i}.scope.regexpaths`))));
    }
    if (p.scope.branches.length > 0 && p.scope.regexbase.length > 0) {
      out.push(new PolicyError("'branches' and 'regexbase' cannot be used together", d.loc(keyPos(ctx, scopePos, `approvals.${i}.scope.regexbase`))));
    }
    if (p.name === '') return;
    if (seen.has(p.name) && !reported.has(p.name)) {
      reported.add(p.name);
      out.push(new PolicyError(`The approval scope name '${p.name}' is used more than once`, d.loc(marks[i].namePos ?? marks[i].pos)));
    }
    seen.set(p.name, i);
  });
  return out;
}

function maintainerErrors(ctx: Context): PolicyError[] {
  const type = ctx.config.maintainers.type;
  if (MAINTAINERS_TYPES.includes(type)) return [];
  const allowed = [...MAINTAINERS_TYPES].sort().join(' ');
  return [new PolicyError(`${type} is not one of the permitted MAINTAINER types [${allowed}]`, ctx.d.loc(keyPos(ctx, ctx.root, 'maintainers.type', 'maintainers')))];
}

/** All validation errors of a decoded config, in the original's order. */
export function validateConfig(d: Decoder, config: Config, marks: PolicyMarks[], root: Pos, caps: Capabilities): PolicyError[] {
  const ctx: Context = { d, config, marks, root };
  const approvals = approvalErrors(ctx);
  // "No approval policies specified" is reported alone (§2.5).
  if (config.approvals.length === 0) return approvals;
  return [...capabilityErrors(ctx, caps), ...approvals, ...maintainerErrors(ctx)];
}
