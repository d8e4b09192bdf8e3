/**
 * `parseConfig`: `.checks-out` text → validated `Config` (spec §2.2–§2.5). Stages as in the original:
 * decode (all decode errors together), compile the top-level tag template, post-process the policies,
 * validate. Every error is a PolicyError located in the file; several become one PolicyErrors.
 */
import { PolicyError, PolicyErrors } from '../errors.js';
import { compileRegex } from '../regex.js';
import { Decoder, MAX_WARNINGS, type FieldCtx } from './decode.js';
import {
  defaultAudit, defaultComment, defaultCommit, defaultDeploy, defaultFeedback, defaultMaintainers, defaultMerge, defaultTag,
} from './defaults.js';
import { parseHjson, type HNode, type Pos } from './hjson-parse.js';
import { lintPolicies } from './lint.js';
import { decodePolicy, type PolicyMarks } from './policy.js';
import {
  decodeAudit, decodeComment, decodeCommit, decodeDeploy, decodeFeedback, decodeMaintainers, decodeMerge, decodeRegex,
  decodeTag, sectionCtx,
} from './sections.js';
import { ALL_CAPABILITIES, checkTag, validateConfig } from './validate.js';
import { DEFAULT_CONFIG_FILE, DEFAULT_PATTERN, type Config, type ConfigOptions, type ParsedConfig } from './types.js';

const ROOT: FieldCtx = { struct: 'Config', path: '', goType: 'model.Config' };

/** The default configuration (no policies yet) for the given environment defaults. */
export function defaultConfig(defaultPattern: string = DEFAULT_PATTERN): Config {
  return {
    approvals: [],
    pattern: compileRegex(defaultPattern),
    commit: defaultCommit(),
    maintainers: defaultMaintainers(),
    merge: defaultMerge(),
    feedback: defaultFeedback(),
    tag: defaultTag(),
    comment: defaultComment(),
    deploy: defaultDeploy(),
    audit: defaultAudit(),
    isOld: false,
  };
}

function decodeRoot(d: Decoder, root: HNode, config: Config): PolicyMarks[] {
  const marks: PolicyMarks[] = [];
  if (root.kind !== 'object' && root.kind !== 'null') {
    d.error(`json: cannot unmarshal ${root.kind} into Go value of type model.Config`, root.pos);
    return marks;
  }
  const section = (key: string, goType: string): FieldCtx => sectionCtx('Config', ROOT, key, goType);
  const setRegex = (key: 'antipattern' | 'antititle') => (v: HNode) => {
    const re = decodeRegex(d, v);
    if (re !== undefined) config[key] = re;
    else if (v.kind === 'null') delete config[key];
  };
  d.struct(root, ROOT, {
    approvals: (v) => {
      config.approvals = [];
      marks.length = 0;
      if (v.kind === 'null') return;
      if (v.kind !== 'array') {
        d.typeError(v, section('approvals', '[]*model.ApprovalPolicy'));
        return;
      }
      v.items.forEach((item, i) => {
        const decoded = decodePolicy(d, item, i);
        if (decoded === undefined) return;
        config.approvals.push(decoded.policy);
        marks.push(decoded.marks);
      });
    },
    pattern: (v) => {
      const re = decodeRegex(d, v);
      if (re !== undefined) config.pattern = re;
    },
    antipattern: setRegex('antipattern'),
    antititle: setRegex('antititle'),
    commit: (v) => decodeCommit(d, v, config.commit, section('commit', 'model.CommitConfig')),
    maintainers: (v) => decodeMaintainers(d, v, config.maintainers, section('maintainers', 'model.MaintainersConfig')),
    merge: (v) => decodeMerge(d, v, config.merge, section('merge', 'model.MergeConfig')),
    feedback: (v) => decodeFeedback(d, v, config.feedback, section('feedback', 'model.FeedbackConfig')),
    tag: (v) => decodeTag(d, v, config.tag, section('tag', 'model.TagConfig')),
    comment: (v) => decodeComment(d, v, config.comment, section('comment', 'model.CommentConfig')),
    deploy: (v) => decodeDeploy(d, v, config.deploy, section('deploy', 'model.DeployConfig')),
    audit: (v) => decodeAudit(d, v, config.audit, section('audit', 'model.AuditConfig')),
  });
  return marks;
}

function fail(errors: PolicyError[]): never {
  const err = PolicyErrors.of(errors);
  if (err === undefined) throw new PolicyError('internal error: empty error list');
  throw err;
}

/**
 * Parses, post-processes and validates a `.checks-out` file. Throws PolicyError / PolicyErrors; returns the
 * config and non-fatal warnings (unknown keys, ambiguous DSL expressions) with their positions.
 */
export function parseConfig(text: string, options: ConfigOptions = {}): ParsedConfig {
  const file = options.file ?? (options.brandingName !== undefined ? `.${options.brandingName}` : DEFAULT_CONFIG_FILE);
  const doc = parseHjson(text, file);
  const d = new Decoder(file, doc.position);
  let config: Config;
  try {
    config = defaultConfig(options.defaultPattern);
  } catch (e) {
    // A broken DEFAULT_PATTERN is an operator error, reported like any regex error.
    if (e instanceof PolicyError) throw new PolicyError(`DEFAULT_PATTERN: ${e.message}`);
    throw e;
  }
  const marks = decodeRoot(d, doc.root, config);
  if (d.errors.length > 0) fail(d.errors);

  const rootPos: Pos = doc.root.pos;
  const tagErr = checkTag(d, config.tag, d.keys.get('tag.template') ?? d.keys.get('tag') ?? rootPos);
  if (tagErr !== undefined) throw tagErr;

  const errors = validateConfig(d, config, marks, rootPos, options.capabilities ?? ALL_CAPABILITIES);
  if (errors.length > 0) fail(errors);
  const warnings = [...d.warnings, ...lintPolicies(d, doc.root)];
  if (warnings.length > MAX_WARNINGS + 1) {
    warnings.length = MAX_WARNINGS;
    warnings.push({ message: 'further warnings omitted', location: { file } });
  }
  return { config, warnings };
}
