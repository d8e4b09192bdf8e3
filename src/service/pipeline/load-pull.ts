/** How an evaluation gets its pull request: from the pull cache when the job's payloads allow, else from GitHub. */
import type { Logger } from 'pino';
import type { ClaimedJob } from '../queue/queue.js';
import type { CommitData, PrGitHub, PullData } from './github-port.js';
import type { EvalTarget } from './handler.js';
import { orNull } from './octokit-port.js';
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
  const pull = await orNull(gh.pull(ref, number));
  // Gone (deleted repository, transferred, a hand-made delivery): retrying cannot help.
  if (pull === null) return undefined;
  pulls.remember(slug, pull);
  return { pull, commits: commits !== undefined && commits.at(-1)?.sha === pull.headSha ? commits : undefined };
}

