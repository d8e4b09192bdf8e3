/**
 * A lookup of a State map's records by a key that never changes on a record (a PR's comments by
 * repository and number, a commit's statuses by repository and SHA), so requests do not scan every record
 * the emulator ever stored.
 *
 * The index follows one Map object. The domain functions that add or delete records tell it (`added`,
 * `deleted`); anything else (a restored snapshot swaps the map, a test sets a record directly) is noticed
 * because the map is another object or its size is not the one the index last saw, and the index is then
 * rebuilt from the map. Groups keep the map's insertion order.
 */
export class GroupIndex<V> {
  private source: Map<number, V> | null = null;
  private size = -1;
  private groups = new Map<string, Map<number, V>>();

  constructor(private readonly keyOf: (record: V) => string) {}

  /** The records of `map` whose key is `key`, in insertion order (empty when none). */
  get(map: Map<number, V>, key: string): Iterable<V> {
    this.sync(map);
    return this.groups.get(key)?.values() ?? EMPTY;
  }

  /** Number of records of `map` whose key is `key`. */
  count(map: Map<number, V>, key: string): number {
    this.sync(map);
    return this.groups.get(key)?.size ?? 0;
  }

  /** Call right after `map.set(id, record)` of a new id. */
  added(map: Map<number, V>, id: number, record: V): void {
    if (map !== this.source || map.size !== this.size + 1) {
      this.size = -1; // rebuilt (with the new record) on the next read
      return;
    }
    this.size = map.size;
    const key = this.keyOf(record);
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = new Map()));
    group.set(id, record);
  }

  /** Call right after `map.delete(id)` of a record that was there. */
  deleted(map: Map<number, V>, id: number, record: V): void {
    if (map !== this.source || map.size !== this.size - 1) {
      this.size = -1;
      return;
    }
    this.size = map.size;
    const key = this.keyOf(record);
    const group = this.groups.get(key);
    group?.delete(id);
    if (group?.size === 0) this.groups.delete(key);
  }

  private sync(map: Map<number, V>): void {
    if (map === this.source && map.size === this.size) return;
    this.groups = new Map();
    for (const [id, record] of map) {
      const key = this.keyOf(record);
      let group = this.groups.get(key);
      if (!group) this.groups.set(key, (group = new Map()));
      group.set(id, record);
    }
    this.source = map;
    this.size = map.size;
  }
}

const EMPTY: Iterable<never> = [];
