/**
 * Hashing of connection tuples: murmur3's fmix32 finaliser over the tuple's words, mixed with
 * a per-table seed (the kernel keys its conn hash with a random `ip_vs_conn_rnd` the same way).
 * Numbers only: no strings, no objects. Must not allocate or throw. Results stay within 30 bits
 * (bucket arrays are smaller than 2^30), so they are never boxed.
 */

/**
 * The finaliser, returning 30 bits: a value that fits V8's small-integer range, so a call that
 * is not inlined never boxes its result (an unsigned 32-bit return allocated 24 bytes per packet).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h & 0x3fffffff;
}

/** Mix one 32-bit word into a running hash (murmur3 body step). */
export function mixWord(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}
