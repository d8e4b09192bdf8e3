import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { ServiceDb } from '../../src/service/db/connect.js';
import { JobQueue } from '../../src/service/queue/queue.js';
import { Worker } from '../../src/service/queue/worker.js';
import { testDatabases } from './helpers/databases.js';
import { testLogger } from './helpers/logger.js';

const fixture = fileURLToPath(new URL('./fixtures/hanging-worker.ts', import.meta.url));

test('kill -9 in the middle of a job loses nothing: the job runs again once the lease expires', async () => {
  const sqlite = testDatabases().find((k) => k.name === 'sqlite')!;
  const t = await sqlite.create();
  try {
    const queue = new JobQueue(t.sdb, { leaseMs: 1000, maxAttempts: 5 });
    await queue.enqueue({ id: 'victim-1', event: 'issue_comment', action: 'created', payload: '{}', prKey: 'o/r#1', repo: 'o/r' });
    await queue.enqueue({ id: 'victim-2', event: 'pull_request_review', action: 'submitted', payload: '{}', prKey: 'o/r#1', repo: 'o/r' });
    const dbPath = await dbFileOf(t.sdb);
    const child = spawn(process.execPath, ['--import', 'tsx', fixture, dbPath, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: child.stdout! });
    const [first] = (await once(lines, 'line')) as [string];
    assert.equal(first, 'claimed victim-1,victim-2');
    child.kill('SIGKILL');
    await once(child, 'exit');
    assert.deepEqual(await queue.depth(), { pending: 0, running: 2, done: 0, failed: 0 }, 'the dead worker left its job running');

    const handled: string[][] = [];
    const worker = new Worker({
      queue,
      logger: testLogger,
      id: 'survivor',
      concurrency: 1,
      leaseMs: 1000,
      pollMs: 50,
      handler: async (job) => {
        handled.push(job.deliveries.map((d) => `${d.id}@${d.attempts}`));
      },
    });
    worker.start();
    while ((await queue.depth()).done < 2) await new Promise((r) => setTimeout(r, 50));
    await worker.stop();
    assert.deepEqual(handled, [['victim-1@2', 'victim-2@2']]);
  } finally {
    await t.cleanup();
  }
});

async function dbFileOf(sdb: ServiceDb): Promise<string> {
  const r = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(sdb.db);
  return r.rows[0].file;
}
