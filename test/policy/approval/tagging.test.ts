import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tagVersion, mergeMessageFor } from '../../../src/policy/approval/tagging.js';
import { config, snapshot, comment, review, pr } from './_helpers.js';
import { PolicyError } from '../../../src/policy/errors.js';

const snap = snapshot(['alice', 'bob', 'carol']);
const approvals = [comment('bob', 'I approve version: 1.2.0 comment: First'), comment('mallory', 'I approve version: 9.0.0'), review('carol', 'approved'), comment('carol', 'I approve comment: Ship it')];
const input = (cfgText: string, extra: Partial<Parameters<typeof tagVersion>[0]> = {}) => ({
  config: config(cfgText), snapshot: snap, pr: pr('alice'), files: [], approval: approvals, disapproval: approvals,
  existingTags: ['v1.0.0', 'junk'], now: Date.UTC(2020, 0, 2, 3, 4, 5), ...extra,
});

test('semver from counted approvals only (non-maintainers ignored)', () => {
  const t = tagVersion(input('approvals:[{}]\ntag: {enable: true, template: "v{{.Version}}"}'));
  assert.equal(t.version, '1.2.0');
  assert.equal(t.tagName, 'v1.2.0');
  assert.equal(t.lastVersionComment, '1.2.0');
  // carol already counted through her review, so her later comment is not a counted item.
  assert.equal(t.commitComment, 'First');
  assert.equal(mergeMessageFor(t, snap), 'First\nMerged by checks-out\nApproved by:\nBOB <bob@x> (@bob)\nCAROL <carol@x> (@carol)\n');
});

test('policy tag section overrides; explicit and timestamps', () => {
  const t = tagVersion(input('approvals:[{tag: {algorithm: "explicit"}}]\ntag: {enable: true, template: "v{{.Version}}"}'));
  assert.equal(t.tagConfig.template, '{{.Version}}');
  assert.equal(t.tagName, '1.2.0');
  const none = tagVersion(input('approvals:[{tag: {algorithm: "explicit"}}]', { approval: [comment('bob', 'I approve')] }));
  assert.deepEqual([none.version, none.tagName], [null, null]);
  const ts = tagVersion(input('approvals:[{}]\ntag: {algorithm: "timestamp-rfc3339"}'));
  assert.equal(ts.version, '2020-01-02T03.04.05Z');
  const ms = tagVersion(input('approvals:[{}]\ntag: {algorithm: "timestamp-millis"}'));
  assert.equal(ms.version, String(Date.UTC(2020, 0, 2, 3, 4, 5)));
  const inc = tagVersion(input('approvals:[{}]\ntag: {increment: "minor"}', { approval: [], existingTags: null }));
  assert.equal(inc.version, '0.1.0');
});

test('a template that cannot render a hostile version fails with a PolicyError', () => {
  assert.throws(
    () => tagVersion(input('approvals:[{tag: {algorithm: "explicit", docker: true}}]', { approval: [comment('bob', 'I approve version: a:b')] })),
    PolicyError,
  );
});
