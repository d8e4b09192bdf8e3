/**
 * A configuration described as the original's Go structs (field order, omitempty, which fields have their
 * own JSON marshaller), for the HJSON encoder (spec §2.7).
 */
import { serializeMatcher } from '../dsl/serialize.js';
import type { Matcher } from '../dsl/ast.js';
import type { UserRegex } from '../regex.js';
import { encodeHjson, type EncField, type EncValue } from './hjson-encode.js';
import type { CommentTarget, Config, FeedbackConfig, MergeConfig, Policy, TagConfig } from './types.js';

const str = (value: string): EncValue => ({ kind: 'string', value });
const bool = (value: boolean): EncValue => ({ kind: 'bool', value });
const raw = (value: unknown, zero: boolean): EncValue => ({ kind: 'raw', json: JSON.stringify(value), zero });
const regex = (re: UserRegex | undefined | null): EncValue => (re === undefined || re === null ? { kind: 'null' } : raw(re.source, false));
const matcher = (m: Matcher): EncValue => raw(serializeMatcher(m), false);
const struct = (...fields: EncField[]): EncValue => ({ kind: 'struct', fields });
const f = (key: string, value: EncValue, omitempty = false): EncField => ({ key, value, omitempty });
/** A plain slice of marshaller values (globs, regexes): one element per line. */
const rawList = (list: readonly string[]): EncValue => ({ kind: 'list', items: list.map((x) => raw(x, false)) });
const strings = (list: readonly string[] | null): EncValue => (list === null ? { kind: 'null' } : { kind: 'list', items: list.map(str) });

/** Which parts of a policy / config to leave out (the `.lgtm` conversion drops some, §2.7). */
export interface EncodeConfigOptions {
  dropPolicyScopeAndLimits?: boolean;
  dropMaintainers?: boolean;
}

function merge(m: MergeConfig): EncValue {
  return struct(f('enable', bool(m.enable)), f('uptodate', bool(m.uptodate)), f('method', str(m.method)), f('delete', bool(m.delete)));
}

function feedback(fb: FeedbackConfig): EncValue {
  return struct(f('types', { kind: 'list', items: fb.types.map((t) => raw(t, false)) }), f('authoraffirm', bool(fb.authoraffirm)));
}

function tag(t: TagConfig): EncValue {
  return struct(
    f('enable', bool(t.enable)),
    f('algorithm', str(t.algorithm)),
    f('template', str(t.template)),
    // The increment enum's zero value is `patch`.
    f('increment', raw(t.increment, t.increment === 'patch')),
    f('docker', bool(t.docker)),
  );
}

function target(t: CommentTarget): EncValue {
  return struct(
    f('target', str(t.target)),
    f('pattern', regex(t.pattern)),
    f('types', t.types === null ? { kind: 'null' } : { kind: 'list', items: t.types.map((x) => raw(x, false)) }),
    f('names', strings(t.names)),
  );
}

function policy(p: Policy, opts: EncodeConfigOptions): EncValue {
  const fields: EncField[] = [f('name', str(p.name), true)];
  if (opts.dropPolicyScopeAndLimits !== true) {
    const s = p.scope;
    fields.push(f('scope', struct(
      f('branches', raw(s.branches, s.branches.length === 0), true),
      f('paths', rawList(s.paths.map((g) => g.text)), true),
      f('regexpaths', rawList(s.regexpaths.map((r) => r.source)), true),
      f('regexbase', rawList(s.regexbase.map((r) => r.source)), true),
      f('regexcompare', rawList(s.regexcompare.map((r) => r.source)), true),
    )));
  }
  fields.push(f('match', matcher(p.match)));
  if (opts.dropPolicyScopeAndLimits !== true) {
    fields.push(f('antimatch', matcher(p.antimatch)), f('authormatch', matcher(p.authormatch)));
  }
  fields.push(
    f('pattern', regex(p.pattern), true),
    f('antipattern', regex(p.antipattern), true),
    f('antititle', regex(p.antititle), true),
    f('merge', p.merge === undefined ? { kind: 'null' } : merge(p.merge), true),
    f('tag', p.tag === undefined ? { kind: 'null' } : tag(p.tag), true),
    f('feedback', p.feedback === undefined ? { kind: 'null' } : feedback(p.feedback), true),
  );
  return struct(...fields);
}

export function configToEnc(c: Config, opts: EncodeConfigOptions = {}): EncValue {
  const fields: EncField[] = [
    f('approvals', { kind: 'list', items: c.approvals.map((p) => policy(p, opts)) }),
    f('pattern', regex(c.pattern), true),
    f('antipattern', regex(c.antipattern), true),
    f('antititle', regex(c.antititle), true),
    f('commit', struct(
      f('range', raw(c.commit.range, c.commit.range === 'head')),
      f('antirange', raw(c.commit.antirange, c.commit.antirange === 'head')),
      f('tagrange', raw(c.commit.tagrange, c.commit.tagrange === 'head')),
      f('ignoreuimerge', bool(c.commit.ignoreuimerge), true),
    ), true),
  ];
  if (opts.dropMaintainers !== true) {
    fields.push(f('maintainers', struct(f('path', str(c.maintainers.path)), f('type', str(c.maintainers.type))), true));
  }
  fields.push(
    f('merge', merge(c.merge), true),
    f('feedback', feedback(c.feedback), true),
    f('tag', tag(c.tag), true),
    f('comment', struct(
      f('enable', bool(c.comment.enable)),
      f('targets', c.comment.targets === null ? { kind: 'null' } : { kind: 'list', items: c.comment.targets.map(target) }),
    ), true),
    f('deploy', struct(f('enable', bool(c.deploy.enable)), f('path', str(c.deploy.path))), true),
    f('audit', struct(f('enable', bool(c.audit.enable)), f('branches', raw(c.audit.branches, c.audit.branches.length === 0))), true),
  );
  return struct(...fields);
}

/** The config as HJSON text with empty structs omitted (what the legacy vectors call `hjson_omit_empty_structs`). */
export function configToHjson(c: Config, opts: EncodeConfigOptions = {}): string {
  return encodeHjson(configToEnc(c, opts), { omitEmptyStructs: true });
}
