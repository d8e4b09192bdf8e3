/**
 * Control-API actions of the Checks module (not GitHub's): clicking a requested-action button, the
 * options the sources disagree on (conclusion change after completion, rollup priority), and the stale
 * sweep. `registerChecksControl` is mounted on the `/_emulator` scope by the core.
 */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import { ChecksError } from './errors.js';
import { DEFAULT_CONCLUSION_PRIORITY } from './rollup.js';
import type { ChecksOptions } from './service.js';
import type { SuiteConclusion } from './types.js';
import { checksFor, createChecksModule } from './index.js';

type Params = { owner: string; repo: string; check_run_id: string };

export function registerChecksControl(control: FastifyInstance, ctx: LocalGitHubContext): void {
  const mod = () => checksFor(ctx) ?? createChecksModule(ctx);

  /** Body `{identifier, login}`: `login` is the person clicking (default: the repository owner). */
  control.post('/repos/:owner/:repo/check-runs/:check_run_id/requested-action', async (req, reply) => {
    const { owner, repo: name, check_run_id } = req.params as Params;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const repo = ctx.state.repoByName(owner, name);
    if (!repo || !/^\d{1,15}$/.test(check_run_id)) return reply.code(404).send({ message: 'Not Found' });
    if (typeof body.identifier !== 'string') return reply.code(422).send({ message: 'identifier (string) is required' });
    const login = typeof body.login === 'string' ? body.login : null;
    const sender = login === null ? ctx.state.accounts.get(repo.ownerId) : ctx.state.accountByLogin(login);
    if (!sender) return reply.code(422).send({ message: `no such user: ${String(login)}` });
    try {
      mod().clickAction(repo, Number(check_run_id), body.identifier, sender.id);
    } catch (e) {
      if (e instanceof ChecksError) return reply.code(e.status).send(e.body);
      throw e;
    }
    await ctx.webhooks.idle();
    return reply.code(204).send();
  });

  /**
   * Body: `allow_conclusion_change_after_completed` (boolean) and/or `conclusion_priority` (every suite
   * conclusion once, highest first). Answers the options in force.
   */
  control.put('/checks/options', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const changes: Partial<ChecksOptions> = {};
    const allow = body.allow_conclusion_change_after_completed;
    if (allow !== undefined) {
      if (typeof allow !== 'boolean') return reply.code(422).send({ message: 'allow_conclusion_change_after_completed must be a boolean' });
      changes.allowConclusionChangeAfterCompleted = allow;
    }
    const priority = body.conclusion_priority;
    if (priority !== undefined) {
      const known = [...DEFAULT_CONCLUSION_PRIORITY].sort();
      const given = Array.isArray(priority) ? [...priority].sort() : null;
      if (!given || given.length !== known.length || given.some((c, i) => c !== known[i])) {
        return reply.code(422).send({ message: `conclusion_priority must list each of ${known.join(', ')} once` });
      }
      changes.conclusionPriority = priority as SuiteConclusion[];
    }
    const options = mod().service.configure(changes);
    return reply.send({
      allow_conclusion_change_after_completed: options.allowConclusionChangeAfterCompleted,
      conclusion_priority: options.conclusionPriority,
      stale_after_ms: options.staleAfterMs,
      max_runs_per_name: options.maxRunsPerName,
    });
  });

  control.post('/checks/sweep-stale', async (_req, reply) => {
    const staled = mod().service.sweepStale();
    await ctx.webhooks.idle();
    return reply.send({ staled: staled.map((r) => r.id) });
  });
}
