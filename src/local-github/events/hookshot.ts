/**
 * How the emulator sends a webhook delivery: in its own thread (the default), or in a dedicated sender
 * thread (`deliveryThread: true`), as GitHub's hookshot is apart from its API servers. Either way the
 * result carries the round trip as the sender measured it.
 */
import { Worker } from 'node:worker_threads';
import { postWebhook, type PostResult } from './http-post.js';

export interface SendResult extends PostResult {
  /** Request sent → response read, in ms, on the sender's clock. */
  ms: number;
}

export interface WebhookSender {
  /** A `Uint8Array` body may be transferred to the sender thread: the caller must not use it afterwards. */
  post(url: string, headers: Record<string, string>, body: string | Uint8Array, timeoutMs: number, maxResponse: number): Promise<SendResult>;
  close(): Promise<void>;
}

export interface SendRequest {
  id: number;
  url: string;
  headers: Record<string, string>;
  /** UTF-8 bytes, transferred: structured-cloning the payload strings cost the API thread ~0.2 ms a delivery under load. */
  body: Uint8Array;
  timeoutMs: number;
  maxResponse: number;
}

export type SendReply =
  | { id: number; ok: true; result: PostResult; ms: number }
  | { id: number; ok: false; error: { name: string; message: string; code: string | undefined }; ms: number };

export function inlineSender(): WebhookSender {
  return {
    async post(url, headers, body, timeoutMs, maxResponse) {
      const t0 = performance.now();
      const r = await postWebhook(url, headers, body, timeoutMs, maxResponse);
      return { ...r, ms: performance.now() - t0 };
    },
    async close() {},
  };
}

const encoder = new TextEncoder();

/** A sender thread; it does not keep the process alive on its own. */
export function threadSender(): WebhookSender {
  const thread = new Worker(new URL('./hookshot-bootstrap.mjs', import.meta.url), { name: 'local-github-hookshot' });
  thread.unref();
  const waiting = new Map<number, { resolve: (r: SendResult) => void; reject: (e: Error) => void }>();
  let next = 0;
  let failed: Error | undefined;
  const failAll = (err: Error) => {
    failed = err;
    for (const w of waiting.values()) w.reject(err);
    waiting.clear();
  };
  thread.on('message', (m: SendReply) => {
    const w = waiting.get(m.id);
    if (!w) return;
    waiting.delete(m.id);
    if (m.ok) w.resolve({ ...m.result, ms: m.ms });
    else w.reject(Object.assign(new Error(m.error.message), { name: m.error.name, ...(m.error.code ? { code: m.error.code } : {}) }));
  });
  thread.on('error', (err) => failAll(err));
  thread.on('exit', (code) => failAll(new Error(`the webhook sender thread exited (code ${code})`)));
  return {
    post(url, headers, body, timeoutMs, maxResponse) {
      if (failed) return Promise.reject(failed);
      return new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        const given = typeof body === 'string' ? encoder.encode(body) : body;
        // Only a view of a whole ArrayBuffer of its own is transferred; anything else (a pooled Buffer) is copied first.
        const owned = given.buffer instanceof ArrayBuffer && given.byteOffset === 0 && given.byteLength === given.buffer.byteLength;
        const bytes = owned ? (given as Uint8Array<ArrayBuffer>) : new Uint8Array(given);
        thread.postMessage({ id, url, headers, body: bytes, timeoutMs, maxResponse } satisfies SendRequest, [bytes.buffer]);
      });
    },
    async close() {
      await thread.terminate();
    },
  };
}
