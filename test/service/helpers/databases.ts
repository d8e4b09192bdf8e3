/**
 * Real databases for service tests: a SQLite file in a fresh temp dir, and (when TEST_PG_URL is set, which
 * .ci/run always does) a fresh PostgreSQL database per call. Suites loop over `testDatabases()` so both
 * dialects run the same assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type ServiceDb } from '../../../src/service/db/connect.js';
import { migrateToLatest } from '../../../src/service/db/migrations.js';

export interface TestDb {
  sdb: ServiceDb;
  /** Opens another independent connection (pool) to the same database: a second "process". */
  openAnother(): ServiceDb;
  cleanup(): Promise<void>;
}

export interface TestDatabaseKind {
  name: 'sqlite' | 'postgres';
  /** Why this kind is skipped, or undefined when it runs. */
  skip: string | undefined;
  create(options?: { migrate?: boolean }): Promise<TestDb>;
}

const PG_URL = process.env.TEST_PG_URL;
let warned = false;

export function testDatabases(): TestDatabaseKind[] {
  // CI must exercise PostgreSQL: .ci/run starts it, so a missing URL there is a broken setup, not a skip.
  if (!PG_URL && process.env.CI === 'true') throw new Error('TEST_PG_URL must be set in CI (see scripts/ci-postgres.sh)');
  if (!PG_URL && !warned) {
    warned = true;
    console.log('# TEST_PG_URL is not set: PostgreSQL variants are SKIPPED (run scripts/ci-postgres.sh to enable them)');
  }
  return [
    { name: 'sqlite', skip: undefined, create: createSqlite },
    { name: 'postgres', skip: PG_URL ? undefined : 'TEST_PG_URL not set (run scripts/ci-postgres.sh)', create: createPostgres },
  ];
}

async function createSqlite(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'checks-out-test-'));
  const file = join(dir, 'test.sqlite');
  const opened: ServiceDb[] = [];
  const open = () => {
    const s = openDatabase('sqlite', file);
    opened.push(s);
    return s;
  };
  const sdb = open();
  if (options.migrate !== false) await migrateToLatest(sdb);
  return {
    sdb,
    openAnother: open,
    async cleanup() {
      for (const s of opened) await s.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgres(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_URL as string);
  url.pathname = `/${name}`;
  const opened: ServiceDb[] = [];
  const open = () => {
    const s = openDatabase('postgres', url.toString(), { poolSize: 4 });
    opened.push(s);
    return s;
  };
  const sdb = open();
  if (options.migrate !== false) await migrateToLatest(sdb);
  return {
    sdb,
    openAnother: open,
    async cleanup() {
      for (const s of opened) await s.close().catch(() => {});
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** Runs `fn` on a fresh database of one kind, cleaning it up afterwards whatever happens. */
export async function withDb(create: () => Promise<TestDb>, fn: (t: TestDb) => Promise<void>): Promise<void> {
  const t = await create();
  try {
    await fn(t);
  } finally {
    await t.cleanup();
  }
}
