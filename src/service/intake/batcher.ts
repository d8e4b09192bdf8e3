/**
 * Group commit for the intake: deliveries that arrive while the database is busy are written together in
 * one transaction (one lock, one commit) instead of one each. Every caller still gets its own outcome and
 * is answered only once its delivery is durable. At most one batch is being written at a time.
 */
import type { EnqueueInput, EnqueueOutcome } from '../queue/queue.js';

export interface BatchTarget {
  enqueueMany(inputs: EnqueueInput[]): Promise<EnqueueOutcome[]>;
}

interface Pending {
  input: EnqueueInput;
  resolve: (o: EnqueueOutcome) => void;
  reject: (err: unknown) => void;
}

/** Bounds one transaction, so a flood of deliveries never holds the write lock for long. */
const MAX_BATCH = 256;

export class EnqueueBatcher {
  private pending: Pending[] = [];
  private writing = false;
  private scheduled = false;

  constructor(private readonly target: BatchTarget) {}

  enqueue(input: EnqueueInput): Promise<EnqueueOutcome> {
    return new Promise((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // setImmediate: requests already read in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending.splice(0, MAX_BATCH);
    try {
      const outcomes = await this.target.enqueueMany(batch.map((p) => p.input));
      batch.forEach((p, i) => {
        const o = outcomes[i];
        if (o === undefined) p.reject(new Error('queue returned no outcome for a delivery'));
        else p.resolve(o);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      this.writing = false;
      if (this.pending.length > 0) this.schedule();
    }
  }
}
