/**
 * The evaluation pipeline as a worker thread builds it (`startService(config, { threaded: pipelineThreads() })`):
 * the same `makePipelineHandler` the main-thread workers use, with cloneable options.
 */
import type { CallCounter } from '../github/call-count.js';
import type { GitHubClientSettings } from '../github/client.js';
import { makePipelineHandler } from '../pipeline/service-handler.js';
import type { ServiceDeps, ThreadedHandler } from '../server.js';
import type { ThreadHandlerFactory } from './host.js';

/** Client settings that survive structured cloning (no functions, no objects with behaviour). */
export type CloneableClientSettings = Pick<GitHubClientSettings, 'throttling' | 'retries' | 'retryAfterBaseMs' | 'rateLimitRetries' | 'maxInlineWaitSeconds' | 'timeoutMs' | 'userAgent' | 'writeIntervalMs'>;

export interface PipelineThreadData {
  client?: CloneableClientSettings;
  /** Emit an `EvaluatedEvent` after each evaluation (benchmarks, tests). */
  reportEvaluations?: boolean;
}

export interface EvaluatedEvent {
  kind: 'evaluated';
  repo: string;
  pr: number;
  ms: number;
  outcome: string;
  /** Wall-clock end of the evaluation (ms since the epoch, sub-ms precision). */
  end: number;
  calls: ReturnType<CallCounter['toJSON']>;
  rateLimitCost: number;
  total: number;
}

export const makeThreadHandler: ThreadHandlerFactory = (deps: ServiceDeps, data: unknown, emit) => {
  const d = (data ?? {}) as PipelineThreadData;
  return makePipelineHandler(deps, {
    wake: deps.wake,
    client: d.client,
    onEvaluated: d.reportEvaluations
      ? ({ repo, pr, ms, outcome, calls }) => {
          const event: EvaluatedEvent = {
            kind: 'evaluated',
            repo,
            pr,
            ms,
            outcome,
            end: performance.timeOrigin + performance.now(),
            calls: calls.toJSON(),
            rateLimitCost: calls.rateLimitCost,
            total: calls.total,
          };
          emit(event);
        }
      : undefined,
  });
};

/** The `threaded` start option for the pipeline. */
export function pipelineThreads(data: PipelineThreadData = {}, onEvent?: (e: EvaluatedEvent) => void): ThreadedHandler {
  return {
    module: new URL('./pipeline-thread.ts', import.meta.url).href,
    data,
    ...(onEvent ? { onEvent: (e: unknown) => onEvent(e as EvaluatedEvent) } : {}),
  };
}
