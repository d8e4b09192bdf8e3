/**
 * The echo of checks-out's own commit status: every status checks-out posts comes back as a `status`
 * delivery. When it says exactly what the decision log holds as the latest decision on that commit, there is
 * nothing to correct, so intake answers it without queuing a job (a read of the log, no lock, no GitHub).
 * Anything else in our context — a forged or stale status — is queued and put right by the pipeline.
 */
import type { ServiceDb } from '../db/connect.js';
import { isEchoOfLatestDecision } from '../store/decisions.js';
import { classifyDelivery } from '../pipeline/targets.js';
import { triageDelivery, type TargetOptions } from './triage.js';

/**
 * Why the `status` delivery needs no work (it is our own echo), or undefined to queue it. What it claims is
 * read by the pipeline's own classification, the one the job would use to put it right.
 */
export async function ownStatusEcho(sdb: ServiceDb, payload: Record<string, unknown>, o: TargetOptions): Promise<string | undefined> {
  const ask = classifyDelivery('status', payload, 0, o);
  const target = ask.shas[0];
  if (ask.repo === undefined || target?.claimed === undefined) return undefined;
  return (await isEchoOfLatestDecision(sdb, ask.repo, target.sha, target.claimed)) ? 'the echo of the status checks-out posted' : undefined;
}

/**
 * The intake's triage as the service runs it: the pipeline's classification (`triageDelivery`), then, for a
 * status in our context, the decision log (`ownStatusEcho`).
 */
export function serviceTriage(sdb: ServiceDb, o: TargetOptions): (event: string, payload: Record<string, unknown>) => string | undefined | Promise<string | undefined> {
  return (event, payload) => {
    const why = triageDelivery(event, payload, o);
    return why === undefined && event === 'status' ? ownStatusEcho(sdb, payload, o) : why;
  };
}
