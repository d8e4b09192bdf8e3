/**
 * One lane per identity in which writes run one at a time: a promise chain, no timers and no extra
 * event-loop turn when the lane is idle (the write starts at once). An optional minimum spacing between the
 * starts of two writes of one lane is the only thing that sleeps. Lanes of different identities never wait
 * for each other. Idle lanes are dropped (with a spacing, once the spacing has run out), so the map stays
 * as small as the set of identities writing right now.
 */
import { setTimeout as sleep } from 'node:timers/promises';

interface Lane {
  tail: Promise<unknown>;
  pending: number;
  /** performance.now() when the lane's last write started. */
  lastStart: number;
}

/** Above this many lanes, idle ones are swept before adding another. */
const SWEEP_ABOVE = 1024;

export class WriteLanes {
  private readonly lanes = new Map<string, Lane>();

  get size(): number {
    return this.lanes.size;
  }

  /** Runs `write` after every earlier write of `key` has settled, `spacingMs` after the last one started. */
  run<T>(key: string, spacingMs: number, write: () => Promise<T>): Promise<T> {
    let lane = this.lanes.get(key);
    if (!lane) {
      if (this.lanes.size >= SWEEP_ABOVE) this.sweep(spacingMs);
      lane = { tail: Promise.resolve(), pending: 0, lastStart: -Infinity };
      this.lanes.set(key, lane);
    }
    const l = lane;
    const start = (): Promise<T> => {
      const wait = l.lastStart + spacingMs - performance.now();
      if (spacingMs > 0 && wait > 0) return sleep(wait).then(start);
      l.lastStart = performance.now();
      try {
        return write();
      } catch (err) {
        return Promise.reject(err);
      }
    };
    // An idle lane starts the write now; a busy one after its tail, whatever that tail's outcome.
    const result = l.pending === 0 ? start() : l.tail.then(start, start);
    l.pending++;
    const settled = () => {
      if (--l.pending === 0 && spacingMs <= 0 && this.lanes.get(key) === l) this.lanes.delete(key);
    };
    l.tail = result.then(settled, settled);
    return result;
  }

  private sweep(spacingMs: number): void {
    const now = performance.now();
    for (const [key, lane] of this.lanes) if (lane.pending === 0 && now - lane.lastStart >= spacingMs) this.lanes.delete(key);
  }
}
