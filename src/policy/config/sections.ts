/**
 * Decoders of the configuration sections shared by the top level and the policies (spec §2.3): each fills
 * an object that already holds its defaults, touching only the sub-fields present in the file.
 */
import { compileRegex } from '../regex.js';
import type { Decoder, FieldCtx } from './decode.js';
import type { HNode } from './hjson-parse.js';
import {
  COMMENT_MESSAGES, COMMIT_RANGES, FEEDBACK_TYPES, SEMVER_INCREMENTS,
  type AuditConfig, type CommentConfig, type CommentMessage, type CommentTarget, type CommitConfig, type DeployConfig,
  type FeedbackConfig, type FeedbackType, type MaintainersConfig, type MergeConfig, type TagConfig,
} from './types.js';
import type { UserRegex } from '../regex.js';

/** Context of a sub-field: `struct` is the Go struct holding it, `path` the JSON path from the root. */
function field(struct: string, parent: FieldCtx, key: string, goType: string): FieldCtx {
  const ctx: FieldCtx = { struct, path: parent.path === '' ? key : `${parent.path}.${key}`, goType };
  if (parent.mark !== undefined) ctx.mark = `${parent.mark}.${key}`;
  return ctx;
}

/** Context of a section value itself, e.g. `merge` in Config or in ApprovalPolicy. */
export function sectionCtx(parentStruct: string, parent: FieldCtx, key: string, goType: string): FieldCtx {
  return field(parentStruct, parent, key, goType);
}

/** A regex-valued field (custom JSON decoder in the original: any non-string is Go's "value of type string"). */
export function decodeRegex(d: Decoder, node: HNode): UserRegex | undefined {
  if (node.kind === 'null') return undefined;
  if (node.kind !== 'string') {
    d.stringValueError(node);
    return undefined;
  }
  return d.compile(node, compileRegex);
}

export function decodeCommit(d: Decoder, node: HNode, into: CommitConfig, ctx: FieldCtx): void {
  const set = (key: 'range' | 'antirange' | 'tagrange') => (v: HNode) => {
    const r = d.enumValue(v, COMMIT_RANGES, 'CommitRange');
    if (r !== undefined) into[key] = r;
  };
  d.struct(node, ctx, {
    range: set('range'),
    antirange: set('antirange'),
    tagrange: set('tagrange'),
    ignoreuimerge: (v) => {
      const b = d.bool(v, field('CommitConfig', ctx, 'ignoreuimerge', 'bool'));
      if (b !== undefined) into.ignoreuimerge = b;
    },
  });
}

export function decodeMaintainers(d: Decoder, node: HNode, into: MaintainersConfig, ctx: FieldCtx): void {
  d.struct(node, ctx, {
    path: (v) => {
      const s = d.string(v, field('MaintainersConfig', ctx, 'path', 'string'));
      if (s !== undefined) into.path = s;
    },
    type: (v) => {
      const s = d.string(v, field('MaintainersConfig', ctx, 'type', 'string'));
      if (s !== undefined) into.type = s;
    },
  });
}

export function decodeMerge(d: Decoder, node: HNode, into: MergeConfig, ctx: FieldCtx): void {
  const flag = (key: 'enable' | 'uptodate' | 'delete') => (v: HNode) => {
    const b = d.bool(v, field('MergeConfig', ctx, key, 'bool'));
    if (b !== undefined) into[key] = b;
  };
  d.struct(node, ctx, {
    enable: flag('enable'),
    uptodate: flag('uptodate'),
    delete: flag('delete'),
    method: (v) => {
      const s = d.string(v, field('MergeConfig', ctx, 'method', 'string'));
      if (s !== undefined) into.method = s;
    },
  });
}

export function decodeFeedback(d: Decoder, node: HNode, into: FeedbackConfig, ctx: FieldCtx): void {
  d.struct(node, ctx, {
    types: (v) => {
      const list = d.customList<FeedbackType>(v, field('FeedbackConfig', ctx, 'types', 'model.FeedbackTypes'), (item) =>
        d.enumValue(item, FEEDBACK_TYPES, 'FeedbackType'),
      );
      if (list !== undefined) into.types = list ?? [];
    },
    authoraffirm: (v) => {
      const b = d.bool(v, field('FeedbackConfig', ctx, 'authoraffirm', 'bool'));
      if (b !== undefined) into.authoraffirm = b;
    },
  });
}

export function decodeTag(d: Decoder, node: HNode, into: TagConfig, ctx: FieldCtx): void {
  const flag = (key: 'enable' | 'docker') => (v: HNode) => {
    const b = d.bool(v, field('TagConfig', ctx, key, 'bool'));
    if (b !== undefined) into[key] = b;
  };
  const text = (key: 'algorithm' | 'template') => (v: HNode) => {
    const s = d.string(v, field('TagConfig', ctx, key, 'string'));
    if (s !== undefined) into[key] = s;
  };
  d.struct(node, ctx, {
    enable: flag('enable'),
    docker: flag('docker'),
    algorithm: text('algorithm'),
    template: text('template'),
    increment: (v) => {
      const inc = d.enumValue(v, SEMVER_INCREMENTS, 'Semver');
      if (inc !== undefined) into.increment = inc;
    },
  });
}

function decodeTarget(d: Decoder, node: HNode, ctx: FieldCtx): CommentTarget | undefined {
  const target: CommentTarget = { target: '', pattern: null, types: null, names: null };
  const ok = d.struct(node, ctx, {
    target: (v) => {
      const s = d.string(v, field('CommentTarget', ctx, 'target', 'string'));
      if (s !== undefined) target.target = s;
    },
    pattern: (v) => {
      target.pattern = decodeRegex(d, v) ?? null;
    },
    types: (v) => {
      const list = d.customList<CommentMessage>(v, field('CommentTarget', ctx, 'types', '[]model.CommentMessage'), (item) =>
        d.enumValue(item, COMMENT_MESSAGES, 'CommentMessage'),
      );
      if (list !== undefined) target.types = list;
    },
    names: (v) => {
      const list = d.stringList(v, field('CommentTarget', ctx, 'names', '[]string'));
      if (list !== undefined) target.names = list;
    },
  });
  return ok || node.kind === 'null' ? target : undefined;
}

export function decodeComment(d: Decoder, node: HNode, into: CommentConfig, ctx: FieldCtx): void {
  d.struct(node, ctx, {
    enable: (v) => {
      const b = d.bool(v, field('CommentConfig', ctx, 'enable', 'bool'));
      if (b !== undefined) into.enable = b;
    },
    targets: (v) => {
      const tctx = field('CommentConfig', ctx, 'targets', '[]model.CommentTarget');
      if (v.kind === 'null') {
        into.targets = null;
        return;
      }
      if (v.kind !== 'array') {
        d.typeError(v, tctx);
        return;
      }
      const targets: CommentTarget[] = [];
      v.items.forEach((item, i) => {
        const t = decodeTarget(d, item, { ...tctx, goType: 'model.CommentTarget', mark: `${tctx.mark ?? tctx.path}.${i}` });
        if (t !== undefined) targets.push(t);
      });
      into.targets = targets;
    },
  });
}

export function decodeDeploy(d: Decoder, node: HNode, into: DeployConfig, ctx: FieldCtx): void {
  d.struct(node, ctx, {
    enable: (v) => {
      const b = d.bool(v, field('DeployConfig', ctx, 'enable', 'bool'));
      if (b !== undefined) into.enable = b;
    },
    path: (v) => {
      const s = d.string(v, field('DeployConfig', ctx, 'path', 'string'));
      if (s !== undefined) into.path = s;
    },
  });
}

export function decodeAudit(d: Decoder, node: HNode, into: AuditConfig, ctx: FieldCtx): void {
  d.struct(node, ctx, {
    enable: (v) => {
      const b = d.bool(v, field('AuditConfig', ctx, 'enable', 'bool'));
      if (b !== undefined) into.enable = b;
    },
    branches: (v) => {
      const list = d.stringList(v, field('AuditConfig', ctx, 'branches', 'set.Set'));
      if (list !== undefined) into.branches = list ?? [];
    },
  });
}
