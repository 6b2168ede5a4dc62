/**
 * Independent models of the hash- and random-based schedulers, written from the kernel sources
 * (net/netfilter/ipvs/ip_vs_sh.c, ip_vs_dh.c, ip_vs_twos.c, include/linux/hash.h,
 * drivers/char/random.c __get_random_u32_below) to predict the exact pick of each golden frame.
 * The engine's own implementations are not imported: a pick both agree on is a reviewed fact.
 * Dest lists are in kernel order (newest first).
 */

/** include/linux/hash.h hash_32(): (v * GOLDEN_RATIO_32) >> (32 - bits). */
export function hash32(v: number, bits: number): number {
  return (Math.imul(v >>> 0, 0x61c88647) >>> 0) >>> (32 - bits);
}

export interface ModelDest {
  name: string;
  weight: number;
}

/** ip_vs_dh.c: bucket i holds the (i mod n)-th dest; pick = bucket hash_32(daddr, 8). */
export function dhPick(list: ModelDest[], daddr: number): string | null {
  const d = list[hash32(daddr, 8) % list.length]!;
  return d.weight > 0 ? d.name : null;
}

/** ip_vs_sh.c ip_vs_sh_reassign(): each dest fills `weight` consecutive buckets (at least one). */
export function shTable(list: ModelDest[]): ModelDest[] {
  const t: ModelDest[] = [];
  let p = 0;
  let count = 0;
  for (let i = 0; i < 256; i++) {
    const d = list[p % list.length]!;
    t.push(d);
    if (++count >= d.weight) {
      p++;
      count = 0;
    }
  }
  return t;
}

/** ip_vs_sh_schedule() without sh-port: by source address, with or without sh-fallback. */
export function shPick(list: ModelDest[], saddr: number, fallback: boolean): string | null {
  const t = shTable(list);
  const key = (offset: number): number => (offset + hash32(saddr, 8)) & 255;
  const ihash = key(0);
  const first = t[ihash]!;
  if (first.weight > 0) return first.name;
  if (!fallback) return null;
  for (let offset = 0; offset < 256; offset++) {
    const d = t[key((offset + ihash) % 256)]!;
    if (d.weight > 0) return d.name;
  }
  return null;
}

/** The engine's random source for a seed (xorshift32, documented in EngineOptions.seed). */
export function xorshift32(seed: number): () => number {
  let x = seed >>> 0 === 0 ? 0x9e3779b9 : seed >>> 0;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** __get_random_u32_below(ceil): Lemire's multiply-shift with rejection, in BigInt for clarity. */
export function u32Below(ceil: number, rnd: () => number): number {
  let mult = BigInt(ceil) * BigInt(rnd());
  const c = BigInt(ceil);
  if ((mult & 0xffffffffn) < c) {
    const bound = ((1n << 32n) - c) % c;
    while ((mult & 0xffffffffn) < bound) mult = c * BigInt(rnd());
  }
  return Number(mult >> 32n);
}

export interface TwosDest extends ModelDest {
  /** activeconns * 256 + inactconns at the time of the pick. */
  overhead: number;
}

/** ip_vs_twos.c: two weighted random draws, the less loaded per weight wins (choice1 on ties). */
export function twosPick(list: TwosDest[], rnd: () => number): string | null {
  const eligible = list.filter((d) => d.weight > 0);
  if (eligible.length === 0) return null;
  const total = eligible.reduce((s, d) => s + d.weight, 0);
  let r1 = u32Below(total + 1, rnd);
  let r2 = u32Below(total + 1, rnd);
  let c1: TwosDest | null = null;
  let c2: TwosDest | null = null;
  for (const d of eligible) {
    r1 -= d.weight;
    r2 -= d.weight;
    if (r1 <= 0 && c1 === null) c1 = d;
    if (r2 <= 0 && c2 === null) c2 = d;
  }
  c1 ??= eligible[eligible.length - 1]!;
  c2 ??= eligible[eligible.length - 1]!;
  return c2.weight * c1.overhead > c1.weight * c2.overhead ? c2.name : c1.name;
}
