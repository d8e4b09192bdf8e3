/**
 * The decision log: every approval decision reported for a PR, with what it was based on. The pipeline
 * uses `latestDecision` to refuse to report a result computed from an older head than one already reported.
 */
import { writeTransaction, type ServiceDb } from '../db/connect.js';

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

export async function recordDecision(sdb: ServiceDb, d: Decision): Promise<number> {
  return writeTransaction(sdb, async (trx) => {
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

export async function decisionsFor(sdb: ServiceDb, repo: string, prNumber: number, limit = 50): Promise<Decision[]> {
  const rows = await sdb.db
    .selectFrom('decisions')
    .selectAll()
    .where('repo', '=', repo.toLowerCase())
    .where('pr_number', '=', prNumber)
    .orderBy('decided_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
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
  }));
}

export async function latestDecision(sdb: ServiceDb, repo: string, prNumber: number): Promise<Decision | undefined> {
  return (await decisionsFor(sdb, repo, prNumber, 1))[0];
}
