/** The emulator's webhook sender against real local HTTP servers: bodies, caps, redirects, failures, reuse. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postWebhook, TimeoutError } from '../../src/local-github/events/http-post.js';

async function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    connections: () => connections,
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}

test('posts the body with its headers and returns status, headers and text', async () => {
  const s = await serve((req, body, res) => {
    res.writeHead(202, { 'content-type': 'application/json', 'x-seen-event': String(req.headers['x-github-event']) });
    res.end(JSON.stringify({ length: Number(req.headers['content-length']), body }));
  });
  try {
    const body = JSON.stringify({ hello: 'wörld' });
    const r = await postWebhook(s.url, { 'content-type': 'application/json', 'x-github-event': 'ping' }, body, 5000, 1024);
    assert.equal(r.status, 202);
    assert.equal(r.headers['x-seen-event'], 'ping');
    assert.deepEqual(JSON.parse(r.text), { length: Buffer.byteLength(body), body });
  } finally {
    await s.close();
  }
});

test('keeps connections alive between deliveries', async () => {
  const s = await serve((_req, _body, res) => res.end('ok'));
  try {
    for (let i = 0; i < 5; i++) assert.equal((await postWebhook(s.url, {}, '{}', 5000, 1024)).status, 200);
    assert.equal(s.connections(), 1);
  } finally {
    await s.close();
  }
});

test('does not follow redirects and caps the recorded response', async () => {
  const s = await serve((req, _body, res) => {
    if (req.url === '/hook') res.writeHead(302, { location: '/elsewhere' }).end('x'.repeat(5000));
    else res.end('followed');
  });
  try {
    const r = await postWebhook(s.url, {}, '{}', 5000, 100);
    assert.equal(r.status, 302);
    assert.equal(r.text, 'x'.repeat(100));
  } finally {
    await s.close();
  }
});

test('a receiver that never answers fails with a TimeoutError', async () => {
  const s = await serve(() => {
    /* never answers */
  });
  try {
    await assert.rejects(postWebhook(s.url, {}, '{}', 50, 1024), (err: unknown) => err instanceof TimeoutError && /within 50 ms/.test(err.message));
  } finally {
    await s.close();
  }
});

test('a closed port, a bad URL and an unsupported protocol are errors, not hangs', async () => {
  const s = await serve((_req, _body, res) => res.end());
  const url = s.url;
  await s.close();
  await assert.rejects(postWebhook(url, {}, '{}', 5000, 1024), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
  await assert.rejects(postWebhook('not a url', {}, '{}', 5000, 1024), TypeError);
  await assert.rejects(postWebhook('ftp://127.0.0.1/hook', {}, '{}', 5000, 1024), /unsupported protocol ftp:/);
});
