/** The node:http fetch adapter against a real node:http server: bodies, errors, limits, sockets. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpFetch, decodesBody, HttpTimeoutError, ResponseTooLargeError } from '../../../src/service/github/http-fetch.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
const routes = new Map<string, Handler>();
const sockets = new WeakMap<Socket, number>();
let nextSocket = 1;
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const h = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
      if (h) h(req, res, Buffer.concat(chunks).toString('utf8'));
      else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"Not Found"}');
      }
    });
  });
  server.on('connection', (s: Socket) => sockets.set(s, nextSocket++));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  return new Promise<void>((r) => server.close(() => r()));
});

function route(path: string, h: Handler): string {
  routes.set(path, h);
  return `${base}${path}`;
}

function answer(status: number, headers: Record<string, string | string[]>, body?: string | Buffer): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

test('bodies are decoded as Octokit decodes them: JSON, text, bytes, invalid JSON as text', async () => {
  const f = createHttpFetch();
  try {
    const json = await f(route('/json', answer(200, { 'content-type': 'application/json; charset=utf-8' }, '{"id":1,"name":"ü"}')));
    assert.equal(json.status, 200);
    assert.equal(json.ok, true);
    assert.deepEqual(json.body, { id: 1, name: 'ü' });
    assert.equal(await json.text(), '{"id":1,"name":"ü"}');
    assert.deepEqual(await json.json(), { id: 1, name: 'ü' });
    assert.equal(json.url, `${base}/json`);

    const scim = await f(route('/scim', answer(200, { 'content-type': 'application/scim+json' }, '[1,2]')));
    assert.deepEqual(scim.body, [1, 2]);
    const bad = await f(route('/badjson', answer(200, { 'content-type': 'application/json' }, '{nope')));
    assert.equal(bad.body, '{nope');
    const empty = await f(route('/emptyjson', answer(200, { 'content-type': 'application/json' }, '')));
    assert.equal(empty.body, '');
    const bom = await f(route('/bom', answer(200, { 'content-type': 'application/json' }, '\uFEFF{"a":true}')));
    assert.deepEqual(bom.body, { a: true });

    const text = await f(route('/text', answer(200, { 'content-type': 'text/plain' }, 'hello')));
    assert.equal(text.body, 'hello');
    const diff = await f(route('/diff', answer(200, { 'content-type': 'application/vnd.github.diff; charset=utf-8' }, 'diff --git')));
    assert.equal(diff.body, 'diff --git');
    const none = await f(route('/none', (_req, res) => {
      res.removeHeader('content-type');
      res.end('raw');
    }));
    assert.equal(none.body, 'raw');

    const bytes = Buffer.from([0, 1, 2, 255]);
    const bin = await f(route('/bin', answer(200, { 'content-type': 'application/octet-stream; charset=utf-8' }, bytes)));
    assert.ok(bin.body instanceof ArrayBuffer, 'octet-stream is bytes even with a utf-8 charset');
    assert.deepEqual([...new Uint8Array(bin.body)], [0, 1, 2, 255]);
    assert.deepEqual([...new Uint8Array(await bin.arrayBuffer())], [0, 1, 2, 255]);
    const hostile = await f(route('/hostile-ct', answer(200, { 'content-type': ';;;=="' }, 'x')));
    assert.ok(hostile.body instanceof ArrayBuffer, 'an unparseable content type neither throws nor is read as text');
    await assert.rejects(bad.json(), SyntaxError);
  } finally {
    f.close();
  }
});

test('headers: iterable pairs with lower-case names, get() case-insensitive, repeated values joined', async () => {
  const f = createHttpFetch();
  try {
    const res = await f(route('/headers', answer(200, { 'X-RateLimit-Remaining': '42', 'Set-Cookie': ['a=1', 'b=2'], ETag: '"e"' }, '')));
    const pairs = new Map(res.headers);
    assert.equal(pairs.get('x-ratelimit-remaining'), '42');
    assert.equal(pairs.get('etag'), '"e"');
    assert.equal(res.headers.get('ETag'), '"e"');
    assert.equal(res.headers.get('set-cookie'), 'a=1, b=2');
    assert.equal(res.headers.get('absent'), null);
    assert.equal(res.headers.has('x-ratelimit-remaining'), true);
  } finally {
    f.close();
  }
});

test('request bodies: string, Buffer, Uint8Array and ArrayBuffer are sent with their length; others are refused', async () => {
  const f = createHttpFetch();
  const got: { method: string; body: string; length: string | undefined; type: string | undefined }[] = [];
  const url = route('/echo', (req, res, body) => {
    got.push({ method: req.method ?? '', body, length: req.headers['content-length'], type: req.headers['content-type'] });
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  try {
    const res = await f(url, { method: 'post', body: '{"ü":1}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(res.status, 201);
    await f(url, { method: 'PUT', body: Buffer.from('buf') });
    await f(url, { method: 'PATCH', body: new TextEncoder().encode('u8') });
    await f(url, { method: 'POST', body: new TextEncoder().encode('ab').buffer as ArrayBuffer });
    await f(url, { method: 'DELETE', headers: new Headers({ 'X-Test': '1' }) as unknown as Iterable<[string, string]> });
    assert.deepEqual(got, [
      { method: 'POST', body: '{"ü":1}', length: '8', type: 'application/json; charset=utf-8' },
      { method: 'PUT', body: 'buf', length: '3', type: undefined },
      { method: 'PATCH', body: 'u8', length: '2', type: undefined },
      { method: 'POST', body: 'ab', length: '2', type: undefined },
      { method: 'DELETE', body: '', length: undefined, type: undefined },
    ]);
    await assert.rejects(f(url, { method: 'POST', body: new ReadableStream() as unknown as string }), TypeError);
    await assert.rejects(f('ftp://example.invalid/x'), /unsupported protocol/);
    await assert.rejects(f('not a url'), TypeError);
    await assert.rejects(f(url, { headers: { 'x-bad': 'a\nb' } }), /Invalid character/);
  } finally {
    f.close();
  }
});

test('error statuses, 204, HEAD and redirects elsewhere are answered as they are', async () => {
  const f = createHttpFetch();
  try {
    const nf = await f(route('/nf', answer(404, { 'content-type': 'application/json' }, '{"message":"Not Found"}')));
    assert.equal(nf.status, 404);
    assert.equal(nf.ok, false);
    assert.equal(nf.statusText, 'Not Found');
    assert.equal(await nf.text(), '{"message":"Not Found"}');
    const boom = await f(route('/boom', answer(502, { 'content-type': 'text/html' }, '<h1>bad gateway</h1>')));
    assert.equal(boom.status, 502);
    assert.equal(boom.body, '<h1>bad gateway</h1>');
    const nc = await f(route('/nc', answer(204, {})));
    assert.equal(nc.status, 204);
    assert.equal(await nc.text(), '');
    const head = await f(route('/head', answer(200, { 'content-type': 'application/json', 'content-length': '10' })), { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
    // Another origin would receive GitHub credentials: not followed.
    const moved = await f(route('/moved', answer(301, { location: 'http://elsewhere.example/json', 'content-type': 'application/json' }, '{"message":"Moved Permanently"}')));
    assert.equal(moved.status, 301, 'a redirect to another origin is not followed');
    assert.deepEqual(moved.body, { message: 'Moved Permanently' });
  } finally {
    f.close();
  }
});

test('a compressed answer is decompressed', async () => {
  const f = createHttpFetch();
  try {
    const res = await f(route('/gz', answer(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync('{"z":1}'))));
    assert.deepEqual(res.body, { z: 1 });
    await assert.rejects(f(route('/badgz', answer(200, { 'content-encoding': 'gzip' }, 'not gzip'))), /could not be decoded/);
  } finally {
    f.close();
  }
});

test('a refused connection rejects with the network error', async () => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  const f = createHttpFetch();
  await assert.rejects(f(`http://127.0.0.1:${port}/x`), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED' && /ECONNREFUSED/.test(e.message));
  f.close();
});

test('no answer, or a body that stalls, times out with the time in the message', async () => {
  const f = createHttpFetch({ timeoutMs: 50 });
  try {
    const silent = route('/silent', () => {});
    await assert.rejects(f(silent), (e: Error) => e instanceof HttpTimeoutError && /timed out after 50 ms \(GET http:\/\/127\.0\.0\.1:\d+\/silent\)/.test(e.message));
    const stall = route('/stall', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"partial":');
    });
    await assert.rejects(f(stall), HttpTimeoutError);
  } finally {
    f.close();
    server.closeAllConnections();
  }
});

test('an answer over the size cap is refused, whether announced or streamed', async () => {
  const f = createHttpFetch({ maxResponseBytes: 1024 });
  try {
    const declared = route('/declared', answer(200, { 'content-length': '5000' }, 'x'.repeat(5000)));
    await assert.rejects(f(declared), (e: Error) => e instanceof ResponseTooLargeError && /over 1024 bytes/.test(e.message));
    const streamed = route('/streamed', (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      for (let i = 0; i < 10; i++) res.write('y'.repeat(512));
      res.end();
    });
    await assert.rejects(f(streamed), ResponseTooLargeError);
    const fits = await f(route('/fits', answer(200, { 'content-type': 'text/plain' }, 'z'.repeat(1024))));
    assert.equal((fits.body as string).length, 1024);
    const zipBomb = route('/zipbomb', answer(200, { 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(100_000))));
    await assert.rejects(f(zipBomb), ResponseTooLargeError);
  } finally {
    f.close();
  }
});

test('a response cut short rejects instead of resolving with a partial body', async () => {
  const f = createHttpFetch();
  try {
    const cut = route('/cut', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"a":');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    await assert.rejects(f(cut));
  } finally {
    f.close();
  }
});

test('keep-alive: sequential requests to one origin reuse one socket', async () => {
  const f = createHttpFetch();
  const seen: number[] = [];
  const url = route('/sock', (req, res) => {
    seen.push(sockets.get(req.socket as Socket) ?? 0);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  try {
    for (let i = 0; i < 5; i++) await f(url);
    assert.equal(new Set(seen).size, 1, `one socket, saw ${seen.join(',')}`);
  } finally {
    f.close();
  }
});

test('a kept-alive socket the server dropped: an idempotent request is sent again, a POST fails', async () => {
  const f = createHttpFetch();
  const perSocket = new WeakMap<Socket, number>();
  const url = route('/stale', (req, res) => {
    const s = req.socket as Socket;
    const n = (perSocket.get(s) ?? 0) + 1;
    perSocket.set(s, n);
    if (n > 1) return void s.destroy(); // as a server that had closed the idle connection
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"n":1}');
  });
  try {
    await f(url);
    assert.deepEqual((await f(url)).body, { n: 1 }, 'retried on a fresh socket');
    await assert.rejects(f(url, { method: 'POST', body: '{}' }), (e: NodeJS.ErrnoException) => e.code === 'ECONNRESET');
  } finally {
    f.close();
  }
});

test('an abort signal cancels before and during the request', async () => {
  const f = createHttpFetch();
  try {
    const slow = route('/slow', () => {});
    await assert.rejects(f(slow, { signal: AbortSignal.abort() }), (e: Error) => e.name === 'AbortError');
    const ac = new AbortController();
    const p = f(slow, { signal: ac.signal });
    setTimeout(() => ac.abort(new Error('stop now')), 10);
    await assert.rejects(p, /stop now/);
    const done = await f(route('/fast', answer(200, { 'content-type': 'application/json' }, '1')), { signal: new AbortController().signal });
    assert.equal(done.body, 1);
  } finally {
    f.close();
    server.closeAllConnections();
  }
});

test('https: TLS is verified (a self-signed server is refused)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'http-fetch-tls-'));
  try {
    try {
      execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    } catch {
      t.skip('openssl is not available to make a certificate');
      return;
    }
    const tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_req, res) => res.end('{}'));
    await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
    const f = createHttpFetch();
    try {
      await assert.rejects(f(`https://127.0.0.1:${(tls.address() as AddressInfo).port}/x`), (e: NodeJS.ErrnoException) => /SELF_SIGNED|CERT/.test(String(e.code)));
    } finally {
      f.close();
      tls.closeAllConnections();
      await new Promise<void>((r) => tls.close(() => r()));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('decodesBody marks only the adapter', () => {
  const f = createHttpFetch();
  assert.equal(decodesBody(f), true);
  assert.equal(decodesBody(fetch), false);
  assert.equal(decodesBody(undefined), false);
  assert.equal(decodesBody({}), false);
  f.close();
});

test('redirects within the origin are followed as fetch follows them (a renamed repository), at most five', async () => {
  const f = createHttpFetch();
  const seen: { path: string; method: string; body: string; auth: string | undefined; type: string | undefined }[] = [];
  const record: Handler = (req, res, body) => {
    seen.push({ path: new URL(req.url ?? '/', 'http://x').pathname, method: req.method ?? '', body, auth: req.headers.authorization, type: req.headers['content-type'] });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  route('/repos/acme/new', record);
  try {
    // 301 for a GET: the new URL, the same credentials (relative locations too).
    const get = await f(route('/repos/acme/old', answer(301, { location: '/repos/acme/new' })), { headers: { authorization: 'token t' } });
    assert.deepEqual([get.status, get.body], [200, { ok: true }]);
    assert.deepEqual(seen.at(-1), { path: '/repos/acme/new', method: 'GET', body: '', auth: 'token t', type: undefined });
    // 307 repeats a POST with its body; 301 after a POST and 303 continue as a GET without it.
    route('/w307', answer(307, { location: `${base}/repos/acme/new` }));
    route('/w301', answer(301, { location: `${base}/repos/acme/new` }));
    route('/w303', answer(303, { location: `${base}/repos/acme/new` }));
    const post = { method: 'POST', body: '{"state":"success"}', headers: { 'content-type': 'application/json' } };
    await f(`${base}/w307`, post);
    assert.deepEqual(seen.at(-1), { path: '/repos/acme/new', method: 'POST', body: '{"state":"success"}', auth: undefined, type: 'application/json' });
    await f(`${base}/w301`, post);
    assert.deepEqual(seen.at(-1), { path: '/repos/acme/new', method: 'GET', body: '', auth: undefined, type: undefined });
    await f(`${base}/w303`, { ...post, method: 'PATCH' });
    assert.deepEqual(seen.at(-1), { path: '/repos/acme/new', method: 'GET', body: '', auth: undefined, type: undefined });
    // A loop ends after five hops with the redirect itself; a location that is not a URL is answered as is.
    let hops = 0;
    route('/loop', (_req, res) => {
      hops++;
      res.writeHead(302, { location: '/loop' });
      res.end();
    });
    const loop = await f(`${base}/loop`);
    assert.deepEqual([loop.status, hops], [302, 6]);
    const odd = await f(route('/odd', answer(302, { location: 'http://[bad' })));
    assert.equal(odd.status, 302);
    const none = await f(route('/none', answer(302, {})));
    assert.equal(none.status, 302);
  } finally {
    f.close();
  }
});
