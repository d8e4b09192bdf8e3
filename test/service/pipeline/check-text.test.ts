import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_SUMMARY_BYTES,
  TRUNCATION_MARKER,
  clampOutput,
  codeBlock,
  codeBlockText,
  inlineCode,
  truncateBytes,
  utf8Bytes,
  wellFormed,
} from '../../../src/service/pipeline/check-text.js';

const LONE_HIGH = /[\ud800-\udbff](?![\udc00-\udfff])/;
const LONE_LOW = /(?<![\ud800-\udbff])[\udc00-\udfff]/;

test('truncateBytes: text within the limit is unchanged, whatever its characters', () => {
  assert.equal(truncateBytes('abc', 3), 'abc');
  assert.equal(truncateBytes('éé', 4), 'éé');
  assert.equal(truncateBytes('😀', 4), '😀');
  assert.equal(truncateBytes('', 0), '');
});

test('truncateBytes: cuts by UTF-8 bytes at character boundaries, at every limit, with the marker', () => {
  const marker = utf8Bytes(TRUNCATION_MARKER);
  for (const unit of ['é', '😀', '中', 'a😀é中']) {
    const text = unit.repeat(30);
    for (let max = marker; max < utf8Bytes(text); max++) {
      const out = truncateBytes(text, max);
      assert.ok(utf8Bytes(out) <= max, `${unit} at ${max}: ${utf8Bytes(out)} bytes`);
      assert.ok(utf8Bytes(out) > max - 4 - 1, `${unit} at ${max}: cut no more than one character too many`);
      assert.ok(out.endsWith(TRUNCATION_MARKER));
      const kept = out.slice(0, -TRUNCATION_MARKER.length);
      assert.ok(text.startsWith(kept), 'a prefix of the text');
      assert.ok(!LONE_HIGH.test(kept) && !LONE_LOW.test(kept), `${unit} at ${max}: a surrogate pair was split`);
    }
  }
});

test('truncateBytes: a limit below the marker still yields at most that many bytes', () => {
  for (let max = 0; max < utf8Bytes(TRUNCATION_MARKER); max++) assert.ok(utf8Bytes(truncateBytes('x'.repeat(100), max)) <= max);
});

test('wellFormed: unpaired surrogates become U+FFFD, pairs are kept', () => {
  assert.equal(wellFormed('a\ud83dz'), 'a\ufffdz');
  assert.equal(wellFormed('a\ude00z'), 'a\ufffdz');
  assert.equal(wellFormed('\ude00\ud83d'), '\ufffd\ufffd');
  assert.equal(wellFormed('😀'), '😀');
  // Lone surrogates have no UTF-8 form: the cut text is well-formed and its byte count is what GitHub sees.
  const out = truncateBytes('\ud83d'.repeat(100), 50);
  assert.ok(!LONE_HIGH.test(out));
  assert.ok(Buffer.byteLength(out) <= 50);
});

test('truncateBytes: any string, any limit: within the limit, well-formed (property)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.string({ unit: 'grapheme', maxLength: 100 }), fc.nat(400), (a, b, max) => {
      const out = truncateBytes(a + b, max);
      assert.ok(utf8Bytes(out) <= max || utf8Bytes(wellFormed(a + b)) <= max);
      assert.ok(!LONE_HIGH.test(out) && !LONE_LOW.test(out));
    }),
  );
});

test('clampOutput: the default is the summary limit in bytes, the marker on its own line', () => {
  assert.equal(clampOutput('abc'), 'abc');
  const ascii = clampOutput('x'.repeat(MAX_SUMMARY_BYTES + 10));
  assert.ok(utf8Bytes(ascii) <= MAX_SUMMARY_BYTES);
  assert.ok(ascii.endsWith(`\n\n${TRUNCATION_MARKER}`));
  const wide = clampOutput('é'.repeat(40_000)); // 40,000 characters, 80,000 bytes
  assert.ok(utf8Bytes(wide) <= MAX_SUMMARY_BYTES);
  assert.ok(wide.endsWith(TRUNCATION_MARKER));
});

test('codeBlockText: no backtick run long enough to close a fence; CR is a newline; control characters replaced', () => {
  for (let n = 1; n <= 20; n++) {
    const out = codeBlockText(`a${'`'.repeat(n)}b`);
    assert.equal(out, n >= 3 ? 'a`b' : `a${'`'.repeat(n)}b`);
  }
  assert.equal(codeBlockText('``````` ``` ``'), '` ` ``');
  assert.equal(codeBlockText('a\r\nb\rc\n\td'), 'a\nb\nc\n\td');
  assert.equal(codeBlockText('x\u0000\u0007\u001b\u007fy'), 'x\ufffd\ufffd\ufffd\ufffdy');
  assert.equal(codeBlockText('<script>alert(1)</script>'), '<script>alert(1)</script>', 'HTML in a code block is shown as text');
});

test('codeBlock: hostile lines stay between the fences', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: fc.constantFrom('`', '~', '\n', '\r', ' ', '#', 'a', '<') , maxLength: 40 }), { maxLength: 5 }), (lines) => {
      const block = codeBlock(lines).join('\n').split(/\r\n?|\n/);
      const fenceLines = block.map((l, i) => (/^ {0,3}`{3,}/.test(l) ? i : -1)).filter((i) => i >= 0);
      assert.deepEqual(fenceLines, [0, block.length - 1]);
    }),
  );
});

test('inlineCode: one line, delimited by more backticks than any run inside', () => {
  assert.equal(inlineCode('main'), '`main`');
  assert.equal(inlineCode('a`b'), '``a`b``');
  assert.equal(inlineCode('`x'), '`` `x ``');
  assert.equal(inlineCode('a\nb\r\nc'), '`a b c`');
  assert.equal(inlineCode('a````b'), '``a`b``');
});
