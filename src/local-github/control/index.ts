/** The control API (`/_emulator/...`): not GitHub's; drives the emulator from tests and the CLI. */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHub } from '../server.js';

export async function registerControl(_app: FastifyInstance, _lg: LocalGitHub): Promise<void> {}
