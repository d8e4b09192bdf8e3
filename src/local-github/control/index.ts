/**
 * The control API (`/_emulator/...`): not GitHub's. Drives the emulator from tests, the CLI and people: create
 * users/orgs/teams/repos/apps, install apps, push, open PRs, comment/review, advance the clock, inject faults,
 * save/load state, seed the demo. Errors are `{message}` with 4xx. It has no authentication: bind to loopback.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { LocalGitHub } from '../server.js';
import { GitHubError } from '../http/errors.js';
import { registerWorldControl } from './world.js';
import { registerRuntimeControl } from './runtime.js';

/** What the Checks module exposes through `state.extension('checks')` (structural: no import of its types). */
export interface ChecksControlHooks {
  registerControl?(control: FastifyInstance): void;
  sweepStale?(): void;
}

export async function registerControl(control: FastifyInstance, lg: LocalGitHub): Promise<void> {
  // Plain errors from fixture operations (bad login, duplicate name...) are the caller's mistake: 422.
  control.setErrorHandler((err, _req, reply: FastifyReply) => {
    if (err instanceof GitHubError) return reply.code(err.status).send(err.body());
    const e = err as { statusCode?: number; message?: string };
    const code = e.statusCode && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 422;
    return reply.code(code).send({ message: e.message ?? 'invalid request' });
  });
  control.setNotFoundHandler((_req, reply) => reply.code(404).send({ message: 'Not Found (control API)' }));
  registerWorldControl(control, lg);
  registerRuntimeControl(control, lg);
  const checks = lg.state.extension('checks') as ChecksControlHooks | undefined;
  checks?.registerControl?.(control);
}
