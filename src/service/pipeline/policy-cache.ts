/**
 * Remembers parsed policies so a warm evaluation whose `.checks-out` and MAINTAINERS came back unchanged
 * (usually 304s) does not re-parse them and recompile their regexes. Keys carry a hash of every input, so
 * a changed file, environment or membership generation simply misses; the map is bounded (LRU).
 */
export class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly maxEntries: number) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v === undefined) return undefined;
    // Move to the back: Map iteration order is insertion order, so the front is least recently used.
    this.entries.delete(key);
    this.entries.set(key, v);
    return v;
  }

  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
