/**
 * Intake triage: which authenticated deliveries can never lead to any work, so intake answers them at once
 * instead of queuing a job for nothing. Most of what GitHub sends a busy service is the echo of the
 * service's own writes (`check_run.created/completed`, `check_suite.completed`) and other integrations'
 * statuses and check runs.
 *
 * The rules are not restated here: a delivery is dropped when the pipeline's own classification
 * (`classifyDelivery`, the one `jobTargets` uses) asks for nothing. Pure.
 */
import { asksForWork, classifyDelivery, type TargetOptions } from '../pipeline/targets.js';

export type { TargetOptions };

/**
 * Events whose only consumer is the pipeline's classification (`repository`: policy files moved, org
 * auto-enrol in token mode). Anything else is kept: `push` (push times are GitHub-timed bookkeeping),
 * `installation*` (bookkeeping outside the pipeline), and any event a future consumer may handle.
 */
const CLASSIFIED_ONLY: ReadonlySet<string> = new Set(['pull_request', 'pull_request_review', 'issue_comment', 'status', 'check_suite', 'check_run', 'repository']);

/**
 * Check runs and suites ask for work only through these actions (re-run requests, a new suite); the echoes
 * of the service's own check runs (`created`, `completed`) and every other action never do, whatever the
 * rest of the payload says.
 */
const ACTING: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['check_run', new Set(['rerequested', 'requested_action'])],
  ['check_suite', new Set(['requested', 'rerequested'])],
]);

/**
 * Why `event` with this `action` can never lead to any work, judged from the action alone (undefined: it
 * may, look at the payload). Agrees with `classifyDelivery`, which the tests check.
 */
export function triageByAction(event: string, action: string): string | undefined {
  const acting = ACTING.get(event);
  return acting === undefined || acting.has(action) ? undefined : `${event}.${action} needs nothing`;
}

/**
 * The top-level `action` of a JSON webhook body, read from its first bytes without parsing the rest: GitHub
 * puts `action` first. Undefined when the body does not start that way (then it is parsed as usual).
 */
export function leadingAction(raw: string): string | undefined {
  return LEADING_ACTION.exec(raw.slice(0, 64))?.[1];
}

const LEADING_ACTION = /^\s*\{\s*"action"\s*:\s*"([a-z_]{1,40})"\s*,/;

/** Why `event` with `payload` can never lead to any work (answer it, do not queue it), or undefined to queue it. */
export function triageDelivery(event: string, payload: Record<string, unknown>, o: TargetOptions): string | undefined {
  if (!CLASSIFIED_ONLY.has(event)) return undefined;
  // The receipt time only stamps push observations, which make the delivery worth queuing anyway.
  const ask = classifyDelivery(event, payload, 0, o);
  return asksForWork(ask) ? undefined : (ask.why ?? `${event} asks for nothing`);
}
