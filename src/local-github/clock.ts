/**
 * The emulator's only source of time. Everything that stamps a date or checks an expiry reads it, so tests
 * and the control API can move time forward (token expiry, 14-day stale check runs) without waiting.
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A clock that follows real time plus an adjustable offset, or stays frozen at a set instant. */
export class AdjustableClock implements Clock {
  private offset = 0;
  private frozenAt: number | null;

  constructor(start?: number) {
    this.frozenAt = start ?? null;
  }

  now(): number {
    return this.frozenAt !== null ? this.frozenAt + this.offset : Date.now() + this.offset;
  }

  /** Moves time forward (or back with a negative value). */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('advance needs a finite number of milliseconds');
    this.offset += ms;
  }

  /** Jumps to an absolute instant (and keeps following real time from there unless frozen). */
  set(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('set needs a finite instant');
    this.offset = ms - (this.frozenAt ?? Date.now());
  }
}

/** GitHub's timestamp format: ISO 8601 in UTC without milliseconds (`2011-01-26T19:06:43Z`). */
export function isoSeconds(ms: number): string {
  const second = Math.floor(ms / 1000);
  let text = isoCache.get(second);
  if (text === undefined) {
    text = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    // Responses repeat the same few instants (creation times, "now"); a bounded cache avoids re-formatting them.
    if (isoCache.size >= 4096) isoCache.clear();
    isoCache.set(second, text);
  }
  return text;
}

const isoCache = new Map<number, string>();

/** Parses a client-supplied timestamp; null when it is not a valid ISO 8601 date. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string' || value.length > 64) return null;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
