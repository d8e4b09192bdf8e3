/**
 * Opens the database: better-sqlite3 (embedded default, WAL, busy timeout so several processes can share a
 * file) or a pg pool. BIGINT columns are parsed to numbers because every BIGINT here is an epoch-ms time
 * or a count, far below 2^53.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from 'kysely';
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
    // No in-driver busy wait: better-sqlite3 would block the event loop while the lock holder (possibly in
    // this very process) cannot proceed. writeTransaction retries asynchronously instead.
    file.pragma('busy_timeout = 0');
    file.pragma('foreign_keys = ON');
    file.pragma('synchronous = NORMAL');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
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

const BUSY_GIVE_UP_MS = 15_000;

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

const STATEMENT_CACHE = 256;

/**
 * Kysely prepares every query afresh; the service runs a handful of query shapes over and over, and
 * preparing was an eighth of the intake's CPU. Statements are reusable in better-sqlite3, so keep the
 * recent ones (bounded LRU keyed by SQL text).
 */
function withStatementCache(file: BetterSqlite3.Database): SqliteDatabase {
  const cache = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => file.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (stmt) {
        cache.delete(text);
      } else {
        stmt = file.prepare(text);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(text, stmt);
      return stmt;
    },
  };
}

/**
 * Runs `fn` in a write transaction; every write of the service goes through here. On SQLite it is
 * `BEGIN IMMEDIATE` (the write lock up front, so two processes sharing the file serialise instead of failing
 * to upgrade a read lock), retried with a short async backoff while another connection holds the lock.
 */
export async function writeTransaction<T>(sdb: ServiceDb, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (sdb.driver === 'postgres') return sdb.db.transaction().execute(fn);
  return sdb.db.connection().execute(async (conn) => {
    const started = Date.now();
    for (let wait = 1; ; wait = Math.min(wait * 2, 50)) {
      try {
        await sql`begin immediate`.execute(conn);
        break;
      } catch (err) {
        if (!isBusy(err) || Date.now() - started > BUSY_GIVE_UP_MS) throw err;
        await new Promise((r) => setTimeout(r, wait * (0.5 + Math.random())));
      }
    }
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
