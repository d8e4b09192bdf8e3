/** Spec §7.1: descriptions longer than 135 bytes are cut to 135 bytes + `...`, never splitting a character. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { truncateDescription, errorStatus, statusContext } from '../../../src/policy/index.js';

const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s;

test('§7.1 135 bytes pass unchanged, 136 are cut to 135 + ...', () => {
  assert.equal(truncateDescription('x'.repeat(135)), 'x'.repeat(135));
  assert.equal(truncateDescription('x'.repeat(136)), `${'x'.repeat(135)}...`);
  assert.equal(truncateDescription('x'.repeat(10_000)), `${'x'.repeat(135)}...`);
  assert.equal(truncateDescription(''), '');
});

test('§7.1 a 2-byte character straddling byte 135 is dropped whole', () => {
  const s = `${'a'.repeat(134)}é tail`;
  assert.equal(truncateDescription(s), `${'a'.repeat(134)}...`);
});

test('§7.1 exactly 135 bytes of multi-byte text is unchanged', () => {
  const s = 'é'.repeat(67) + 'a'; // 134 + 1
  assert.equal(bytes(s), 135);
  assert.equal(truncateDescription(s), s);
});

test('§7.1 surrogate pairs and CJK are never split; the kept part is at most 135 bytes', () => {
  for (const ch of ['😀', '中', 'ß', '\u{10FFFF}']) {
    for (let pad = 125; pad < 140; pad++) {
      const s = 'a'.repeat(pad) + ch.repeat(10);
      const out = truncateDescription(s);
      if (bytes(s) <= 135) {
        assert.equal(out, s);
        continue;
      }
      assert.ok(out.endsWith('...'));
      const kept = out.slice(0, -3);
      assert.ok(bytes(kept) <= 135 && bytes(kept) > 135 - 4, `${pad} ${ch}`);
      assert.ok(wellFormed(kept), 'no lone surrogate');
      assert.ok(s.startsWith(kept));
    }
  }
});

test('§7.1 error status and context names', () => {
  assert.deepEqual(errorStatus('boom'), { state: 'error', description: 'boom' });
  assert.equal(statusContext('checks-out'), 'approvals/checks-out');
});
