/**
 * The response object `http-fetch.ts` resolves with: exactly what @octokit/request's fetch wrapper reads
 * (`status`, `url`, iterable `headers` with `.get`, `text()`, `arrayBuffer()`, `json()`, `body`), over a
 * body already read into memory. `body` is the decoded value Octokit's `getResponseData` would produce
 * (parsed JSON, text, or an ArrayBuffer), so a client that sets `request.parseSuccessResponseBody: false`
 * gets `data` without Octokit decoding it a second time. It is computed on first access only: error
 * answers go through `text()` and are never decoded twice.
 */
import { STATUS_CODES } from 'node:http';

export type HeaderRecord = Record<string, string | number | string[] | undefined>;

/** Read-only headers over a record with lower-case names (what `node:http` gives). */
export class ResponseHeaders {
  constructor(private readonly record: HeaderRecord) {}

  get(name: string): string | null {
    const v = this.record[name.toLowerCase()];
    if (v === undefined) return null;
    return Array.isArray(v) ? v.join(', ') : String(v);
  }

  has(name: string): boolean {
    return this.record[name.toLowerCase()] !== undefined;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.record)) {
      const v = this.record[name];
      if (v !== undefined) yield [name, Array.isArray(v) ? v.join(', ') : String(v)];
    }
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A type/charset reading of Content-Type that never throws on hostile input. */
function mediaType(contentType: string): { type: string; utf8: boolean } {
  const semi = contentType.indexOf(';');
  const type = (semi === -1 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  const utf8 = semi !== -1 && /;\s*charset\s*=\s*"?utf-8"?\s*(;|$)/i.test(contentType.slice(semi));
  return { type, utf8 };
}

/** Same decision as Octokit's getResponseData: JSON (falling back to text), text, else bytes. */
export function decodeBody(contentType: string | null, bytes: Buffer): unknown {
  if (contentType === null) return bytesToText(bytes);
  const { type, utf8 } = mediaType(contentType);
  if (type === 'application/json' || type === 'application/scim+json') {
    const text = bytesToText(bytes);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (type.startsWith('text/') || (utf8 && type !== 'application/octet-stream')) return bytesToText(bytes);
  return toArrayBuffer(bytes);
}

/** UTF-8 as fetch's `text()` decodes it (a leading BOM is dropped). */
function bytesToText(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** A copy: small buffers share Node's pool, which must not leak out as an ArrayBuffer. */
function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}

const NOT_DECODED: unique symbol = Symbol('not decoded');
const EMPTY = Buffer.alloc(0);

export class HttpResponse {
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  private decoded: unknown = NOT_DECODED;

  constructor(
    readonly status: number,
    readonly url: string,
    readonly headers: ResponseHeaders,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
    this.statusText = STATUS_CODES[status] ?? '';
  }

  /**
   * A 200 made from a remembered response (an ETag revalidation answered 304): the remembered headers
   * with the 304's fresh ones laid over them, and the remembered, already decoded, body.
   */
  static remembered(url: string, headers: HeaderRecord, data: unknown): HttpResponse {
    const res = new HttpResponse(200, url, new ResponseHeaders(headers), EMPTY);
    res.decoded = data;
    return res;
  }

  /** The decoded body (see the module comment), not a stream. */
  get body(): unknown {
    if (this.decoded === NOT_DECODED) this.decoded = decodeBody(this.headers.get('content-type'), this.bytes);
    return this.decoded;
  }

  text(): Promise<string> {
    return Promise.resolve(bytesToText(this.bytes));
  }

  json(): Promise<unknown> {
    try {
      return Promise.resolve(JSON.parse(bytesToText(this.bytes)) as unknown);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(toArrayBuffer(this.bytes));
  }
}

