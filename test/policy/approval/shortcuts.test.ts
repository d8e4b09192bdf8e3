/**
 * The evaluation takes shortcuts for speed (no re-sort of feedback already in order, a current-comment
 * re-run without the title and author stages). These properties pin each shortcut to the long way round.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { gatherFeedback, type GatherInput } from '../../../src/policy/approval/feedback.js';
import { decidePolicy, decideFeedbackStages } from '../../../src/policy/approval/decide.js';
import { currentComment } from '../../../src/policy/approval/info.js';
import type { FeedbackItem } from '../../../src/policy/types.js';
import { config, snapshot } from './_helpers.js';

const item: fc.Arbitrary<FeedbackItem> = fc.record({
  type: fc.constantFrom('comment' as const, 'review' as const),
  author: fc.constantFrom('alice', 'Bob', 'carol', 'dan'),
  body: fc.constantFrom('I approve', 'nope', 'hello'),
  state: fc.constantFrom('APPROVED', 'changes_requested', 'COMMENTED'),
  // Few distinct times (and some missing) so that ties and undated items are common.
  at: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  updatedAt: fc.option(fc.integer({ min: 0, max: 8 }), { nil: undefined }),
});

/** The ordering of §6.1 written out directly: time, comments before reviews, then input order. */
function referenceOrder(feedback: readonly FeedbackItem[], revived: (f: FeedbackItem) => boolean): FeedbackItem[] {
  const time = (f: FeedbackItem): number => {
    const t = revived(f) ? f.updatedAt : f.at;
    return typeof t === 'number' ? t : Number.NEGATIVE_INFINITY;
  };
  return feedback
    .map((f, i) => ({ f, i }))
    .sort((a, b) => {
      const ta = time(a.f);
      const tb = time(b.f);
      if (ta !== tb) return ta < tb ? -1 : 1;
      const ka = a.f.type === 'comment' ? 0 : 1;
      const kb = b.f.type === 'comment' ? 0 : 1;
      return ka - kb || a.i - b.i;
    })
    .map((x) => x.f);
}

test('records come out in chronological order whether or not the input was already sorted', () => {
  fc.assert(
    fc.property(fc.array(item, { maxLength: 12 }), fc.boolean(), fc.constantFrom('head' as const, 'all' as const), (feedback, presort, range) => {
      const input: GatherInput = {
        feedback: presort ? referenceOrder(feedback, () => false) : feedback,
        commits: [{ sha: 'h', author: 'alice', committer: 'A', parents: 1, committedAt: 3 }],
        types: ['comment', 'review'],
        range,
        antirange: range,
        ignoreUiMerge: true,
      };
      const g = gatherFeedback(input);
      const revived = new Set(g.records.filter((r) => r.revivedByEdit === true).map((r) => r.item));
      assert.deepEqual(g.records.map((r) => r.item), referenceOrder(input.feedback, (f) => revived.has(f)));
      // The lists are the records that were not excluded, in the same order.
      assert.deepEqual(g.approval, g.records.filter((r) => r.approvalExclusion === undefined).map((r) => r.item));
      assert.deepEqual(g.disapproval, g.records.filter((r) => r.disapprovalExclusion === undefined).map((r) => r.item));
    }),
    { numRuns: 300 },
  );
});

test('the current-comment shortcut (feedback stages only) reports what the full re-run reports', () => {
  const snap = snapshot(['alice', 'bob', 'carol'], { sec: ['carol'] });
  const cfgs = [
    config('approvals:[{}]\nantipattern: "^nope"'),
    config('approvals:[{match: "sec[count=1,self=false] or all[count=2,self=true]", antimatch: "sec[count=1,self=true]"}]'),
    config('approvals:[{match: "not all[count=1,self=false]", antimatch: "false"}]'),
  ];
  fc.assert(
    fc.property(fc.constantFrom(...cfgs), fc.array(item, { maxLength: 6 }), fc.array(item, { maxLength: 6 }), (cfg, approval, disapproval) => {
      const input = { config: cfg, policy: cfg.approvals[0], snapshot: snap, author: 'alice', title: 'Fix', approval, disapproval };
      const decision = decidePolicy(input);
      assert.deepEqual(currentComment(decision, input, true, true), currentComment(decision, input, true, false));
      // The stages themselves agree with the full pipeline whenever title and author pass.
      if (decision.validAuthor) {
        const stages = decideFeedbackStages(input);
        assert.deepEqual({ ...stages, authorEval: decision.authorEval }, decision);
      }
    }),
    { numRuns: 300 },
  );
});
