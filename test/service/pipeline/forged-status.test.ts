/**
 * Issue #4: "A status approvals/checks-out posted by anyone else is overwritten with the true state (and
 * logged)". The pipeline runs against the local GitHub; its log is captured to see the warning name the
 * repository, commit, forged state and description, and who posted it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordDecision } from '../../../src/service/store/decisions.js';
import { CONTEXT, REPO, withLocalPipeline, type LogLine } from './local-pipeline.js';

/** A `status` delivery as GitHub sends it (the fields the pipeline reads), handled as one job. */
function statusPayload(sha: string, state: string, description: string, sender: string | undefined) {
  return { context: CONTEXT, sha, state, description, ...(sender ? { sender: { login: sender, type: 'User' } } : {}) };
}

const WARN = 40;
const forgedLines = (lines: LogLine[]) => lines.filter((l) => l.level === WARN && /not posted by checks-out/.test(l.msg));

test('a forged status is overwritten with the true state and a warning names the commit, the claim and who posted it', async () => {
  await withLocalPipeline(async (p) => {
    p.clock.advance(1000);
    p.lg.admin.status(REPO, p.sha, 'mallory', 'success', CONTEXT, 'approved by everyone');
    const delivery = await p.handle('status', statusPayload(p.sha, 'success', 'approved by everyone', 'mallory'));
    assert.deepEqual(await p.latestStatus().then((s) => s && [s.state, s.description]), ['pending', 'no approvals received']);
    const [line, ...more] = forgedLines(p.lines);
    assert.ok(line, JSON.stringify(p.lines.filter((l) => l.level >= WARN)));
    assert.deepEqual(more, []);
    assert.equal(line.repo, REPO);
    assert.equal(line.sha, p.sha);
    assert.deepEqual(line.forged, { state: 'success', description: 'approved by everyone' });
    assert.equal(line.postedBy, 'mallory');
    assert.deepEqual(line.prs, [p.pr.number]);
    assert.deepEqual(line.deliveries, [delivery]);
    assert.match(line.msg, /by mallory/);
  });
});

test('the echo of our own status, and a late echo of an earlier one, are not reported as forged', async () => {
  await withLocalPipeline(async (p) => {
    // An earlier decision of ours on this head, then the current one (posted through the pipeline).
    await recordDecision(p.sdb, {
      repo: REPO, prNumber: p.pr.number, headSha: p.sha, policy: null, approvers: [], disapprovers: [], configHash: null,
      state: 'error', description: 'checks-out could not reach GitHub', decidedAt: 1, deliveries: ['old'],
    });
    p.lg.admin.status(REPO, p.sha, 'mallory', 'success', CONTEXT, 'approved by everyone');
    await p.handle('status', statusPayload(p.sha, 'success', 'approved by everyone', 'mallory'));
    assert.equal(forgedLines(p.lines).length, 1);
    await p.handle('status', statusPayload(p.sha, 'pending', 'no approvals received', 'checks-out[bot]'));
    await p.handle('status', statusPayload(p.sha, 'error', 'checks-out could not reach GitHub', 'checks-out[bot]'));
    assert.equal(forgedLines(p.lines).length, 1, JSON.stringify(forgedLines(p.lines)));
    assert.ok(p.lines.some((l) => /late echo of an earlier status of ours/.test(l.msg)));
  });
});

test('a status delivery without a sender still logs the forgery, saying the sender is unknown', async () => {
  await withLocalPipeline(async (p) => {
    await p.handle('status', statusPayload(p.sha, 'failure', 'blocked', undefined));
    const [line] = forgedLines(p.lines);
    assert.ok(line);
    assert.equal(line.postedBy, null);
    assert.match(line.msg, /unknown sender/);
    assert.deepEqual(await p.latestStatus().then((s) => s?.state), 'pending');
  });
});
