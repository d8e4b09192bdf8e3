/**
 * What `checks-out serve` does when no GitHub is configured: run the demo (local GitHub + service in App
 * mode), print where everything is, and stop cleanly on SIGINT/SIGTERM. `serve` delegates with one call:
 *
 *   if (config.github.mode === 'local') return (await import('../../service/demo/serve-demo.js')).serveDemo(config, { logger });
 */
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/types.js';
import { demoBanner, startDemoService } from './demo-service.js';
import { DEFAULT_CREDENTIALS_FILE, type LocalDemoOptions } from './local-demo.js';

export interface ServeDemoOptions extends LocalDemoOptions {
  logger: Logger;
  /** Where the banner and errors go (default: stdout / stderr). */
  out?: (text: string) => void;
  err?: (text: string) => void;
  /** Stops the demo when aborted (default: the first SIGINT or SIGTERM). */
  until?: AbortSignal;
}

interface StopRequest {
  requested: Promise<string>;
  dispose(): void;
}

/** Listens from the start: a signal during start-up then stops the demo once it is up, not mid-way. */
function onSignals(): StopRequest {
  let onInt = (): void => {};
  let onTerm = (): void => {};
  const requested = new Promise<string>((resolve) => {
    onInt = () => resolve('SIGINT');
    onTerm = () => resolve('SIGTERM');
  });
  process.once('SIGINT', onInt);
  process.once('SIGTERM', onTerm);
  return {
    requested,
    dispose() {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    },
  };
}

function onAbort(signal: AbortSignal): StopRequest {
  return {
    requested: new Promise((resolve) => {
      if (signal.aborted) resolve('abort');
      else signal.addEventListener('abort', () => resolve('abort'), { once: true });
    }),
    dispose() {},
  };
}

/** Runs until stopped; resolves to the process exit code (1 when the demo cannot start). */
export async function serveDemo(config: ServiceConfig, options: ServeDemoOptions): Promise<number> {
  const { logger, out = (t) => process.stdout.write(t), err = (t) => process.stderr.write(t), until, ...demoOptions } = options;
  const credentialsFile = demoOptions.credentialsFile === undefined ? DEFAULT_CREDENTIALS_FILE : demoOptions.credentialsFile;
  const stop = until ? onAbort(until) : onSignals();
  let running;
  try {
    running = await startDemoService(config, { ...demoOptions, logger });
  } catch (e) {
    stop.dispose();
    logger.fatal({ err: e }, 'the checks-out demo failed to start');
    err(`checks-out: failed to start the demo: ${(e as Error).message}\n`);
    return 1;
  }
  const { urls } = running;
  logger.info({ service: urls.service, github: urls.github, pr: urls.pr, db: config.db.driver }, 'checks-out demo is running');
  out(demoBanner(urls, credentialsFile));
  const why = await stop.requested;
  stop.dispose();
  logger.info({ signal: why }, 'shutting down the demo: service first, then the local GitHub');
  await running.stop();
  logger.info('stopped');
  return 0;
}
