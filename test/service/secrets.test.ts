import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSecretBox, generateSecretKey, SecretDecryptionError } from '../../src/service/secrets.js';

test('round trip, with and without associated data', () => {
  const box = createSecretBox(generateSecretKey());
  for (const s of ['', 'ghp_token', 'ünïcødé 🔑', 'x'.repeat(10_000)]) {
    const c = box.encrypt(s, 'repo:o/r');
    assert.ok(c.startsWith('v1:'));
    assert.ok(!c.includes(s) || s === '');
    assert.equal(box.decrypt(c, 'repo:o/r'), s);
  }
  assert.equal(box.decrypt(box.encrypt('abc')), 'abc');
});

test('two encryptions of one secret differ (random nonce)', () => {
  const box = createSecretBox(generateSecretKey());
  assert.notEqual(box.encrypt('same'), box.encrypt('same'));
});

test('tampering, wrong key, wrong row and garbage are all rejected', () => {
  const key = generateSecretKey();
  const box = createSecretBox(key);
  const c = box.encrypt('top secret', 'repo:o/r');
  const raw = Buffer.from(c.slice(3), 'base64url');
  for (const i of [0, 12, raw.length - 1]) {
    const t = Buffer.from(raw);
    t[i] ^= 1;
    assert.throws(() => box.decrypt(`v1:${t.toString('base64url')}`, 'repo:o/r'), SecretDecryptionError);
  }
  assert.throws(() => createSecretBox(generateSecretKey()).decrypt(c, 'repo:o/r'), SecretDecryptionError);
  assert.throws(() => box.decrypt(c, 'repo:o/other'), SecretDecryptionError);
  assert.throws(() => box.decrypt('plaintext'), SecretDecryptionError);
  assert.throws(() => box.decrypt('v1:AAAA'), SecretDecryptionError);
  assert.throws(() => createSecretBox(Buffer.alloc(16)), /32 bytes/);
});
