/**
 * What the main thread and a worker thread say to each other (structured-cloned messages), and what a
 * worker thread is started with. Kept apart so both sides import the types without each other's code.
 */
import type { ServiceConfig } from '../config/types.js';
import type { RegistrySnapshot } from '../metrics.js';

export interface ThreadInit {
  /** The validated configuration (a Buffer arrives as a Uint8Array: host.ts re-wraps `secretKey`). */
  config: ServiceConfig;
  /** The key for secrets at rest, resolved once by the main thread (it may have created the key file). */
  secretKey: Uint8Array;
  index: number;
  count: number;
  /** The main thread's logger level (e.g. `silent` in tests), so a thread logs no more than it. */
  logLevel: string;
  /** file: URL of a module exporting `makeThreadHandler` (see ThreadHandlerFactory in host.ts). */
  handlerModule: string;
  /** Cloneable data for that factory. */
  handlerData: unknown;
}

export type ToThread =
  | { type: 'wake' }
  | { type: 'stop'; graceMs: number }
  | { type: 'metrics'; id: number };

export type FromThread =
  | { type: 'ready' }
  /** The thread queued work (a follow-up) that may belong to another thread's shard. */
  | { type: 'wake' }
  | { type: 'stopped' }
  | { type: 'metrics'; id: number; snapshot: RegistrySnapshot }
  /** Something the handler reported (e.g. an evaluation, for the benchmark); passed to the pool's onEvent. */
  | { type: 'event'; event: unknown }
  | { type: 'fatal'; message: string };
