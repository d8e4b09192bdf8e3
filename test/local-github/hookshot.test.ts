/**
 * Deliveries from the dedicated sender thread (`deliveryThread: true`): signed and recorded exactly as the
 * in-thread sender does, timed by the sender, failures recorded, the thread ended by close().
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalGitHub } from '../../src/local-github/server.js';
import { startReceiver } from './receiver.js';
import { threadSender } from '../../src/local-github/events/hookshot.js';

test('the sender thread delivers signed webhooks and records their round trip and failures', async () => {
  const rx = await startReceiver('thread-secret');
  const lg = createLocalGitHub({ deliveryThread: true });
  await lg.start(0);
  try {
    const a = lg.admin;
    a.createUser('alice');
    a.createOrg('acme', { admins: ['alice'] });
    a.createRepo('acme/widgets', { files: { 'README.md': 'hi\n' } });
    a.createApp('threaded', { webhook_url: rx.url, webhook_secret: 'thread-secret', events: ['issue_comment', 'pull_request'] });
    a.install('threaded', 'acme', 'all', 'alice');
    a.push('acme/widgets', { branch: 'feature', author: 'alice', files: { 'a.txt': 'a\n' } });
    const pr = a.openPull('acme/widgets', { author: 'alice', title: 'Feature', head: 'feature' });
    a.comment('acme/widgets', pr.number, 'alice', 'hello');
    await lg.webhooks.idle();
    const comment = rx.received.find((r) => r.event === 'issue_comment');
    assert.ok(comment, JSON.stringify(rx.received.map((r) => r.event)));
    assert.equal(comment.signatureValid, true);
    const recorded = [...lg.state.deliveries.values()].find((d) => d.guid === comment.delivery);
    assert.equal(recorded?.status, 'OK');
    assert.equal(recorded?.status_code, 200);
    assert.equal(recorded?.response?.payload, 'thanks');
    assert.ok(recorded && recorded.duration > 0 && recorded.duration < 10, `duration ${recorded?.duration}`);

    // A receiver that is gone: recorded as a failed connection, as GitHub does.
    await rx.close();
    a.comment('acme/widgets', pr.number, 'alice', 'anyone there?');
    await lg.webhooks.idle();
    const last = [...lg.state.deliveries.values()].at(-1);
    assert.equal(last?.status, 'failed to connect to host');
    assert.equal(last?.status_code, 0);
  } finally {
    await lg.close();
  }
  // After close the thread is gone: a delivery fails instead of hanging.
  const lost = await lg.webhooks.deliver('ping', { zen: 'gone' }, lg.webhooks.receiversFor(lg.admin.repo('acme/widgets'), 'issue_comment'));
  assert.ok(lost.every((d) => d.status === 'failed to connect to host'), JSON.stringify(lost.map((d) => d.status)));
});

test('the sender thread takes an owned byte body without a copy, and copies a view of a shared buffer first', async () => {
  const rx = await startReceiver('s');
  const sender = threadSender();
  try {
    const owned = new TextEncoder().encode('{"zen":"owned"}');
    const r1 = await sender.post(rx.url, { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd1' }, owned, 5000, 1000);
    assert.equal(r1.status, 200);
    assert.equal(owned.byteLength, 0, 'transferred: the caller no longer holds it');
    // A small Buffer is a view of Node's shared pool: transferring it would detach every other pooled Buffer.
    const pooled = Buffer.from('{"zen":"pooled"}');
    const neighbour = Buffer.from('still here');
    assert.equal(pooled.buffer, neighbour.buffer, 'both come from the pool (the case under test)');
    const r2 = await sender.post(rx.url, { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd2' }, pooled, 5000, 1000);
    assert.equal(r2.status, 200);
    assert.equal(pooled.toString(), '{"zen":"pooled"}');
    assert.equal(neighbour.toString(), 'still here');
    // A view of part of a larger buffer: sent as a copy, the larger buffer stays the caller's.
    const whole = new Uint8Array(64);
    const text = new TextEncoder().encode('{"zen":"view"}');
    whole.set(text, 8);
    const r3 = await sender.post(rx.url, { 'content-type': 'application/json', 'x-github-event': 'ping', 'x-github-delivery': 'd3' }, whole.subarray(8, 8 + text.length), 5000, 1000);
    assert.equal(r3.status, 200);
    assert.equal(whole.byteLength, 64, 'not detached');
    assert.deepEqual(rx.received.map((r) => r.payload), [{ zen: 'owned' }, { zen: 'pooled' }, { zen: 'view' }]);
  } finally {
    await sender.close();
    await rx.close();
  }
});
