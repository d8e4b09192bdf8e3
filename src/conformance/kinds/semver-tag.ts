/** Conformance kind `semver-tag` (README §4.11): tag version selection of §9. */
import { tagVersion } from '../../policy/approval/tagging.js';
import { compileTagTemplate } from '../../policy/tags/template.js';
import { nextVersion } from '../../policy/tags/version.js';
import { SkipVector, type KindAdapter } from '../kind.js';
import { bool, str, strings } from './_input.js';
import { policyVectorInput } from './_policy-input.js';

const TREATED_AS_SEMVER = 'treated as semver (warning logged)';
const NO_TAG = 'no tag created; tag step returns empty';

export const adapter: KindAdapter = {
  normative: ['semver', 'tag', 'last_version_comment', 'commit_comment', 'version', 'behaviour'],
  run(input, expect) {
    if (input.config === undefined) return secondShape(input, expect);
    const v = policyVectorInput(input);
    const t = tagVersion({
      config: v.config,
      snapshot: v.snapshot,
      pr: v.pr,
      files: v.files,
      approval: v.approval,
      disapproval: v.disapproval,
      closingIssueAuthors: v.closingIssueAuthors,
      existingTags: bool(input.list_tags_fails) ? null : strings(input.existing_tags),
      now: 0,
      algorithm: 'semver',
    });
    const semver = t.version ?? '';
    return {
      semver,
      tag: compileTagTemplate(t.tagConfig.template, t.tagConfig.docker).render(semver),
      last_version_comment: t.lastVersionComment,
      commit_comment: t.commitComment,
    };
  },
};

function secondShape(input: Record<string, unknown>, expect: Record<string, unknown>): Record<string, unknown> {
  const algorithm = str(input.algorithm);
  const now = Date.parse(str(input.now_utc, '1970-01-01T00:00:00Z'));
  const compute = (alg: string) =>
    nextVersion({ algorithm: alg, increment: 'patch', now, existingTags: [], approvalVersions: [] }).version;
  if (expect.behaviour === undefined) return { version: compute(algorithm) };
  if (expect.behaviour === TREATED_AS_SEMVER) {
    return { behaviour: compute(algorithm) === compute('semver') ? TREATED_AS_SEMVER : 'computed differently from semver' };
  }
  if (expect.behaviour === NO_TAG) {
    return { behaviour: compute('explicit') === null ? NO_TAG : 'a tag was created' };
  }
  throw new SkipVector(`unrecognised behaviour ${JSON.stringify(expect.behaviour)}`);
}
