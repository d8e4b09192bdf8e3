/**
 * Schema migrations, in code so they ship with the service (Kysely Migrator). Written once for both
 * dialects; only the auto-increment primary key and BIGINT differ. Never edit a released migration: add one.
 */
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { writeTransaction, type DbDriver, type ServiceDb } from './connect.js';
import { shardOf } from './shard.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run against the schema as it was, not today's types
type AnyDb = Kysely<any>;

function migrations(driver: DbDriver): Record<string, Migration> {
  // Auto-increment primary key and 64-bit integer, per dialect.
  const serial = driver === 'postgres' ? 'serial' : 'integer';
  const bigint = driver === 'postgres' ? 'bigint' : 'integer';
  const autoPk = (col: string, table: ReturnType<AnyDb['schema']['createTable']>) =>
    driver === 'postgres'
      ? table.addColumn(col, sql.raw(serial), (c) => c.primaryKey())
      : table.addColumn(col, 'integer', (c) => c.primaryKey().autoIncrement());

  return {
    '001_checks_out_tables': {
      // Spec §16.1: the original's final tables (user_email dropped, user_scopes and repo_org added).
      async up(db: AnyDb) {
        await autoPk('user_id', db.schema.createTable('users'))
          .addColumn('user_login', 'text', (c) => c.notNull().unique())
          .addColumn('user_token', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('user_avatar', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('user_secret', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('user_scopes', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await autoPk('repo_id', db.schema.createTable('repos'))
          .addColumn('repo_user_id', 'integer', (c) => c.notNull())
          .addColumn('repo_owner', 'text', (c) => c.notNull())
          .addColumn('repo_name', 'text', (c) => c.notNull())
          .addColumn('repo_slug', 'text', (c) => c.notNull().unique())
          .addColumn('repo_link', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('repo_private', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('repo_secret', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('repo_org', 'integer', (c) => c.notNull().defaultTo(0))
          .execute();
        await db.schema.createIndex('ix_repo_owner').on('repos').column('repo_owner').execute();
        await db.schema.createIndex('ix_repo_user_id').on('repos').column('repo_user_id').execute();
        await db.schema.createTable('limit_users').addColumn('login', 'text', (c) => c.notNull().unique()).execute();
        await db.schema.createTable('limit_orgs').addColumn('org', 'text', (c) => c.notNull().unique()).execute();
        await autoPk('org_id', db.schema.createTable('orgs'))
          .addColumn('org_user_id', 'integer', (c) => c.notNull())
          .addColumn('org_owner', 'text', (c) => c.notNull().unique())
          .addColumn('org_link', 'text', (c) => c.notNull().defaultTo(''))
          .addColumn('org_private', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('org_secret', 'text', (c) => c.notNull().defaultTo(''))
          .execute();
        await db.schema.createIndex('ix_org_user_id').on('orgs').column('org_user_id').execute();
        await autoPk('id', db.schema.createTable('slack_urls'))
          .addColumn('host_name', 'text', (c) => c.notNull())
          .addColumn('user', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addUniqueConstraint('uq_slack_host_user', ['host_name', 'user'])
          .execute();
        await db.schema
          .createTable('installations')
          .addColumn('installation_id', sql.raw(bigint), (c) => c.primaryKey())
          .addColumn('account_login', 'text', (c) => c.notNull())
          .addColumn('account_type', 'text', (c) => c.notNull())
          .addColumn('suspended', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('updated_at', sql.raw(bigint), (c) => c.notNull())
          .execute();
      },
    },
    '002_event_queue': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('event', 'text', (c) => c.notNull())
          .addColumn('action', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('received_at', sql.raw(bigint), (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('lease_owner', 'text')
          .addColumn('lease_expires_at', sql.raw(bigint))
          .addColumn('run_after', sql.raw(bigint), (c) => c.notNull())
          .addColumn('job_key', 'text', (c) => c.notNull())
          .addColumn('pr_key', 'text')
          .addColumn('repo', 'text')
          .addColumn('last_error', 'text')
          .addColumn('completed_at', sql.raw(bigint))
          .execute();
        await db.schema.createIndex('ix_deliveries_key_status').on('deliveries').columns(['job_key', 'status']).execute();
        await db.schema.createIndex('ix_deliveries_status').on('deliveries').columns(['status', 'received_at']).execute();
        await db.schema
          .createTable('queue_keys')
          .addColumn('job_key', 'text', (c) => c.primaryKey())
          .addColumn('lease_owner', 'text')
          .addColumn('lease_expires_at', sql.raw(bigint))
          .addColumn('run_after', sql.raw(bigint), (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ix_queue_keys_run_after').on('queue_keys').column('run_after').execute();
      },
    },
    '003_push_times_and_decisions': {
      async up(db: AnyDb) {
        await db.schema
          .createTable('push_times')
          .addColumn('repo', 'text', (c) => c.notNull())
          .addColumn('sha', 'text', (c) => c.notNull())
          .addColumn('pushed_at', sql.raw(bigint), (c) => c.notNull())
          .addColumn('source', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('pk_push_times', ['repo', 'sha'])
          .execute();
        await autoPk('id', db.schema.createTable('decisions'))
          .addColumn('repo', 'text', (c) => c.notNull())
          .addColumn('pr_number', 'integer', (c) => c.notNull())
          .addColumn('head_sha', 'text', (c) => c.notNull())
          .addColumn('policy', 'text')
          .addColumn('approvers', 'text', (c) => c.notNull())
          .addColumn('disapprovers', 'text', (c) => c.notNull())
          .addColumn('config_hash', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('decided_at', sql.raw(bigint), (c) => c.notNull())
          .addColumn('deliveries', 'text', (c) => c.notNull().defaultTo('[]'))
          .execute();
        await db.schema.createIndex('ix_decisions_pr').on('decisions').columns(['repo', 'pr_number', 'decided_at']).execute();
      },
    },
    '004_queue_keys_has_work': {
      // Claims look only at keys with work (or an expired lease) instead of scanning every PR ever seen.
      async up(db: AnyDb) {
        await db.schema.alterTable('queue_keys').addColumn('has_work', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await sql`update queue_keys set has_work = 1 where exists (select 1 from deliveries d where d.job_key = queue_keys.job_key and d.status = 'pending')`.execute(db);
        await db.schema.createIndex('ix_queue_keys_has_work').on('queue_keys').columns(['has_work', 'run_after']).execute();
        await db.schema.createIndex('ix_queue_keys_lease').on('queue_keys').column('lease_expires_at').execute();
      },
    },
    '005_queue_key_shards': {
      // Worker threads claim by shard (see shard.ts). The claim is one ordered scan of the "active" keys
      // (with work, or leased): a partial index holds only those, in claim order, with every column the
      // claim filters on, so idle keys (every PR ever seen) cost nothing and no table lookup is needed.
      // It replaces the three indexes the claim used before, which every claim and release had to update.
      async up(db: AnyDb) {
        await db.schema.alterTable('queue_keys').addColumn('shard', 'integer', (c) => c.notNull().defaultTo(0)).execute();
        await backfillShards(db);
        await db.schema
          .createIndex('ix_queue_keys_active')
          .on('queue_keys')
          .columns(['run_after', 'job_key', 'shard', 'has_work', 'lease_expires_at'])
          .where(sql<boolean>`has_work = 1 or lease_expires_at is not null`)
          .execute();
        for (const ix of ['ix_queue_keys_has_work', 'ix_queue_keys_lease', 'ix_queue_keys_run_after']) await db.schema.dropIndex(ix).execute();
      },
    },
    '006_decisions_by_head': {
      // The pipeline looks up the latest decision for a head SHA (ORDER BY decided_at DESC, id DESC LIMIT 1):
      // the newest comes first straight from the index, no sort.
      async up(db: AnyDb) {
        await db.schema.createIndex('ix_decisions_head').on('decisions').columns(['repo', 'head_sha', 'decided_at', 'id']).execute();
      },
    },
    '007_check_runs': {
      // The check run opened on a head, so that another thread, process or a restart updates it instead of
      // opening another; `decision` is the token of the decision it was completed with (see handler.ts).
      async up(db: AnyDb) {
        await db.schema
          .createTable('check_runs')
          .addColumn('repo', 'text', (c) => c.notNull())
          .addColumn('head_sha', 'text', (c) => c.notNull())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('run_id', sql.raw(bigint), (c) => c.notNull())
          .addColumn('decision', 'text', (c) => c.notNull())
          .addColumn('updated_at', sql.raw(bigint), (c) => c.notNull())
          .addPrimaryKeyConstraint('pk_check_runs', ['repo', 'head_sha', 'name'])
          .execute();
      },
    },
    '008_membership_changes': {
      // One row per org/team membership change seen in a webhook: every thread and process compares the
      // newest id with the one it last saw before trusting its cached membership answers.
      async up(db: AnyDb) {
        await autoPk('id', db.schema.createTable('membership_changes'))
          .addColumn('org', 'text', (c) => c.notNull())
          .addColumn('changed_at', sql.raw(bigint), (c) => c.notNull())
          .execute();
      },
    },
    '009_check_runs_by_age': {
      // The hourly purge deletes the runs of heads untouched for a while: by index, not a scan under the write lock.
      async up(db: AnyDb) {
        await db.schema.createIndex('ix_check_runs_updated').on('check_runs').column('updated_at').execute();
      },
    },
  };
}

/** Sets `shard` on existing keys, one UPDATE per shard value (bounded IN lists), in the migration's transaction. */
async function backfillShards(db: AnyDb): Promise<void> {
  const rows: { job_key: string }[] = await db.selectFrom('queue_keys').select('job_key').execute();
  const byShard = new Map<number, string[]>();
  for (const { job_key } of rows) {
    const s = shardOf(job_key);
    const list = byShard.get(s);
    if (list) list.push(job_key);
    else byShard.set(s, [job_key]);
  }
  for (const [shard, keys] of byShard) {
    for (let i = 0; i < keys.length; i += 500) {
      await db.updateTable('queue_keys').set({ shard }).where('job_key', 'in', keys.slice(i, i + 500)).execute();
    }
  }
}

class InCodeProvider implements MigrationProvider {
  constructor(private readonly driver: DbDriver) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return migrations(this.driver);
  }
}

/**
 * Applies every pending migration (or those up to and including `options.upTo`, for tests of a migration
 * over older data); throws with the failing migration's name on error.
 */
export async function migrateToLatest(sdb: ServiceDb, options: { upTo?: string } = {}): Promise<MigrationResultSet> {
  const provider = new InCodeProvider(sdb.driver);
  const { upTo } = options;
  if (upTo !== undefined && !migrationNames(sdb.driver).includes(upTo)) throw new Error(`unknown migration ${upTo}`);
  const run = (m: Migrator) => (upTo === undefined ? m.migrateToLatest() : m.migrateTo(upTo));
  let result: MigrationResultSet;
  if (sdb.driver === 'postgres') {
    // Kysely's PostgreSQL adapter takes an advisory lock and runs the DDL in a transaction.
    result = await run(new Migrator({ db: sdb.db, provider }));
  } else {
    // Kysely's SQLite adapter has no lock (it assumes one process). Run the whole migration inside one
    // BEGIN IMMEDIATE transaction instead, so a second process starting on the same file waits, then
    // finds nothing left to do; any failure rolls everything back.
    result = await writeTransaction(sdb, async (trx) => {
      const r = await run(new Migrator({ db: trx, provider, disableTransactions: true }));
      if (r.error) throw new MigrationFailed(r);
      return r;
    }).catch((err: unknown) => {
      if (err instanceof MigrationFailed) return err.result;
      throw err;
    });
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(result.error as Error).message ?? String(result.error)}`);
  }
  return result;
}

class MigrationFailed extends Error {
  constructor(readonly result: MigrationResultSet) {
    super('migration failed');
  }
}

export function migrationNames(driver: DbDriver): string[] {
  return Object.keys(migrations(driver)).sort();
}
