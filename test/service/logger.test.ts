/** The service logger keeps credentials out of its lines, including inside errors of failed GitHub requests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Octokit } from '@octokit/rest';
import { createLogger } from '../../src/service/logger.js';
import { createGitHubClientClass } from '../../src/service/github/client.js';
import { enrolPort } from '../../src/service/enrol/enrol-port.js';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('info', { write: (s: string) => void lines.push(s) }) };
}

test('a failed GitHub request logged as err keeps its method and URL, not its body (a new hook\'s secret)', async (t) => {
  // GitHub refusing the hook (e.g. a URL it cannot reach): 422.
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Validation Failed', errors: [{ resource: 'Hook', code: 'custom', message: 'url is not supported' }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  const Client = createGitHubClientClass({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, retries: 0, throttling: false });
  const gh = enrolPort(new Client({ auth: 'ghu_usertoken123' }) as unknown as Octokit);
  const err = await gh.createHook('acme', 'gadgets', { url: 'http://localhost:8000/hook?access_token=abc', secret: 'SUPERSECRET123', events: ['push'] }).then(
    () => assert.fail('expected a 422'),
    (e: unknown) => e,
  );
  const { lines, logger } = capture();
  logger.warn({ err }, 'job failed; will retry');
  const line = lines.join('');
  assert.doesNotMatch(line, /SUPERSECRET123/);
  assert.doesNotMatch(line, /ghu_usertoken123/);
  assert.doesNotMatch(line, /access_token=abc/);
  const logged = JSON.parse(line) as { err: { status?: number; message?: string; request?: { method?: string; url?: string } } };
  assert.equal(logged.err.status, 422);
  assert.match(logged.err.message ?? '', /Validation Failed/);
  assert.deepEqual(logged.err.request, { method: 'POST', url: logged.err.request?.url });
  assert.match(logged.err.request?.url ?? '', /\/repos\/acme\/gadgets\/hooks$/);
});

test('redaction: secrets and tokens by name, and errors without a request, are logged as before', () => {
  const { lines, logger } = capture();
  logger.info({ token: 't0', config: { secret: 's1', webhookSecret: 's2' }, headers: { authorization: 'Bearer x' } }, 'x');
  logger.error({ err: Object.assign(new Error('boom'), { request: 'not an object', code: 'E1' }) }, 'y');
  logger.error({ err: new Error('plain') }, 'z');
  const text = lines.join('');
  for (const secret of ['t0', 's1', 's2', 'Bearer x']) assert.doesNotMatch(text, new RegExp(`"${secret}"`));
  const [, odd, plain] = lines.map((l) => JSON.parse(l) as { err?: { message?: string; code?: string; request?: unknown } });
  assert.equal(odd.err?.code, 'E1');
  assert.equal(odd.err?.request, undefined, 'a request that is not an object is dropped');
  assert.equal(plain.err?.message, 'plain');
});
