/**
 * One webhook POST over node:http(s) with keep-alive connections: a busy emulator sends thousands of
 * deliveries, and `fetch` (web streams, an AbortSignal per request) cost it more CPU than building the
 * payloads. Redirects are not followed (GitHub records a 3xx as the response), the response body is read up
 * to a cap, and a delivery that takes longer than the timeout fails with a TimeoutError, as GitHub's do.
 */
import http from 'node:http';
import https from 'node:https';

export interface PostResult {
  status: number;
  headers: Record<string, string>;
  /** The response body, at most `maxResponse` bytes of it. */
  text: string;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

export class TimeoutError extends Error {
  constructor(ms: number) {
    super(`no response within ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** `body` as text, or as its UTF-8 bytes (what the sender thread receives, transferred without a copy). */
export function postWebhook(url: string, headers: Record<string, string>, body: string | Uint8Array, timeoutMs: number, maxResponse: number): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    const secure = target.protocol === 'https:';
    if (!secure && target.protocol !== 'http:') {
      reject(new Error(`unsupported protocol ${target.protocol}`));
      return;
    }
    const payload = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    const req = (secure ? https : http).request(target, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: { ...headers, 'content-length': String(payload.length) },
    });
    const timer = setTimeout(() => req.destroy(new TimeoutError(timeoutMs)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < maxResponse) chunks.push(c.subarray(0, maxResponse - size));
        size += c.length;
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      res.on('end', () => {
        clearTimeout(timer);
        const out: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
        resolve({ status: res.statusCode ?? 0, headers: out, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.end(payload);
  });
}
