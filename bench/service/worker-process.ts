/**
 * BENCH_SPLIT=1: the service's workers in their own process (same SQLite file, same configuration), so the
 * intake process answers webhooks without evaluation work on its event loop. Reports each evaluation to
 * run.ts over IPC. Its HTTP listener (an ephemeral port) receives nothing.
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/service/config/load.js';
import { makePipelineHandler } from '../../src/service/pipeline/service-handler.js';
import { startService } from '../../src/service/server.js';

const env = JSON.parse(process.env.BENCH_SERVICE_ENV ?? '{}') as Record<string, string>;
const loaded = loadConfig({ ...env, SERVER_ADDR: '127.0.0.1:0' });
if (!loaded.config) throw new Error(loaded.errors.join('\n'));
const wall = () => performance.timeOrigin + performance.now();
const send = (m: Record<string, unknown>) => process.send?.(m);
const service = await startService(loaded.config, {
  logger: pino({ level: 'silent' }),
  makeHandler: (deps) =>
    makePipelineHandler(deps, {
      wake: deps.wake,
      client: { throttling: false },
      onEvaluated: ({ pr, ms, outcome, calls }) =>
        send({ id: 'eval', e: { pr, end: wall(), ms, outcome, cost: calls.rateLimitCost, total: calls.total, routes: calls.toJSON() } }),
    }),
});
process.on('message', async (msg: { cmd: string }) => {
  if (msg.cmd === 'cpu') {
    const { user, system } = process.cpuUsage();
    send({ id: 'cpu', cpuMs: (user + system) / 1000 });
  } else if (msg.cmd === 'close') {
    await service.stop();
    send({ id: 'closed' });
    process.disconnect?.();
  }
});
send({ id: 'ready' });
