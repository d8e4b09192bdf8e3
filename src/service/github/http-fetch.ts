/**
 * A `fetch` for Octokit's `request.fetch` option on `node:http`/`node:https`, cheaper per request than
 * undici's: no web streams, no AbortSignal per request (one timer covers the whole exchange), keep-alive
 * sockets pooled per origin, and the body read in full before the promise resolves, so a timeout, a reset
 * or an oversized answer rejects `fetch` itself (Octokit turns that into a retryable RequestError 500
 * carrying our message) instead of surfacing later in a body read that Octokit would swallow.
 *
 * Deliberately not a general fetch: string/Buffer/ArrayBuffer request bodies only, and `body` on the
 * response is the decoded value (see http-response.ts). Redirects are followed as fetch follows them (GitHub
 * answers a renamed or transferred repository's URLs with 301/307), within the same origin only: the request
 * carries GitHub credentials, so a redirect elsewhere is answered as it is.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { HttpResponse, ResponseHeaders } from './http-response.js';

export interface HttpFetchOptions {
  /** Whole-exchange deadline per request, connect to last body byte (default 30 s). */
  timeoutMs?: number;
  /** Answers larger than this are refused (default 64 MiB). */
  maxResponseBytes?: number;
  /** Sockets per origin (default 64). */
  maxSockets?: number;
}

export interface HttpFetchInit {
  method?: string;
  headers?: Record<string, string> | Iterable<[string, string]>;
  body?: string | Uint8Array | ArrayBuffer | null;
  signal?: AbortSignal | null;
  [other: string]: unknown;
}

export interface HttpFetch {
  (input: string | URL, init?: HttpFetchInit): Promise<HttpResponse>;
  /** Destroys every pooled socket (requests in flight fail). */
  close(): void;
}

/** Marks fetch functions whose response `body` is already decoded (safe with `parseSuccessResponseBody: false`). */
const DECODES_BODY = Symbol.for('checks-out.http-fetch.decodes-body');

export function decodesBody(fetchFn: unknown): boolean {
  return typeof fetchFn === 'function' && (fetchFn as unknown as Record<symbol, unknown>)[DECODES_BODY] === true;
}

/** The error a request that ran out of time rejects with. */
export class HttpTimeoutError extends Error {
  override name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';
}

/** The error an answer over `maxResponseBytes` rejects with. */
export class ResponseTooLargeError extends Error {
  override name = 'ResponseTooLargeError';
  readonly code = 'ERR_RESPONSE_TOO_LARGE';
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;
const MAX_ORIGINS = 32;

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function requestHeaders(init: HttpFetchInit | undefined): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  const h = init?.headers;
  if (!h) return out;
  const pairs = Symbol.iterator in h ? (h as Iterable<[string, string]>) : Object.entries(h);
  for (const [k, v] of pairs) out[k.toLowerCase()] = v;
  return out;
}

function requestBody(body: HttpFetchInit['body']): Buffer | string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  throw new TypeError('http-fetch sends string, Buffer, Uint8Array or ArrayBuffer bodies only');
}

function decompress(encoding: string | undefined, bytes: Buffer, max: number): Buffer {
  const e = encoding?.trim().toLowerCase();
  if (!e || e === 'identity' || bytes.length === 0) return bytes;
  const opts = { maxOutputLength: max };
  if (e === 'gzip' || e === 'x-gzip') return gunzipSync(bytes, opts);
  if (e === 'deflate') return inflateSync(bytes, opts);
  if (e === 'br') return brotliDecompressSync(bytes, opts);
  return bytes; // unknown coding: handed over as sent
}

export function createHttpFetch(options: HttpFetchOptions = {}): HttpFetch {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const agents = new Map<string, HttpAgent>();

  const agentFor = (https: boolean, origin: string): HttpAgent => {
    let agent = agents.get(origin);
    if (!agent) {
      // Bounded: URLs can come from answers (pagination links); the oldest origin's pool is let go.
      if (agents.size >= MAX_ORIGINS) {
        const [oldest, a] = agents.entries().next().value as [string, HttpAgent];
        agents.delete(oldest);
        a.destroy();
      }
      const opts = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
      agent = https ? new HttpsAgent(opts) : new HttpAgent(opts);
      agents.set(origin, agent);
    }
    return agent;
  };

  const httpFetch = async (input: string | URL, init?: HttpFetchInit): Promise<HttpResponse> => {
    let url = typeof input === 'string' ? input : input.href;
    let current = init;
    for (let hop = 0; ; hop++) {
      const res = await exchange(url, current);
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || location === null || hop >= MAX_REDIRECTS) return res;
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return res;
      }
      if (next.origin !== new URL(url).origin) return res;
      // As fetch does: 303 (and 301/302 after a POST) continue as a GET without the body; 307/308 repeat the request.
      const method = (current?.method ?? 'GET').toUpperCase();
      if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        const headers = Object.fromEntries(Object.entries(requestHeaders(current)).filter(([k]) => !k.startsWith('content-')).map(([k, v]) => [k, String(v)]));
        current = { ...current, method: 'GET', body: undefined, headers };
      }
      url = next.href;
    }
  };

  const exchange = (input: string | URL, init?: HttpFetchInit): Promise<HttpResponse> =>
    new Promise<HttpResponse>((resolve, reject) => {
      let url: URL;
      let headers: OutgoingHttpHeaders;
      let body: Buffer | string | undefined;
      const method = (init?.method ?? 'GET').toUpperCase();
      try {
        url = typeof input === 'string' ? new URL(input) : new URL(input.href);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`http-fetch: unsupported protocol ${url.protocol}`);
        headers = requestHeaders(init);
        body = requestBody(init?.body);
        if (body !== undefined && headers['content-length'] === undefined) headers['content-length'] = Buffer.byteLength(body);
      } catch (err) {
        reject(err as Error);
        return;
      }
      const signal = init?.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const https = url.protocol === 'https:';
      const href = url.href;
      const where = `${method} ${url.origin}${url.pathname}`;
      let req: ClientRequest | undefined;
      let settled = false;

      const finish = (err: unknown, res?: HttpResponse): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (res) resolve(res);
        else {
          reject(err);
          req?.destroy();
        }
      };
      const onAbort = (): void => finish(abortReason(signal!));
      const timer = setTimeout(() => finish(new HttpTimeoutError(`GitHub request timed out after ${timeoutMs} ms (${where})`)), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });

      const tooLarge = () => new ResponseTooLargeError(`GitHub response too large: over ${maxBytes} bytes (${where})`);

      const onResponse = (res: IncomingMessage): void => {
        const declared = Number(res.headers['content-length']);
        if (declared > maxBytes) return finish(tooLarge());
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) finish(tooLarge());
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          let bytes = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
          try {
            bytes = decompress(res.headers['content-encoding'], bytes, maxBytes);
          } catch (err) {
            const e = err as NodeJS.ErrnoException;
            return finish(e.code === 'ERR_BUFFER_TOO_LARGE' ? tooLarge() : new Error(`GitHub response could not be decoded: ${e.message} (${where})`));
          }
          finish(undefined, new HttpResponse(res.statusCode ?? 0, href, new ResponseHeaders(res.headers), bytes));
        });
        res.on('error', (err) => finish(err));
        res.on('close', () => finish(new Error(`GitHub response ended before it was complete (${where})`)));
      };

      const send = (retryOnStaleSocket: boolean): void => {
        const opts = {
          method,
          headers,
          host: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
          port: url.port,
          path: url.pathname + url.search,
          agent: agentFor(https, url.origin),
        };
        let r: ClientRequest;
        try {
          r = https ? httpsRequest(opts) : httpRequest(opts);
        } catch (err) {
          return finish(err); // e.g. an invalid header value
        }
        req = r;
        let answered = false;
        r.on('response', (res) => {
          answered = true;
          onResponse(res);
        });
        r.on('error', (err: NodeJS.ErrnoException) => {
          // A kept-alive socket the server closed while idle fails on reuse before any answer: an
          // idempotent request is sent again once on a fresh socket rather than failing the call.
          if (!settled && !answered && retryOnStaleSocket && r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE') && IDEMPOTENT.has(method)) {
            send(false);
            return;
          }
          finish(err);
        });
        r.end(body);
      };
      send(true);
    });

  return Object.assign(httpFetch, {
    [DECODES_BODY]: true,
    close(): void {
      for (const a of agents.values()) a.destroy();
      agents.clear();
    },
  });
}
