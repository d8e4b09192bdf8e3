/**
 * The echo of checks-out's own commit status: every status checks-out posts comes back as a `status`
 * delivery. When it says exactly what the decision log holds as the latest decision on that commit, there is
 * nothing to correct, so intake answers it without queuing a job (a read of the log, no lock, no GitHub).
 * Anything else in our context — a forged or stale status — is queued and put right by the pipeline.
 */
import type { ServiceDb } from '../db/connect.js';
import { isEchoOfLatestDecision } from '../store/decisions.js';
import { COMMIT_SHA, REPO_FULL_NAME, obj, str } from '../payload.js';
import { triageDelivery, type TargetOptions } from './triage.js';

/** Why the `status` delivery needs no work (it is our own echo), or undefined to queue it. */
export async function ownStatusEcho(sdb: ServiceDb, payload: Record<string, unknown>, statusContext: string): Promise<string | undefined> {
  if (str(payload.context) !== statusContext) return undefined;
  const repo = str(obj(payload.repository)?.full_name);
  const sha = str(payload.sha);
  const state = str(payload.state);
  const description = str(payload.description) ?? '';
  if (repo === undefined || !REPO_FULL_NAME.test(repo) || sha === undefined || !COMMIT_SHA.test(sha) || state === undefined) return undefined;
  return (await isEchoOfLatestDecision(sdb, repo, sha, { state, description })) ? 'the echo of the status checks-out posted' : undefined;
}

/**
 * The intake's triage as the service runs it: the pipeline's classification (`triageDelivery`), then, for a
 * status in our context, the decision log (`ownStatusEcho`).
 */
export function serviceTriage(sdb: ServiceDb, o: TargetOptions): (event: string, payload: Record<string, unknown>) => string | undefined | Promise<string | undefined> {
  return (event, payload) => {
    const why = triageDelivery(event, payload, o);
    return why === undefined && event === 'status' ? ownStatusEcho(sdb, payload, o.statusContext) : why;
  };
}
