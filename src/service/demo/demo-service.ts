/**
 * `npm start` with nothing configured: the local GitHub with the demo world, and the service in GitHub App
 * mode against it (the config's database, SQLite by default), connected both ways. One call for `serve`.
 */
import { createServer } from 'node:net';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/types.js';
import { makePipelineHandler } from '../pipeline/service-handler.js';
import type { JobHandler } from '../queue/worker.js';
import { startService, type RunningService, type ServiceDeps } from '../server.js';
import { startLocalDemo, type DemoUrls, type LocalDemo, type LocalDemoOptions } from './local-demo.js';

export interface DemoServiceOptions extends LocalDemoOptions {
  logger: Logger;
}

export interface RunningDemo {
  service: RunningService;
  demo: LocalDemo;
  urls: DemoUrls;
  /** Stops the service first (no new deliveries), then the local GitHub. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The service's own pipeline assembly (what `serve` uses), in App mode here. The local GitHub needs no
 * client-side write pacing, so in-process throttling is off; rate-limit answers still reach the queue.
 */
export function appModeHandler(deps: ServiceDeps): JobHandler {
  if (deps.config.github.mode !== 'app' || !deps.config.github.app) throw new Error('the demo runs the service in GitHub App mode, but no app is configured');
  return makePipelineHandler(deps, { wake: deps.wake, client: { throttling: false } });
}

/**
 * An ephemeral port (SERVER_ADDR=...:0) is picked here rather than by the service, because the pipeline's
 * `details_url` and the app's webhook URL are built from the public URL before the service listens.
 */
async function withConcretePort(config: ServiceConfig): Promise<ServiceConfig> {
  if (config.server.port !== 0) return config;
  const probe = createServer();
  await new Promise<void>((ok, fail) => {
    probe.once('error', fail);
    probe.listen(0, config.server.host ?? '::', () => ok());
  });
  const addr = probe.address();
  await new Promise<void>((ok) => probe.close(() => ok()));
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  if (port === 0) throw new Error('could not find a free port for the service');
  const publicUrl = config.server.publicUrl.replace(/:0$/, `:${port}`);
  return { ...config, server: { ...config.server, port, publicUrl } };
}

export async function startDemoService(config: ServiceConfig, options: DemoServiceOptions): Promise<RunningDemo> {
  const { logger, ...demoOptions } = options;
  const demo = await startLocalDemo(demoOptions);
  let service: RunningService | undefined;
  try {
    const appConfig = demo.configure(await withConcretePort(config));
    service = await startService(appConfig, { logger, makeHandler: appModeHandler });
    // The local GitHub posts to the public URL: behind a proxy (PUBLIC_URL) that is where GitHub would too.
    const urls = await demo.attach(appConfig.server.publicUrl);
    const running = service;
    let stopped = false;
    return {
      service: running,
      demo,
      urls,
      async stop(graceMs) {
        if (stopped) return;
        stopped = true;
        await running.stop(graceMs);
        await demo.stop();
      },
    };
  } catch (err) {
    await service?.stop().catch(() => {});
    await demo.stop().catch(() => {});
    throw err;
  }
}

/** The lines `serve` prints once the demo is up. */
export function demoBanner(urls: DemoUrls, credentialsFile: string | null): string {
  return [
    'checks-out demo: no GitHub configured, so a local GitHub with the demo organisation is running.',
    `  service:        ${urls.service} (webhooks: ${urls.service}/hook)`,
    `  local GitHub:   ${urls.github} (API ${urls.api})`,
    `  demo PR:        ${urls.pr}`,
    credentialsFile ? `  credentials:    ${credentialsFile}` : undefined,
    "Run 'npm run demo' (checks-out demo) to approve the PR as a maintainer and watch the check turn green.",
    '',
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}
