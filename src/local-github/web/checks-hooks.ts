/**
 * What the web pages need from the Checks extension (`state.extension('checks')`), declared structurally so
 * the pages work without the module, and the small reply helpers every page uses.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Repo } from '../state/types.js';
import { html, page, type Raw } from './html.js';

export interface CheckRunViewLike {
  id: number;
  name: string;
  app: { name: string } | null;
  status: string;
  conclusion: string | null;
  title: string | null;
  summary: string | null;
  text: string | null;
  details_url: string | null;
  head_sha: string;
  annotations: { path: string; start_line: number; end_line: number; annotation_level: string; title: string | null; message: string }[];
  actions: { label: string; description: string; identifier: string }[];
  actions_enabled: boolean;
}

export interface ChecksViewHooks {
  runsForCommit?(repo: Repo, sha: string): CheckRunViewLike[];
  runView?(repo: Repo, runId: number): CheckRunViewLike | undefined;
  clickAction?(repo: Repo, runId: number, identifier: string, senderId: number): void;
}

export function sendPage(reply: FastifyReply, title: string, body: Raw, code = 200): FastifyReply {
  return reply.code(code).type('text/html; charset=utf-8').send(page(title, body));
}

export function sendNotFound(reply: FastifyReply): FastifyReply {
  return sendPage(reply, 'Not found', html`<div class="box">Not found.</div>`, 404);
}

export const routeParams = (req: FastifyRequest): Record<string, string> => req.params as Record<string, string>;
