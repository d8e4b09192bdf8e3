/**
 * Sends a signed delivery to the world's intake as GitHub would, for events the local GitHub does not send
 * (org and team membership) or payloads a test forges; App mode adds the installation unless the payload
 * names one. Returns the HTTP status once the service has settled.
 */
import { randomBytes } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { World } from './harness.js';

export async function sendWebhook(w: World, event: string, payload: Record<string, unknown>): Promise<number> {
  const body = JSON.stringify(w.installationId !== undefined && !('installation' in payload) ? { ...payload, installation: { id: w.installationId } } : payload);
  const res = await fetch(w.hookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': randomBytes(8).toString('hex'),
      'x-hub-signature-256': await sign(w.hookSecret, body),
    },
    body,
  });
  await res.arrayBuffer();
  await w.settle();
  return res.status;
}
