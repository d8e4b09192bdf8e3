import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import type { ServiceDb } from '../../../src/service/db/connect.js';
import { JobQueue, jobKeyFor, shardOf, type EnqueueInput } from '../../../src/service/queue/queue.js';
import { testDatabases } from '../helpers/databases.js';
import type { ShardThreadData, ShardThreadJob } from './shard-thread.js';

const require = createRequire(import.meta.url);
const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
const body = new URL('./shard-thread.ts', import.meta.url).href;

/** A worker thread running shard-thread.ts (tsx registered in the thread first); jobs it reports land in `jobs`. */
function startThread(data: ShardThreadData, jobs: ShardThreadJob[]): Worker {
  const boot = `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(body)}); });`;
  const w = new Worker(boot, { eval: true, workerData: data, execArgv: [] });
  w.on('message', (m: ShardThreadJob | 'stopped') => {
    if (m !== 'stopped') jobs.push(m);
  });
  return w;
}

async function stop(w: Worker): Promise<void> {
  const stopped = new Promise<void>((resolve) => w.on('message', (m) => m === 'stopped' && resolve()));
  w.postMessage('stop');
  await stopped;
  await w.terminate();
}

function delivery(id: string, prKey: string): EnqueueInput {
  return { id, event: 'issue_comment', payload: '{}', prKey, repo: 'o/r' };
}

async function fileOf(sdb: ServiceDb): Promise<string> {
  const r = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(sdb.db);
  return r.rows[0].file;
}

const sqlite = testDatabases().find((k) => k.name === 'sqlite')!;

test('worker threads on one SQLite file: every PR stays on its shard thread, every delivery runs once', async () => {
  const t = await sqlite.create();
  const threads: Worker[] = [];
  try {
    const file = await fileOf(t.sdb);
    const jobs: ShardThreadJob[] = [];
    for (let index = 0; index < 2; index++) threads.push(startThread({ file, index, count: 2, leaseMs: 30_000, mode: 'drain' }, jobs));
    const q = new JobQueue(t.sdb, { leaseMs: 30_000, maxAttempts: 5 });
    const ids: string[] = [];
    for (let b = 0; b < 12; b++) {
      const batch = Array.from({ length: 10 }, (_, i) => delivery(`b${b}-${i}`, `o/r#${(b * 10 + i) % 25}`));
      ids.push(...batch.map((d) => d.id));
      await q.enqueueMany(batch);
      await new Promise((r) => setTimeout(r, 2));
    }
    while ((await q.depth()).done < ids.length) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(threads.splice(0).map(stop));
    const seen = jobs.flatMap((j) => j.deliveries).sort();
    assert.deepEqual(seen, [...ids].sort(), 'each delivery handled exactly once');
    for (const j of jobs) assert.equal(j.thread, shardOf(j.key) % 2, `${j.key} ran on its shard's thread`);
    assert.deepEqual(new Set(jobs.map((j) => j.thread)), new Set([0, 1]));
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
    await t.cleanup();
  }
});

test('a thread that dies mid-job: another shard takes its job over once the lease expires', async () => {
  const t = await sqlite.create();
  const threads: Worker[] = [];
  try {
    const file = await fileOf(t.sdb);
    let pr = '';
    for (let n = 1; !pr; n++) if (shardOf(jobKeyFor('-', `o/r#${n}`)) % 2 === 0) pr = `o/r#${n}`;
    const q = new JobQueue(t.sdb, { leaseMs: 500, maxAttempts: 5 });
    await q.enqueueMany([delivery('victim-1', pr), delivery('victim-2', pr)]);
    const hung: ShardThreadJob[] = [];
    const doomed = startThread({ file, index: 0, count: 2, leaseMs: 500, mode: 'hang' }, hung);
    await once(doomed, 'message');
    assert.deepEqual(hung[0]?.deliveries, ['victim-1', 'victim-2']);
    await doomed.terminate(); // the thread is gone, its lease is not renewed
    assert.deepEqual(await q.depth(), { pending: 0, running: 2, done: 0, failed: 0 });
    const jobs: ShardThreadJob[] = [];
    threads.push(startThread({ file, index: 1, count: 2, leaseMs: 500, mode: 'drain' }, jobs));
    while ((await q.depth()).done < 2) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(threads.splice(0).map(stop));
    assert.deepEqual(jobs, [{ thread: 1, key: `pr:${pr}`, deliveries: ['victim-1', 'victim-2'], attempts: [2, 2] }]);
  } finally {
    await Promise.all(threads.map((w) => w.terminate()));
    await t.cleanup();
  }
});
