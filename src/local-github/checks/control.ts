/**
 * Control-API actions of the Checks module (not GitHub's): clicking a requested-action button and the
 * stale sweep. `registerChecksControl` must be called on the `/_emulator` scope.
 */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHubContext } from '../context.js';
import { ChecksError } from './errors.js';
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

  control.post('/checks/sweep-stale', async (_req, reply) => {
    const staled = mod().service.sweepStale();
    await ctx.webhooks.idle();
    return reply.send({ staled: staled.map((r) => r.id) });
  });
}
