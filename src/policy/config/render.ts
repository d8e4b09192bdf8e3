/**
 * The serialised form of a configuration (spec §2.6): what `GET /api/repos/:o/:r/config`, webhook responses and
 * the status endpoint return. Keys in the original's struct order; regexes as their source, globs as their
 * original text, matchers as their canonical DSL string; `scope` omits empty arrays; `commit.ignoreuimerge`
 * only when true; `antipattern`/`antititle` only when set.
 */
import { serializeMatcher } from '../dsl/serialize.js';
import type {
  AuditConfig, CommentConfig, CommitConfig, Config, DeployConfig, FeedbackConfig, MaintainersConfig, MergeConfig, Policy,
  Scope, TagConfig,
} from './types.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function renderCommit(c: CommitConfig): JsonObject {
  const out: JsonObject = { range: c.range, antirange: c.antirange, tagrange: c.tagrange };
  if (c.ignoreuimerge) out.ignoreuimerge = true;
  return out;
}

export const renderMaintainers = (m: MaintainersConfig): JsonObject => ({ path: m.path, type: m.type });
export const renderMerge = (m: MergeConfig): JsonObject => ({ enable: m.enable, uptodate: m.uptodate, method: m.method, delete: m.delete });
export const renderFeedback = (f: FeedbackConfig): JsonObject => ({ types: [...f.types], authoraffirm: f.authoraffirm });
export const renderTag = (t: TagConfig): JsonObject => ({
  enable: t.enable, algorithm: t.algorithm, template: t.template, increment: t.increment, docker: t.docker,
});
export const renderDeploy = (d: DeployConfig): JsonObject => ({ enable: d.enable, path: d.path });
export const renderAudit = (a: AuditConfig): JsonObject => ({ enable: a.enable, branches: [...a.branches] });

export function renderComment(c: CommentConfig): JsonObject {
  return {
    enable: c.enable,
    targets: c.targets === null ? null : c.targets.map((t) => ({
      target: t.target,
      pattern: t.pattern === null ? null : t.pattern.source,
      types: t.types === null ? null : [...t.types],
      names: t.names === null ? null : [...t.names],
    })),
  };
}

export function renderScope(s: Scope): JsonObject {
  const out: JsonObject = {};
  if (s.branches.length > 0) out.branches = [...s.branches];
  if (s.paths.length > 0) out.paths = s.paths.map((g) => g.text);
  if (s.regexpaths.length > 0) out.regexpaths = s.regexpaths.map((r) => r.source);
  if (s.regexbase.length > 0) out.regexbase = s.regexbase.map((r) => r.source);
  if (s.regexcompare.length > 0) out.regexcompare = s.regexcompare.map((r) => r.source);
  return out;
}

export function renderPolicy(p: Policy): JsonObject {
  const out: JsonObject = {};
  if (p.name !== '') out.name = p.name;
  out.scope = renderScope(p.scope);
  out.match = serializeMatcher(p.match);
  out.antimatch = serializeMatcher(p.antimatch);
  out.authormatch = serializeMatcher(p.authormatch);
  if (p.pattern !== undefined) out.pattern = p.pattern.source;
  if (p.antipattern !== undefined) out.antipattern = p.antipattern.source;
  if (p.antititle !== undefined) out.antititle = p.antititle.source;
  if (p.merge !== undefined) out.merge = renderMerge(p.merge);
  if (p.tag !== undefined) out.tag = renderTag(p.tag);
  if (p.feedback !== undefined) out.feedback = renderFeedback(p.feedback);
  return out;
}

/** The JSON object of §2.6 (a plain object; `JSON.stringify` gives the wire form). */
export function renderConfig(config: Config): JsonObject {
  const out: JsonObject = { approvals: config.approvals.map(renderPolicy), pattern: config.pattern.source };
  if (config.antipattern !== undefined) out.antipattern = config.antipattern.source;
  if (config.antititle !== undefined) out.antititle = config.antititle.source;
  out.commit = renderCommit(config.commit);
  out.maintainers = renderMaintainers(config.maintainers);
  out.merge = renderMerge(config.merge);
  out.feedback = renderFeedback(config.feedback);
  out.tag = renderTag(config.tag);
  out.comment = renderComment(config.comment);
  out.deploy = renderDeploy(config.deploy);
  out.audit = renderAudit(config.audit);
  return out;
}
