/**
 * Remembered GET responses keyed by identity + URL + Accept, revalidated with If-None-Match. GitHub answers
 * an unchanged resource with 304, which does not count against the rate limit. Bounded LRU (a Map keeps
 * insertion order; a hit is re-inserted to become the most recent).
 */
export interface CachedResponse {
  etag: string;
  status: number;
  url: string;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export class EtagCache {
  private readonly entries = new Map<string, CachedResponse>();
  hits = 0;
  misses = 0;

  constructor(private readonly maxEntries = 2000) {}

  get(key: string): CachedResponse | undefined {
    const e = this.entries.get(key);
    if (e) {
      this.entries.delete(key);
      this.entries.set(key, e);
    }
    return e;
  }

  set(key: string, value: CachedResponse): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
