/**
 * The main thread's side of the worker threads: starts them, wakes them after an enqueue, gathers their
 * metrics for /metrics, restarts one that dies (with backoff; its jobs come back when their leases expire),
 * and stops them gracefully.
 */
import { Worker as Thread } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { ServiceConfig } from '../config/types.js';
import type { RegistrySnapshot } from '../metrics.js';
import type { FromThread, ThreadInit, ToThread } from './protocol.js';

export interface ThreadPoolOptions {
  count: number;
  config: ServiceConfig;
  secretKey: Buffer;
  /** file: URL of the module exporting `makeThreadHandler`. */
  handlerModule: string;
  handlerData?: unknown;
  logger: Logger;
  onEvent?: (event: unknown) => void;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);
const RESTART_MIN_MS = 500;
const RESTART_MAX_MS = 30_000;

interface Slot {
  index: number;
  thread: Thread | undefined;
  /** Backoff before the next restart; reset once a thread has run for a while. */
  restartMs: number;
  startedAt: number;
  timer?: NodeJS.Timeout;
  /** The thread's last metrics answer (only stands in for that same thread, not a restarted one). */
  last?: { thread: Thread | undefined; snapshot: RegistrySnapshot };
}

export class WorkerThreadPool {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private wakePending = false;
  private nextId = 0;
  private readonly waiting = new Map<number, (s: RegistrySnapshot) => void>();

  constructor(private readonly o: ThreadPoolOptions) {
    for (let i = 0; i < o.count; i++) this.slots.push({ index: i, thread: undefined, restartMs: RESTART_MIN_MS, startedAt: 0 });
  }

  /** Resolves when every thread has opened its database and started claiming; rejects if one cannot start. */
  async start(): Promise<void> {
    await Promise.all(this.slots.map((s) => this.spawn(s)));
  }

  private spawn(slot: Slot): Promise<void> {
    const init: ThreadInit = {
      config: { ...this.o.config, secretKey: undefined },
      secretKey: new Uint8Array(this.o.secretKey),
      index: slot.index,
      count: this.o.count,
      logLevel: this.o.logger.level,
      handlerModule: this.o.handlerModule,
      handlerData: this.o.handlerData ?? null,
    };
    const thread = new Thread(BOOTSTRAP, { workerData: init, name: `checks-out-worker-${slot.index}` });
    slot.thread = thread;
    slot.startedAt = Date.now();
    const log = this.o.logger.child({ thread: slot.index });
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      thread.on('message', (m: FromThread) => {
        if (m.type === 'ready') {
          ready = true;
          resolve();
        } else if (m.type === 'wake') {
          this.wake();
        } else if (m.type === 'metrics') {
          this.waiting.get(m.id)?.(m.snapshot);
        } else if (m.type === 'event') {
          this.o.onEvent?.(m.event);
        } else if (m.type === 'fatal') {
          log.error({ error: m.message }, 'worker thread failed');
          if (!ready) reject(new Error(`worker thread ${slot.index} failed to start: ${m.message.split('\n')[0]}`));
        }
      });
      thread.on('error', (err) => {
        log.error({ err }, 'worker thread crashed');
        if (!ready) reject(err);
      });
      thread.on('exit', (code) => {
        if (slot.thread === thread) slot.thread = undefined;
        if (!ready) {
          reject(new Error(`worker thread ${slot.index} exited (code ${code}) before it was ready`));
          return;
        }
        if (this.stopping) return;
        // Jobs it held come back when their leases expire; start a replacement after a backoff.
        if (Date.now() - slot.startedAt > 60_000) slot.restartMs = RESTART_MIN_MS;
        log.error({ code, restartInMs: slot.restartMs }, 'worker thread exited; restarting it');
        slot.timer = setTimeout(() => {
          slot.timer = undefined;
          if (!this.stopping) this.spawn(slot).catch((err: unknown) => log.error({ err }, 'restarting the worker thread failed'));
        }, slot.restartMs);
        slot.timer.unref();
        slot.restartMs = Math.min(slot.restartMs * 2, RESTART_MAX_MS);
      });
    });
  }

  private send(slot: Slot, m: ToThread): void {
    slot.thread?.postMessage(m);
  }

  /** Wakes the threads once per turn of the event loop, however many deliveries a burst queued. */
  wake(): void {
    if (this.wakePending || this.stopping) return;
    this.wakePending = true;
    setImmediate(() => {
      this.wakePending = false;
      for (const s of this.slots) this.send(s, { type: 'wake' });
    });
  }

  /**
   * Each running thread's metrics. A thread that does not answer within `timeoutMs` (busy on a loaded
   * machine) is shown by its last answer: leaving it out would make its counters seem to go backwards,
   * which Prometheus reads as a counter reset.
   */
  async metrics(timeoutMs = 1000): Promise<RegistrySnapshot[]> {
    const asks = this.slots
      .filter((s) => s.thread !== undefined)
      .map(
        (s) =>
          new Promise<RegistrySnapshot | undefined>((resolve) => {
            const id = ++this.nextId;
            const thread = s.thread;
            const timer = setTimeout(() => {
              this.waiting.delete(id);
              const last = s.last;
              resolve(last !== undefined && last.thread === thread ? last.snapshot : undefined);
            }, timeoutMs);
            this.waiting.set(id, (snap) => {
              clearTimeout(timer);
              this.waiting.delete(id);
              s.last = { thread, snapshot: snap };
              resolve(snap);
            });
            this.send(s, { type: 'metrics', id });
          }),
      );
    return (await Promise.all(asks)).filter((x): x is RegistrySnapshot => x !== undefined);
  }

  /** Stops claiming, lets running jobs finish within `graceMs`, then ends the threads. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.slots.map(async (s) => {
        if (s.timer) clearTimeout(s.timer);
        const thread = s.thread;
        if (!thread) return;
        const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
        this.send(s, { type: 'stop', graceMs });
        const timer = setTimeout(() => void thread.terminate(), graceMs + 2000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
