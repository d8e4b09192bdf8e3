/**
 * The service exactly as `checks-out serve` assembles it — `loadConfig` from an environment, then
 * `startService` with `makePipelineHandler` — pointed at a GitHub App registered on the local GitHub.
 */
import { join } from 'node:path';
import type { LocalGitHub } from '../../../src/local-github/server.js';
import type { App } from '../../../src/local-github/state/types.js';
import { loadConfig } from '../../../src/service/config/load.js';
import { makePipelineHandler } from '../../../src/service/pipeline/service-handler.js';
import { generateSecretKey } from '../../../src/service/secrets.js';
import { startService, type RunningService } from '../../../src/service/server.js';
import { testLogger } from '../helpers/logger.js';

export async function startServeLikeService(
  lg: LocalGitHub,
  o: { apiUrl: string; dir: string; hookSecret: string; jobErrors: unknown[] },
): Promise<{ app: App; service: RunningService }> {
  const app = lg.admin.createApp('checks-out', { webhook_url: null, webhook_secret: o.hookSecret });
  const { config, errors } = loadConfig({
    GITHUB_APP_ID: String(app.id),
    GITHUB_APP_PRIVATE_KEY: app.private_key,
    GITHUB_WEBHOOK_SECRET: o.hookSecret,
    GITHUB_URL: o.apiUrl.replace(/\/api\/v3$/, ''),
    GITHUB_API_URL: o.apiUrl,
    DB_SOURCE: join(o.dir, 'service.sqlite'),
    SERVER_ADDR: '127.0.0.1:0',
    CHECKS_OUT_SECRET_KEY: generateSecretKey().toString('hex'),
    WORKER_CONCURRENCY: '2',
  });
  if (!config || (errors ?? []).length > 0) throw new Error(`bad test configuration: ${(errors ?? []).join('; ')}`);
  const service = await startService(config, {
    logger: testLogger,
    makeHandler: (deps) => {
      const handler = makePipelineHandler(deps, { wake: deps.wake, client: { throttling: false, retryAfterBaseMs: 1 } });
      return async (job, ctx) => {
        try {
          await handler(job, ctx);
        } catch (err) {
          o.jobErrors.push(err);
          throw err;
        }
      };
    },
  });
  app.webhook_url = `${service.url}/hook`;
  return { app, service };
}
