/** Web pages at the root: the OAuth web flow, the per-PR HTML view, and avatar placeholders. */
import type { FastifyInstance } from 'fastify';
import type { LocalGitHub } from '../server.js';
import { registerOAuth } from './oauth.js';
import { registerPullView } from './pull-view.js';
import { registerCodeView } from './code-view.js';

export async function registerWeb(web: FastifyInstance, lg: LocalGitHub): Promise<void> {
  registerOAuth(web, lg);
  registerPullView(web, lg);
  registerCodeView(web, lg);
  // Avatars are referenced by every user object; serve a tiny SVG so links resolve.
  web.get('/_emulator/avatars/:id', async (req, reply) => {
    const id = Number((req.params as { id: string }).id) || 0;
    const hue = (id * 47) % 360;
    return reply.type('image/svg+xml').send(`<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><rect width="40" height="40" fill="hsl(${hue},60%,55%)"/></svg>`);
  });
}
