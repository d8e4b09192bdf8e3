/**
 * `checks-out serve`: validates the configuration (environment, then `.env`; every error listed at once),
 * migrates the database, and runs the webhook intake and the workers until SIGINT/SIGTERM.
 * The option is --dotenv, not --env-file: Node 20 claims --env-file anywhere on its command line.
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';

const usage = `Usage: checks-out serve [--dotenv FILE] [--check-config]

Runs the checks-out service: POST /hook (GitHub webhooks), GET /healthz, GET /metrics.
Configuration comes from environment variables, and from FILE (default .env) for variables the environment
does not set. See docs/service.md for every variable.

Options:
  --dotenv FILE     read this file instead of ./.env (it must exist when given)
  --check-config    validate the configuration, print the result and exit (0 valid, 1 invalid)
`;

export const command: CommandModule = {
  summary: 'Run the service (webhooks, durable queue, workers)',
  usage,
  async run(args) {
    let envFile = '.env';
    let checkOnly: boolean;
    try {
      const parsed = parseArgs(args, { dotenv: { type: 'string' }, 'check-config': { type: 'boolean' } });
      if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
      if (typeof parsed.options.dotenv === 'string') envFile = parsed.options.dotenv;
      checkOnly = parsed.options['check-config'] === true;
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`checks-out serve: ${err.message}\n${usage}`);
        return 2;
      }
      throw err;
    }
    const { existsSync } = await import('node:fs');
    if (envFile !== '.env' && !existsSync(envFile)) {
      process.stderr.write(`checks-out serve: --dotenv ${envFile} does not exist\n`);
      return 2;
    }
    const { readEnvironment } = await import('../../service/config/env-file.js');
    const { loadConfig } = await import('../../service/config/load.js');
    const env = readEnvironment(process.env, envFile);
    const result = loadConfig(env.env);
    const errors = [...env.errors, ...(result.errors ?? [])];
    if (errors.length > 0 || !result.config) {
      process.stderr.write(`checks-out: invalid configuration (${errors.length} error${errors.length === 1 ? '' : 's'}):\n`);
      for (const e of errors) process.stderr.write(`  - ${e}\n`);
      return 1;
    }
    const config = result.config;
    if (checkOnly) {
      process.stdout.write(`configuration is valid (GitHub mode: ${config.github.mode}, database: ${config.db.driver})\n`);
      return 0;
    }

    const { createLogger } = await import('../../service/logger.js');
    const logger = createLogger(config.logLevel);
    if (config.github.mode === 'local') {
      // Nothing configured: run the demo (local GitHub seeded with the demo org + the service in App mode).
      const { serveDemo } = await import('../../service/demo/serve-demo.js');
      return serveDemo(config, { logger });
    }
    const { startService } = await import('../../service/server.js');
    const { makePipelineHandler } = await import('../../service/pipeline/service-handler.js');
    const { pipelineThreads } = await import('../../service/threads/pipeline-thread.js');
    let service;
    try {
      // WORKER_THREADS > 0 (the default): evaluations run in worker threads, the intake alone on this one.
      service = await startService(config, { logger, makeHandler: (deps) => makePipelineHandler(deps, { wake: deps.wake }), threaded: pipelineThreads() });
    } catch (err) {
      logger.fatal({ err }, 'checks-out failed to start');
      process.stderr.write(`checks-out: failed to start: ${(err as Error).message}\n`);
      return 1;
    }
    logger.info({ url: service.url, mode: config.github.mode, db: config.db.driver, workers: config.queue.workers, threads: service.threads ? config.queue.threads : 0 }, 'checks-out is listening');
    process.stdout.write(`checks-out listening on ${service.url} (webhooks: ${service.url}/hook)\n`);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    logger.info({ signal }, 'shutting down: no new deliveries, finishing running jobs');
    await service.stop();
    logger.info('stopped');
    return 0;
  },
};
