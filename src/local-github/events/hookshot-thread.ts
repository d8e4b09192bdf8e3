/**
 * The emulator's webhook sender thread (GitHub's "hookshot" runs apart from its API servers too): it
 * POSTs each delivery and times the round trip on its own event loop, so a busy API thread neither delays
 * deliveries nor inflates their recorded duration.
 */
import { parentPort } from 'node:worker_threads';
import { postWebhook } from './http-post.js';
import type { SendRequest, SendReply } from './hookshot.js';

if (!parentPort) throw new Error('hookshot-thread.ts runs inside a worker thread');
const port = parentPort;

port.on('message', (m: SendRequest) => {
  const t0 = performance.now();
  postWebhook(m.url, m.headers, m.body, m.timeoutMs, m.maxResponse).then(
    (result) => port.postMessage({ id: m.id, ok: true, result, ms: performance.now() - t0 } satisfies SendReply),
    (err: unknown) => {
      const e = err as { name?: unknown; message?: unknown; code?: unknown };
      const error = { name: String(e?.name ?? 'Error'), message: String(e?.message ?? err), code: typeof e?.code === 'string' ? e.code : undefined };
      port.postMessage({ id: m.id, ok: false, error, ms: performance.now() - t0 } satisfies SendReply);
    },
  );
});
