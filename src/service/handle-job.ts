/**
 * THE SEAM for the evaluation pipeline. A worker calls the job handler with one claimed job: one PR (or
 * one non-PR delivery) and every delivery coalesced into it, oldest first. It records what needs no GitHub
 * (the app's installations) and logs each delivery; `evaluate` (the pipeline) does the rest: push times,
 * load the PR snapshot, decide, report (check run + status), log the decision.
 * Push times are recorded by the pipeline only (pipeline/targets.ts), on GitHub's clock: recording the
 * service's receipt time here too would win whenever the service clock runs behind GitHub's (the earliest
 * observation wins) and move the `head` cutoff before the real push.
 * Throwing makes the queue retry the whole job (honouring a Retry-After carried by the error).
 */
import type { Logger } from 'pino';
import { writeTransaction, type ServiceDb } from './db/connect.js';
import type { ClaimedJob } from './queue/queue.js';
import type { JobContext, JobHandler } from './queue/worker.js';
import { obj, parseObject, str } from './payload.js';

export interface ParsedDelivery {
  id: string;
  event: string;
  action: string | null;
  receivedAt: number;
  payload: Record<string, unknown>;
}

/**
 * What runs once per job after the per-delivery bookkeeping (the pipeline): it gets the deliveries parsed
 * here, so that no payload is parsed twice.
 */
export type JobEvaluator = (job: ClaimedJob, deliveries: readonly ParsedDelivery[], ctx: JobContext) => Promise<void>;

export interface JobHandlerDeps {
  sdb: ServiceDb;
  evaluate?: JobEvaluator;
}

export function parseDeliveries(job: ClaimedJob, logger: Logger): ParsedDelivery[] {
  const out: ParsedDelivery[] = [];
  for (const d of job.deliveries) {
    const payload = parseObject(d.payload);
    // Intake only stores JSON objects, so this is a corrupted row: skip it rather than retry forever.
    if (!payload) logger.error({ delivery: d.id }, 'stored delivery is not a JSON object; skipped');
    else out.push({ id: d.id, event: d.event, action: d.action, receivedAt: d.receivedAt, payload });
  }
  return out;
}

/** Bookkeeping that does not need GitHub: the app's installations. */
export async function recordDelivery(sdb: ServiceDb, d: ParsedDelivery): Promise<void> {
  if (d.event === 'installation') {
    const inst = obj(d.payload.installation);
    const id = inst?.id;
    const account = obj(inst?.account);
    if (typeof id === 'number' && Number.isSafeInteger(id) && account) {
      const login = str(account.login) ?? '';
      const type = str(account.type) ?? '';
      if (d.action === 'deleted') {
        await writeTransaction(sdb, (trx) => trx.deleteFrom('installations').where('installation_id', '=', id).execute());
      } else {
        const suspended = d.action === 'suspend' ? 1 : 0;
        await writeTransaction(sdb, (trx) =>
          trx
            .insertInto('installations')
            .values({ installation_id: id, account_login: login, account_type: type, suspended, updated_at: d.receivedAt })
            .onConflict((oc) => oc.column('installation_id').doUpdateSet({ account_login: login, account_type: type, suspended, updated_at: d.receivedAt }))
            .execute(),
        );
      }
    }
  }
}

export function createJobHandler(deps: JobHandlerDeps): JobHandler {
  return async (job, ctx) => {
    const deliveries = parseDeliveries(job, ctx.logger);
    for (const d of deliveries) {
      await recordDelivery(deps.sdb, d);
      ctx.logger.info({ delivery: d.id, event: d.event, action: d.action ?? undefined }, 'delivery processed');
    }
    if (deps.evaluate && deliveries.length > 0) await deps.evaluate(job, deliveries, ctx);
  };
}
