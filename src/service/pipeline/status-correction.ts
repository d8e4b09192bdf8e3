/** Statuses in checks-out's context: recognising our own, and logging the ones someone else posted. */
import type { Logger } from 'pino';
import type { ServiceDb } from '../db/connect.js';
import type { ParsedDelivery } from '../handle-job.js';
import { obj, str } from '../payload.js';
import { decisionsFor, latestDecision } from '../store/decisions.js';
import type { PipelineOptions } from './handler.js';
import type { ShaTarget } from './targets.js';

/** True when a status in our context says what checks-out last decided for that PR's head. */
export async function isOurOwnStatus(sdb: ServiceDb, repo: string, pr: number, sha: string, claimed: { state: string; description: string }): Promise<boolean> {
  const d = await latestDecision(sdb, repo, pr);
  return d !== undefined && d.headSha === sha && d.state === claimed.state && d.description === claimed.description;
}

/**
 * Issue #4: a status in our context posted by anyone else is overwritten with the true state, and logged
 * (a warning naming who posted it, from the `status` delivery's `sender`). A late echo of one of our own
 * earlier statuses on that head is re-evaluated too, but is no forgery: debug only.
 */
export async function logStatusCorrection(
  o: Pick<PipelineOptions, 'sdb' | 'statusContext'>,
  log: Logger,
  s: ShaTarget & { claimed: NonNullable<ShaTarget['claimed']> },
  prs: number[],
  deliveries: readonly ParsedDelivery[],
): Promise<void> {
  const { state, description } = s.claimed;
  for (const n of prs) {
    const ours = await decisionsFor(o.sdb, s.repo, n);
    if (ours.some((d) => d.headSha === s.sha && d.state === state && d.description === description)) {
      log.debug({ repo: s.repo, pr: n, sha: s.sha, state }, 'late echo of an earlier status of ours; re-evaluating');
      return;
    }
  }
  const posts = deliveries.filter((d) => d.event === 'status' && d.payload.sha === s.sha && d.payload.context === o.statusContext && d.payload.state === state && d.payload.description === description);
  const senders = [...new Set(posts.map((d) => str(obj(d.payload.sender)?.login) ?? null))];
  log.warn(
    { repo: s.repo, sha: s.sha, prs, forged: { state, description }, postedBy: senders.length === 1 ? senders[0] : senders, deliveries: posts.map((d) => d.id) },
    `status ${o.statusContext} not posted by checks-out (by ${senders.map((x) => x ?? 'unknown sender').join(', ') || 'unknown sender'}); overwriting it with the true state`,
  );
}

