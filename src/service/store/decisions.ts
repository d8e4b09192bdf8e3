/**
 * The decision log: every approval decision reported for a PR, with what it was based on. The pipeline
 * uses `latestDecision` to refuse to report a result computed from an older head than one already reported,
 * and `latestDecisionForHead` to recognise the echo of its own commit status.
 */
import type { Selectable } from 'kysely';
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import { prepared } from '../db/prepared.js';
import type { DecisionsTable } from '../db/schema.js';
import { putCheckRun, type StoredCheckRun } from './check-runs.js';

export interface Decision {
  repo: string;
  prNumber: number;
  headSha: string;
  policy: string | null;
  approvers: string[];
  disapprovers: string[];
  configHash: string | null;
  state: string;
  description: string;
  decidedAt: number;
  deliveries: string[];
}

/**
 * Logs a decision; with `checkRun`, also stores the run it is reported on (same transaction: no extra
 * write per evaluation).
 */
export async function recordDecision(sdb: ServiceDb, d: Decision, checkRun?: StoredCheckRun): Promise<number> {
  return writeTransaction(sdb, async (trx) => {
    if (checkRun !== undefined) await putCheckRun(trx, checkRun);
    const row = await trx
      .insertInto('decisions')
      .values({
        repo: d.repo.toLowerCase(),
        pr_number: d.prNumber,
        head_sha: d.headSha,
        policy: d.policy,
        approvers: JSON.stringify(d.approvers),
        disapprovers: JSON.stringify(d.disapprovers),
        config_hash: d.configHash,
        state: d.state,
        description: d.description,
        decided_at: d.decidedAt,
        deliveries: JSON.stringify(d.deliveries),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  });
}

function parseList(text: string): string[] {
  try {
    const v: unknown = JSON.parse(text);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function selectDecisions(sdb: ServiceDb, repo: string) {
  return sdb.db.selectFrom('decisions').selectAll().where('repo', '=', repo.toLowerCase());
}

function toDecision(r: Selectable<DecisionsTable>): Decision {
  return {
    repo: r.repo,
    prNumber: r.pr_number,
    headSha: r.head_sha,
    policy: r.policy,
    approvers: parseList(r.approvers),
    disapprovers: parseList(r.disapprovers),
    configHash: r.config_hash,
    state: r.state,
    description: r.description,
    decidedAt: r.decided_at,
    deliveries: parseList(r.deliveries),
  };
}

export async function decisionsFor(sdb: ServiceDb, repo: string, prNumber: number, limit = 50): Promise<Decision[]> {
  const rows = await selectDecisions(sdb, repo)
    .where('pr_number', '=', prNumber)
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toDecision);
}

/** Read by every evaluation: compiled once. */
const latestForPr = prepared<{ repo: string; pr: number }, Selectable<DecisionsTable>>(['repo', 'pr'], (db, v) =>
  db.selectFrom('decisions').selectAll().where('repo', '=', v.repo).where('pr_number', '=', v.pr).orderBy('decided_at', 'desc').orderBy('id', 'desc').limit(1),
);

export async function latestDecision(sdb: ServiceDb, repo: string, prNumber: number): Promise<Decision | undefined> {
  const row = (await latestForPr(sdb.db, { repo: repo.toLowerCase(), pr: prNumber })).rows[0];
  return row === undefined ? undefined : toDecision(row);
}

/** The echo check runs for every `status` delivery intake receives: compiled once. */
const latestForHead = prepared<{ repo: string; head: string }, Selectable<DecisionsTable>>(['repo', 'head'], (db, v) =>
  db.selectFrom('decisions').selectAll().where('repo', '=', v.repo).where('head_sha', '=', v.head).orderBy('decided_at', 'desc').orderBy('id', 'desc').limit(1),
);

/**
 * The latest decision reported on commit `headSha` in `repo`, whichever PR it was for: the commit status
 * in our context says what it said, so a `status` delivery that says the same is the echo of our own post
 * and needs no GitHub call. (Served by an index on (repo, head_sha) when there is one; correct without.)
 */
export async function latestDecisionForHead(sdb: ServiceDb, repo: string, headSha: string): Promise<Decision | undefined> {
  const row = (await latestForHead(sdb.db, { repo: repo.toLowerCase(), head: headSha })).rows[0];
  return row === undefined ? undefined : toDecision(row);
}

/**
 * True when a status in our context says what checks-out last decided on that commit, whichever PR it was
 * for: the echo of our own post (or a copy of it), recognised without asking GitHub which PRs it heads.
 */
export async function isEchoOfLatestDecision(sdb: ServiceDb, repo: string, sha: string, claimed: { state: string; description: string }): Promise<boolean> {
  const d = await latestDecisionForHead(sdb, repo, sha);
  return d !== undefined && d.state === claimed.state && d.description === claimed.description;
}
