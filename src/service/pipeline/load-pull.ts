/** How an evaluation gets its pull request: from the pull cache when the job's payloads allow, else from GitHub. */
import type { Logger } from 'pino';
import type { ClaimedJob } from '../queue/queue.js';
import type { CommitData, PrGitHub, PullData } from './github-port.js';
import type { EvalTarget } from './handler.js';
import { statusOf } from './octokit-port.js';
import type { PullCache } from './pull-cache.js';

/**
 * The PR as the evaluation needs it. A job of this PR's own key made of payloads the cache can stand on
 * (comments, pull_request events) uses the cached record; its head is checked against the PR's commit list
 * (which the evaluation reads anyway, usually as a free 304): a push whose `synchronize` is still on its way,
 * or was handled by another instance, shows there, and then the PR is fetched. Otherwise the PR is fetched,
 * and remembered.
 */
export async function loadPull(
  pulls: PullCache,
  gh: PrGitHub,
  { ref, number, deliveries }: Pick<EvalTarget, 'ref' | 'number' | 'deliveries'>,
  job: ClaimedJob,
  log: Logger,
): Promise<{ pull: PullData; commits: CommitData[] | undefined } | undefined> {
  try {
    return await loadOrFetch(pulls, gh, ref, number, deliveries, job, log);
  } catch (err) {
    // Gone (a deleted or moved repository, a forged delivery): finished on the second attempt. Not on the
    // first, as GitHub can answer 404 for a pull request opened a moment ago.
    if (statusOf(err) === 404 && job.attempts >= 2) return undefined;
    throw err;
  }
}

async function loadOrFetch(
  pulls: PullCache,
  gh: PrGitHub,
  ref: EvalTarget['ref'],
  number: number,
  deliveries: EvalTarget['deliveries'],
  job: ClaimedJob,
  log: Logger,
): Promise<{ pull: PullData; commits: CommitData[] | undefined }> {
  const slug = `${ref.owner}/${ref.repo}`;
  let commits: CommitData[] | undefined;
  if (job.prKey === `${slug.toLowerCase()}#${number}`) {
    const cached = pulls.apply(slug, number, deliveries);
    if (cached !== undefined && cached.state === 'open') {
      commits = await gh.commits(ref, number);
      if (commits.at(-1)?.sha === cached.headSha) return { pull: cached, commits };
      log.debug({ cached: cached.headSha, listed: commits.at(-1)?.sha }, 'the PR head moved since it was cached; fetching the PR');
    } else if (cached !== undefined) return { pull: cached, commits: undefined };
  }
  const pull = await gh.pull(ref, number);
  pulls.remember(slug, pull);
  return { pull, commits: commits !== undefined && commits.at(-1)?.sha === pull.headSha ? commits : undefined };
}
