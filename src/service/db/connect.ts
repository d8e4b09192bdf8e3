/**
 * Opens the database: better-sqlite3 (embedded default, WAL, several processes or threads may share the
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
  /** SQLite: longest pause between two tries of a busy write lock (OpenOptions.busyRetryMaxMs). */
  busyRetryMaxMs?: number;
  /**
   * SQLite: copy what the WAL holds into the database file without waiting for readers or blocking writers
   * (PRAGMA wal_checkpoint(PASSIVE)); for connections opened with `autoCheckpoint: false`.
   */
  checkpoint?: () => { walFrames: number; checkpointed: number };
}

const INT8_OID = 20;
const BUSY_GIVE_UP_MS = 15_000;
const DEFAULT_RETRY_MAX_MS = 2;

export interface OpenOptions {
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /**
   * SQLite: how long the driver itself waits (blocking this thread) for another connection's write lock
   * before writeTransaction's async retry takes over. Default 0: when the lock holder is another connection
   * on this same thread it cannot progress while we block, so the whole timeout is lost. Only worth setting
   * when every other connection to the file lives in another thread or process (bench/service/queue-contention.ts
   * measures it).
   */
  busyTimeoutMs?: number;
  /**
   * SQLite: writeTransaction's async retry backs off exponentially from ~1 ms up to this (default 2 ms).
   * Write transactions here are short, so the lock frees within a millisecond or two; a failed try costs
   * microseconds, while a long sleep only adds latency (enqueue p99 against two worker threads: ~150 ms
   * with a 50 ms cap, ~20 ms with 2 ms; bench/service/queue-contention.ts).
   */
  busyRetryMaxMs?: number;
  /**
   * SQLite: let a commit checkpoint the WAL when it has grown past 1000 pages (SQLite's default, true).
   * false moves that work off the commit path: a checkpoint copies pages into the database file and
   * syncs it, which stalled the committing thread for tens of milliseconds under load (webhook payloads
   * fill the WAL quickly); someone must then call `checkpoint()` regularly (a worker thread does).
   */
  autoCheckpoint?: boolean;
}

export function openDatabase(driver: DbDriver, source: string, options: OpenOptions = {}): ServiceDb {
  const busyTimeoutMs = options.busyTimeoutMs ?? 0;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0 || busyTimeoutMs > 60_000) {
    throw new RangeError(`busyTimeoutMs must be an integer from 0 to 60000, got ${String(options.busyTimeoutMs)}`);
  }
  const busyRetryMaxMs = options.busyRetryMaxMs ?? DEFAULT_RETRY_MAX_MS;
  if (!Number.isInteger(busyRetryMaxMs) || busyRetryMaxMs < 1 || busyRetryMaxMs > 1000) {
    throw new RangeError(`busyRetryMaxMs must be an integer from 1 to 1000, got ${String(options.busyRetryMaxMs)}`);
  }
  if (driver === 'sqlite') {
    const file = new BetterSqlite3(source);
    file.pragma('journal_mode = WAL');
    // By default no in-driver busy wait (see OpenOptions.busyTimeoutMs): writeTransaction retries
    // asynchronously instead.
    file.pragma(`busy_timeout = ${busyTimeoutMs}`);
    file.pragma('foreign_keys = ON');
    file.pragma('synchronous = NORMAL');
    if (options.autoCheckpoint === false) file.pragma('wal_autocheckpoint = 0');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(file) }) });
    return {
      db,
      driver,
      close: () => db.destroy(),
      busyRetryMaxMs,
      checkpoint: () => {
        const [row] = file.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
        return { walFrames: row?.log ?? 0, checkpointed: row?.checkpointed ?? 0 };
      },
    };
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

/** SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock. */
export function isBusy(err: unknown): boolean {
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
    const cap = sdb.busyRetryMaxMs ?? DEFAULT_RETRY_MAX_MS;
    for (let wait = 1; ; wait = Math.min(wait * 2, cap)) {
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
