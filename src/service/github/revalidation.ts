/**
 * One GET's conditional request against the ETag cache, done inside the fetch Octokit calls: there the
 * final URL and Accept header are at hand (the cache key) without parsing the endpoint a second time, and
 * If-None-Match goes on the headers object Octokit builds for this one call.
 *
 * A 304 on a fetch that decodes bodies (`decodesBody`, with `parseSuccessResponseBody: false`) is turned
 * into the remembered 200 right there, so Octokit never throws (and never builds a stack for) a
 * "Not modified" RequestError; `served` tells the hook to count it as the 304 it was. With any other fetch
 * the 304 goes through Octokit as before, and the hook answers it from `rememberedResult`.
 */
import type { CachedResponse, EtagCache } from './etag-cache.js';
import { decodesBody } from './http-fetch.js';
import { HttpResponse, type HeaderRecord } from './http-response.js';

type FetchFn = (url: string, init?: { headers?: Record<string, string> } & Record<string, unknown>) => Promise<unknown>;
type Headerish = { [Symbol.iterator](): Iterator<[string, string]> };
type OctokitResponse = { status: number; url: string; headers: Record<string, string | number | undefined>; data: unknown };

/** Remembered headers with the fresh rate-limit ones of the 304 laid over them. */
function withFreshRateLimit(remembered: HeaderRecord, fresh: Iterable<[string, unknown]>): Record<string, string | number | undefined> {
  const out = { ...remembered } as Record<string, string | number | undefined>;
  for (const [k, v] of fresh) if (k.startsWith('x-ratelimit-')) out[k] = String(v);
  return out;
}

export class Revalidation {
  key: string | undefined;
  cached: CachedResponse | undefined;
  /** True when the fetch answered a 304 with the remembered response. */
  served = false;
  readonly fetch: FetchFn;

  constructor(
    private readonly cache: EtagCache,
    scope: string,
    request: { fetch?: unknown; parseSuccessResponseBody?: boolean } | undefined,
  ) {
    const base = (request?.fetch ?? globalThis.fetch) as FetchFn;
    const answers304 = request?.parseSuccessResponseBody === false && decodesBody(base);
    this.fetch = async (url, init) => {
      const headers = init?.headers;
      this.key = `${scope} ${url} ${headers?.accept ?? ''}`;
      this.cached = cache.get(this.key);
      if (headers) {
        if (this.cached) headers['if-none-match'] = this.cached.etag;
        else delete headers['if-none-match'];
      }
      const res = await base(url, init);
      const cached = this.cached;
      if (!answers304 || !cached || (res as { status: number }).status !== 304) return res;
      this.served = true;
      return HttpResponse.remembered(cached.url, withFreshRateLimit(cached.headers, (res as { headers: Headerish }).headers as Iterable<[string, string]>), cached.data);
    };
  }

  /** After a 200 with an ETag, remember it; anything else forgets the entry. */
  remember(res: OctokitResponse): void {
    if (this.key === undefined) return;
    const etag = res.headers.etag;
    if (typeof etag === 'string' && res.status === 200) {
      this.cache.set(this.key, { etag, status: res.status, url: res.url, headers: res.headers, data: res.data });
      this.cache.misses++;
    } else this.cache.delete(this.key);
  }

  /** The remembered 200 for a 304 Octokit threw (a fetch that does not decode bodies). */
  rememberedResult(fresh: Record<string, unknown> | undefined): OctokitResponse {
    const c = this.cached!;
    return { status: 200, url: c.url, headers: withFreshRateLimit(c.headers, Object.entries(fresh ?? {})), data: c.data };
  }
}
