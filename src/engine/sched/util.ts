/**
 * Shared arithmetic for the schedulers: the kernel's hash_32, gcd, fls, conn overhead, exact
 * signed 64-bit weighted comparisons, hsiphash (SipHash-1-3 on 64-bit kernels) and
 * get_random_u32_below.
 *
 * Owns: pure number functions only. Must not: allocate (everything here runs on the hot path),
 * use BigInt, throw. Invariants: inputs documented as uint32/int32 are such; results are exact.
 * Kernel sources: include/linux/hash.h (hash_32, GOLDEN_RATIO_32), include/linux/gcd.h,
 * include/net/ip_vs.h (ip_vs_dest_conn_overhead), lib/siphash.c (hsiphash_1u32 with
 * BITS_PER_LONG == 64: SipHash-1-3, key = two unsigned longs), drivers/char/random.c
 * (__get_random_u32_below).
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, FlowInfo } from './types.js';

/** GOLDEN_RATIO_32 of include/linux/hash.h. */
export const GOLDEN_RATIO_32 = 0x61c88647;

/** hash_32(v, bits): (v * GOLDEN_RATIO_32 mod 2^32) >> (32 - bits); `bits` in 1..31. */
export function hash32(v: number, bits: number): number {
  return Math.imul(v, GOLDEN_RATIO_32) >>> (32 - bits);
}

/** Greatest common divisor of two positive integers (lib/math/gcd.c semantics for a, b > 0). */
export function gcd(a: number, b: number): number {
  while (b !== 0) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** fls(x): 1-based index of the highest set bit, 0 for 0 (include/asm-generic/bitops/fls.h). */
export function fls(x: number): number {
  return 32 - Math.clz32(x);
}

/**
 * ip_vs_dest_conn_overhead(): (activeconns << 8) + inactconns in C `int`. The kernel builds
 * with -fno-strict-overflow, so the sum wraps at 32 bits; `| 0` reproduces that.
 */
export function connOverhead(d: Dest): number {
  return ((d.activeConns << 8) + d.inactConns) | 0;
}

/**
 * The port sh and mh hash with their -port flag (ip_vs_sh_get_port / ip_vs_mh_get_port): the
 * client's source port for TCP, UDP and SCTP, 0 for other protocols.
 */
export function hashPort(flow: FlowInfo): number {
  const p = flow.proto;
  return p === 6 || p === 17 || p === 132 ? flow.sport : 0;
}

/** True when the dest carries IP_VS_DEST_F_OVERLOAD. */
export function isOverloadFlag(d: Dest): boolean {
  return (d.flags & DEST_F_OVERLOAD) !== 0;
}

/**
 * Exact `(s64)a * b > (s64)c * d` for int32 a, b, c, d (the kernel's weighted comparisons).
 * Products reach 2^62, past double precision, so b and d are split into 16-bit halves:
 * a*b = a*(b>>16)*2^16 + a*(b&0xffff). Each partial product and each difference below is an
 * exact double (< 2^49), the scaling by 2^16 is exact, and a correctly rounded sum keeps the
 * sign of the exact sum, so the comparison is exact.
 */
export function mulGt(a: number, b: number, c: number, d: number): boolean {
  return (a * (b >> 16) - c * (d >> 16)) * 65536 + (a * (b & 0xffff) - c * (d & 0xffff)) > 0;
}

/** Exact `(s64)a * b < (s64)c * d` for int32 operands. */
export function mulLt(a: number, b: number, c: number, d: number): boolean {
  return (a * (b >> 16) - c * (d >> 16)) * 65536 + (a * (b & 0xffff) - c * (d & 0xffff)) < 0;
}

/**
 * Weighted least-connection pick over `list` (ip_vs_wlc.c; also __ip_vs_lblc_schedule and
 * __ip_vs_lblcr_schedule): stage 1 takes the first dest without OVERLOAD and weight > 0;
 * stage 2 replaces it with a later non-OVERLOAD dest only when loh*w(dest) > doh*w(least)
 * (strict, so ties stay with the earlier, i.e. newer, dest).
 */
export function pickWlc(list: readonly Dest[]): Dest | null {
  const n = list.length;
  let i = 0;
  let least: Dest | null = null;
  for (; i < n; i++) {
    const d = list[i]!;
    if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight > 0) {
      least = d;
      break;
    }
  }
  if (least === null) return null;
  let loh = connOverhead(least);
  for (i++; i < n; i++) {
    const d = list[i]!;
    if ((d.flags & DEST_F_OVERLOAD) !== 0) continue;
    const doh = connOverhead(d);
    if (mulGt(loh, d.weight, doh, least.weight)) {
      least = d;
      loh = doh;
    }
  }
  return least;
}

/**
 * lblc/lblcr is_overloaded(dest, svc): activeconns > weight and some dest m of the service
 * has m.activeconns * 2 < m.weight.
 */
export function isLblcOverloaded(dest: Dest, list: readonly Dest[]): boolean {
  if (dest.activeConns > dest.weight) {
    for (let i = 0; i < list.length; i++) {
      const m = list[i]!;
      if (m.activeConns * 2 < m.weight) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// hsiphash on 64-bit kernels: SipHash-1-3 (lib/siphash.c, "on 64-bit, we make HalfSipHash1-3
// actually be SipHash1-3"). hsiphash_key_t is `unsigned long key[2]`, i.e. two 64-bit words.
// The u64 state is emulated with (hi, lo) uint32 pairs held in locals of one function (module
// variables or helper calls would box non-Smi numbers on every update and allocate).

/**
 * hsiphash_1u32(first, key) on a 64-bit kernel: SipHash-1-3 of the 4-byte little-endian
 * message `first`, key words k0 = (k0h:k0l), k1 = (k1h:k1l); returns the low 32 bits of the
 * 64-bit result (the function's u32 return). This is what `hsiphash(&v, 4, key)` computes.
 */
export function hsiphash1u32(first: number, k0h: number, k0l: number, k1h: number, k1l: number): number {
  return hsiphash1i32(first, k0h, k0l, k1h, k1l) >>> 0;
}

/**
 * hsiphash1i32: hsiphash1u32's bits as an int32. Hot-path callers use this one and apply
 * `>>> 0` where they reduce the value: an int32 return stays a small integer in V8, a uint32
 * at or above 2^31 would be boxed (allocated) when the call is not inlined.
 */
export function hsiphash1i32(first: number, k0h: number, k0l: number, k1h: number, k1l: number): number {
  let v0h = (0x736f6d65 ^ k0h) >>> 0;
  let v0l = (0x70736575 ^ k0l) >>> 0;
  let v1h = (0x646f7261 ^ k1h) >>> 0;
  let v1l = (0x6e646f6d ^ k1l) >>> 0;
  let v2h = (0x6c796765 ^ k0h) >>> 0;
  let v2l = (0x6e657261 ^ k0l) >>> 0;
  let v3h = (0x74656462 ^ k1h) >>> 0;
  let v3l = (0x79746573 ^ k1l) >>> 0;
  // b = (len << 56) | first, len = 4
  const bh = 0x04000000;
  const bl = first >>> 0;
  v3h = (v3h ^ bh) >>> 0;
  v3l = (v3l ^ bl) >>> 0;
  // 1 compression round (c = 1), then v0 ^= b, v2 ^= 0xff and 3 finalization rounds (d = 3)
  for (let r = 0; r < 4; r++) {
    let lo: number;
    let h: number;
    let l: number;
    // v0 += v1; v1 = rol64(v1, 13); v1 ^= v0; v0 = rol64(v0, 32)
    lo = (v0l + v1l) >>> 0;
    v0h = (v0h + v1h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    h = v1h;
    l = v1l;
    v1h = (((h << 13) | (l >>> 19)) ^ v0h) >>> 0;
    v1l = (((l << 13) | (h >>> 19)) ^ v0l) >>> 0;
    h = v0h;
    v0h = v0l;
    v0l = h;
    // v2 += v3; v3 = rol64(v3, 16); v3 ^= v2
    lo = (v2l + v3l) >>> 0;
    v2h = (v2h + v3h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    h = v3h;
    l = v3l;
    v3h = (((h << 16) | (l >>> 16)) ^ v2h) >>> 0;
    v3l = (((l << 16) | (h >>> 16)) ^ v2l) >>> 0;
    // v0 += v3; v3 = rol64(v3, 21); v3 ^= v0
    lo = (v0l + v3l) >>> 0;
    v0h = (v0h + v3h + (lo < v0l ? 1 : 0)) >>> 0;
    v0l = lo;
    h = v3h;
    l = v3l;
    v3h = (((h << 21) | (l >>> 11)) ^ v0h) >>> 0;
    v3l = (((l << 21) | (h >>> 11)) ^ v0l) >>> 0;
    // v2 += v1; v1 = rol64(v1, 17); v1 ^= v2; v2 = rol64(v2, 32)
    lo = (v2l + v1l) >>> 0;
    v2h = (v2h + v1h + (lo < v2l ? 1 : 0)) >>> 0;
    v2l = lo;
    h = v1h;
    l = v1l;
    v1h = (((h << 17) | (l >>> 15)) ^ v2h) >>> 0;
    v1l = (((l << 17) | (h >>> 15)) ^ v2l) >>> 0;
    h = v2h;
    v2h = v2l;
    v2l = h;
    if (r === 0) {
      v0h = (v0h ^ bh) >>> 0;
      v0l = (v0l ^ bl) >>> 0;
      v2l = (v2l ^ 0xff) >>> 0;
    }
  }
  return v0l ^ v1l ^ v2l ^ v3l;
}

// ---------------------------------------------------------------------------------------------

/**
 * get_random_u32_below(ceil) (drivers/char/random.c __get_random_u32_below, Lemire's
 * multiply-shift with rejection) drawing its u32 words from `random` (uint32 in [0, 2^32)):
 * rand = random(); ceil == 0 -> rand; mult = ceil * rand (u64); if low32(mult) < ceil,
 * bound = (2^32 - ceil) % ceil and redraw while low32(mult) < bound; return mult >> 32.
 */
export function randomU32Below(ceil: number, random: () => number): number {
  let rand = random() >>> 0;
  if (ceil === 0) return rand;
  ceil = ceil >>> 0;
  let low = Math.imul(ceil, rand) >>> 0;
  if (low < ceil) {
    const bound = (4294967296 - ceil) % ceil;
    while (low < bound) {
      rand = random() >>> 0;
      low = Math.imul(ceil, rand) >>> 0;
    }
  }
  return mulHigh32(ceil, rand);
}

/** High 32 bits of the exact 64-bit product of two uint32s. */
export function mulHigh32(a: number, b: number): number {
  const x = a * (b & 0xffff); // < 2^48, exact
  const y = a * (b >>> 16); // < 2^48, exact
  const yHi = Math.floor(y / 65536);
  const yLo = y - yHi * 65536;
  // a*b = yHi * 2^32 + yLo * 2^16 + x, with yLo * 2^16 + x < 2^49 (exact)
  return (yHi + Math.floor((yLo * 65536 + x) / 4294967296)) >>> 0;
}
