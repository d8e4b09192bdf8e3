/**
 * Opens the database: better-sqlite3 (embedded default, WAL, busy timeout so several processes can share a
 * file) or a pg pool. BIGINT columns are parsed to numbers because every BIGINT here is an epoch-ms time
 * or a count, far below 2^53.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';

export type DbDriver = 'sqlite' | 'postgres';

export interface ServiceDb {
  db: Kysely<Database>;
  driver: DbDriver;
  close(): Promise<void>;
}

const INT8_OID = 20;

export function openDatabase(driver: DbDriver, source: string, options: { poolSize?: number } = {}): ServiceDb {
  if (driver === 'sqlite') {
    const file = new BetterSqlite3(source);
    file.pragma('journal_mode = WAL');
    file.pragma('busy_timeout = 10000');
    file.pragma('foreign_keys = ON');
    file.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: file }) });
    return { db, driver, close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: source,
    max: options.poolSize ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, driver, close: () => db.destroy() };
}

/**
 * Runs `fn` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`: the write lock is taken up front,
 * so two processes sharing the file serialise instead of failing to upgrade a read lock.
 */
export async function writeTransaction<T>(sdb: ServiceDb, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (sdb.driver === 'postgres') return sdb.db.transaction().execute(fn);
  return sdb.db.connection().execute(async (conn) => {
    await sql`begin immediate`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`commit`.execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => {});
      throw err;
    }
  });
}
