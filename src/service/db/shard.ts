/**
 * The shard of a queue key: a stable hash of `job_key` into 0..SHARD_SPACE-1, stored in `queue_keys.shard`.
 * A worker thread claims only keys with `shard % count = index`, so every job of one PR lands on the same
 * thread and its in-memory caches stay warm. The hash must never change: rows store its result (migration
 * 005 backfills with this very function).
 */
export const SHARD_SPACE = 1024;

/** FNV-1a (32 bit) over the key's UTF-16 code units, folded into the shard space. */
export function shardOf(jobKey: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < jobKey.length; i++) {
    h ^= jobKey.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SHARD_SPACE;
}
