/**
 * The real commands, as a person runs them: `checks-out serve` with nothing configured (what `npm start`
 * runs), then `checks-out demo` (what `npm run demo` runs) in the same directory. Until `serve` and the CLI
 * are wired to the demo (docs/demo.md, "Integration"), the missing part is skipped with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/checks-out.js', import.meta.url));

function run(args: string[], cwd: string) {
  return spawn(process.execPath, [bin, ...args], {
    cwd,
    // Nothing configured but a free port for the service and quiet logs.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, SERVER_ADDR: '127.0.0.1:0', LOG_LEVEL: 'error', NODE_OPTIONS: '--no-deprecation' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

test('npm start then npm run demo: the demo PR turns green', { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const serve = run(['serve'], dir);
  let serveErr = '';
  serve.stderr!.on('data', (b) => (serveErr += b));
  try {
    const lines: string[] = [];
    for await (const line of createInterface({ input: serve.stdout! })) {
      lines.push(line);
      if (line.startsWith('Run ') || line.startsWith('checks-out listening on')) break;
    }
    if (!lines.some((l) => l.includes('demo PR:'))) {
      t.skip(`serve is not wired to the demo yet (docs/demo.md, Integration); it printed: ${lines.join(' | ')}`);
      return;
    }
    assert.ok(lines.some((l) => /local GitHub: +http:\/\/127\.0\.0\.1:\d+/.test(l)), lines.join('\n'));

    const demo = run(['demo', '--timeout', '120'], dir);
    let out = '';
    let err = '';
    demo.stdout!.on('data', (b) => (out += b));
    demo.stderr!.on('data', (b) => (err += b));
    const [code] = (await once(demo, 'exit')) as [number | null];
    if (code === 2 && err.includes("unknown command 'demo'")) {
      t.skip("the demo command is not registered in src/cli/main.ts yet (docs/demo.md, Integration)");
      return;
    }
    assert.equal(code, 0, `${out}\n${err}\nserve: ${serveErr}`);
    assert.match(out, /alice commented "I approve"/);
    assert.match(out, /check run: success: approved by alice; status: success \(approved by alice\)/);
  } finally {
    serve.kill('SIGTERM');
    if (serve.exitCode === null && serve.signalCode === null) await once(serve, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
});
