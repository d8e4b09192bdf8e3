/**
 * WAL checkpoints off the commit path (`autoCheckpoint: false` + `checkpoint()`), the layout worker threads
 * use so the intake's commits never copy the WAL into the database file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, writeTransaction } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';
import { JobQueue } from '../../../src/service/queue/queue.js';

async function fill(queue: JobQueue, from: number, n: number): Promise<void> {
  const body = JSON.stringify({ filler: 'x'.repeat(12_000) });
  for (let i = from; i < from + n; i += 50) {
    await queue.enqueueMany(Array.from({ length: 50 }, (_, k) => ({ id: `d${i + k}`, event: 'push', payload: body, repo: 'o/r' })));
  }
}

test('without auto-checkpoints the WAL keeps every commit until checkpoint() copies it; the data stays readable', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-wal-'));
  const file = join(dir, 'db.sqlite');
  const sdb = openDatabase('sqlite', file, { autoCheckpoint: false });
  try {
    await migrateToLatest(sdb);
    const queue = new JobQueue(sdb, { leaseMs: 60_000, maxAttempts: 3 });
    await fill(queue, 0, 600); // ~7 MB: far past SQLite's 1000-page auto-checkpoint
    assert.ok(sdb.checkpoint, 'SQLite connections can checkpoint');
    const before = statSync(`${file}-wal`).size;
    assert.ok(before > 4_096_000, `the WAL grew past 1000 pages without a checkpoint (${before} bytes)`);
    const r = sdb.checkpoint();
    assert.ok(r.walFrames > 1000, JSON.stringify(r));
    assert.equal(r.checkpointed, r.walFrames, 'a passive checkpoint with no reader copies every frame');
    // The WAL is reused from the start after a full checkpoint, so it stops growing.
    await fill(queue, 600, 100);
    assert.ok(statSync(`${file}-wal`).size <= before, 'the WAL file is reused, not grown');
    assert.equal((await queue.depth()).pending, 700);
    // Writes keep working alongside (the checkpoint never blocks writers).
    await writeTransaction(sdb, (trx) => trx.deleteFrom('deliveries').where('id', '=', 'd0').execute());
    assert.equal((await queue.depth()).pending, 699);
  } finally {
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('by default SQLite checkpoints on commit: the WAL stays near 1000 pages', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-wal-'));
  const file = join(dir, 'db.sqlite');
  const sdb = openDatabase('sqlite', file);
  try {
    await migrateToLatest(sdb);
    await fill(new JobQueue(sdb, { leaseMs: 60_000, maxAttempts: 3 }), 0, 600);
    assert.ok(statSync(`${file}-wal`).size < 6_000_000, `auto-checkpointed WAL ${statSync(`${file}-wal`).size} bytes`);
  } finally {
    await sdb.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('PostgreSQL connections have no checkpoint() to call', () => {
  const sdb = openDatabase('postgres', 'postgres://nobody@127.0.0.1:1/none');
  assert.equal(sdb.checkpoint, undefined);
  return sdb.close();
});
