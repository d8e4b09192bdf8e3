/** Web pages at the root: the per-PR HTML view and the OAuth web flow. */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHub } from '../server.js';

export async function registerWeb(_app: FastifyInstance, _lg: LocalGitHub): Promise<void> {}
