/** A follow-up delivery names the deliveries that asked for it, so a decision leads back to a webhook. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FOLLOW_UP_ORIGINS, followUpDelivery } from '../../../src/service/pipeline/handler.js';

test('the follow-up payload carries the origin delivery ids, bounded', () => {
  const f = followUpDelivery('Acme/Widgets', 12, 99, 'check_suite', 5, ['d-1', 'd-2']);
  const payload = JSON.parse(f.payload) as { origin: string[]; reason: string };
  assert.deepEqual(payload.origin, ['d-1', 'd-2']);
  assert.equal(payload.reason, 'check_suite');
  const many = Array.from({ length: 5000 }, (_, i) => `d-${i}`);
  const big = JSON.parse(followUpDelivery('acme/w', 1, undefined, 'status', 5, many).payload) as { origin: string[] };
  assert.equal(big.origin.length, FOLLOW_UP_ORIGINS);
  assert.deepEqual(JSON.parse(followUpDelivery('acme/w', 1, undefined, 'status', 5).payload).origin, []);
});
