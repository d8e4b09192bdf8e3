import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { openDatabase, writeTransaction } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';

const require = createRequire(import.meta.url);

async function withFile(fn: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-connect-'));
  try {
    await fn(join(dir, 'db.sqlite'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Another thread takes the write lock, reports it, and commits on its own after `holdMs`. */
async function lockFromAnotherThread(file: string, holdMs: number): Promise<Worker> {
  const code = `
    const { workerData, parentPort } = require('node:worker_threads');
    const db = new (require(workerData.driver))(workerData.file);
    db.exec('begin immediate');
    db.prepare("insert into limit_users (login) values ('from-thread')").run();
    parentPort.postMessage('locked');
    setTimeout(() => { db.exec('commit'); db.close(); parentPort.postMessage('released'); }, workerData.holdMs);
  `;
  const w = new Worker(code, { eval: true, workerData: { file, holdMs, driver: require.resolve('better-sqlite3') } });
  const [msg] = (await once(w, 'message')) as [string];
  assert.equal(msg, 'locked');
  return w;
}

test('busyTimeoutMs / busyRetryMaxMs: validated, default 0, applied to the connection', async () => {
  await withFile(async (file) => {
    for (const bad of [0, -1, 2.5, Number.NaN, 1001]) assert.throws(() => openDatabase('sqlite', file, { busyRetryMaxMs: bad }), RangeError, String(bad));
    for (const bad of [-1, 1.5, Number.NaN, 60_001, Infinity]) {
      assert.throws(() => openDatabase('sqlite', file, { busyTimeoutMs: bad }), RangeError, String(bad));
      assert.throws(() => openDatabase('postgres', 'postgres://x@127.0.0.1:1/x', { busyTimeoutMs: bad }), RangeError);
    }
    const timeoutOf = async (options: { busyTimeoutMs?: number }) => {
      const sdb = openDatabase('sqlite', file, options);
      try {
        const r = await sql<{ timeout: number }>`pragma busy_timeout`.execute(sdb.db);
        return r.rows[0]?.timeout;
      } finally {
        await sdb.close();
      }
    };
    assert.equal(await timeoutOf({}), 0);
    assert.equal(await timeoutOf({ busyTimeoutMs: 25 }), 25);
  });
});

for (const [busyTimeoutMs, busyRetryMaxMs] of [[0, 50], [0, 1], [10_000, 50]]) {
  test(`a write waits for a lock held by another thread (busyTimeoutMs ${busyTimeoutMs}, busyRetryMaxMs ${busyRetryMaxMs})`, async () => {
    await withFile(async (file) => {
      const setup = openDatabase('sqlite', file);
      await migrateToLatest(setup);
      await setup.close();
      const sdb = openDatabase('sqlite', file, { busyTimeoutMs, busyRetryMaxMs });
      assert.equal(sdb.busyRetryMaxMs, busyRetryMaxMs);
      try {
        const w = await lockFromAnotherThread(file, 30);
        const exited = once(w, 'exit');
        await writeTransaction(sdb, (trx) => trx.insertInto('limit_users').values({ login: 'main' }).execute());
        await exited;
        const logins = await sdb.db.selectFrom('limit_users').select('login').orderBy('login').execute();
        assert.deepEqual(logins.map((r) => r.login), ['from-thread', 'main'], 'the other thread committed first');
      } finally {
        await sdb.close();
      }
    });
  });
}
