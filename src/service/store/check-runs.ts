/**
 * The check run checks-out last opened or completed on each head (per run name), what it shows, so that a
 * restart, another worker thread or another process updates that run instead of opening a new one (one
 * write instead of two), and a retry completes the run its failed attempt opened instead of leaving it
 * `in_progress`. The pipeline keeps an in-memory memo as the fast path and falls back to this.
 * Repository names are stored lower-case (GitHub names are case-insensitive).
 *
 * What the run shows is kept in the `decision` column as `<decision token>\n<annotations digest>`: GitHub
 * appends annotations on every update, so whoever updates the run must know which ones it already carries.
 * A value without the digest (written before it was kept, or while annotations were being sent) means
 * "unknown": such a run is replaced rather than updated when the report has annotations or it might.
 */
import type { Kysely } from 'kysely';
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';

export interface StoredCheckRun {
  repo: string;
  headSha: string;
  name: string;
  runId: number;
  /**
   * `decisionToken` of the decision the run was (or is being) completed with; for a run opened
   * `in_progress`, that of the PR's latest decision when it was opened (`pr#<n>` when there was none).
   */
  decision: string;
  /** Digest of the annotations the run carries ('' none); absent when not known. */
  annotations?: string;
  at: number;
}

/** A delivery id (a header value) cannot hold a line break, so neither can a decision token. */
const DIGEST_SEPARATOR = '\n';

export function encodeShown(decision: string, annotations: string | undefined): string {
  return annotations === undefined ? decision : `${decision}${DIGEST_SEPARATOR}${annotations}`;
}

export function decodeShown(value: string): { decision: string; annotations?: string } {
  const at = value.lastIndexOf(DIGEST_SEPARATOR);
  return at < 0 ? { decision: value } : { decision: value.slice(0, at), annotations: value.slice(at + 1) };
}

/** Upserts inside a caller's write transaction (recordDecision writes it with the decision it reports). */
export async function putCheckRun(trx: Kysely<Database>, r: StoredCheckRun): Promise<void> {
  const decision = encodeShown(r.decision, r.annotations);
  const values = { repo: r.repo.toLowerCase(), head_sha: r.headSha, name: r.name, run_id: r.runId, decision, updated_at: r.at };
  await trx
    .insertInto('check_runs')
    .values(values)
    .onConflict((oc) => oc.columns(['repo', 'head_sha', 'name']).doUpdateSet({ run_id: values.run_id, decision: values.decision, updated_at: values.updated_at }))
    .execute();
}

export async function saveCheckRun(sdb: ServiceDb, r: StoredCheckRun): Promise<void> {
  await writeTransaction(sdb, (trx) => putCheckRun(trx, r));
}

/** The run stored for (repo, head, name), or undefined. */
export async function storedCheckRun(sdb: ServiceDb, repo: string, headSha: string, name: string): Promise<{ runId: number; decision: string; annotations?: string } | undefined> {
  const row = await sdb.db
    .selectFrom('check_runs')
    .select(['run_id', 'decision'])
    .where('repo', '=', repo.toLowerCase())
    .where('head_sha', '=', headSha)
    .where('name', '=', name)
    .executeTakeFirst();
  // PostgreSQL BIGINT may come back as a string depending on the driver's parsers.
  return row === undefined ? undefined : { runId: Number(row.run_id), ...decodeShown(row.decision) };
}

/**
 * Rows not updated for `olderThanMs` are deleted (hourly, with the finished deliveries): a head that old
 * is rarely evaluated again, and if it is, the evaluation opens a new run (one write more). Returns how many.
 */
export async function purgeCheckRuns(sdb: ServiceDb, olderThanMs: number, now = Date.now()): Promise<number> {
  const r = await writeTransaction(sdb, (trx) => trx.deleteFrom('check_runs').where('updated_at', '<', now - olderThanMs).executeTakeFirst());
  return Number(r.numDeletedRows);
}
