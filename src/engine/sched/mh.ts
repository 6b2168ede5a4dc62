/**
 * mh: Maglev hashing (net/netfilter/ipvs/ip_vs_mh.c), flags mh-fallback and mh-port.
 *
 * Owns: the lookup table of M = 4093 slots (primes[CONFIG_IP_VS_MH_TAB_INDEX - 8], default
 * index 12). Must not: allocate or throw in schedule().
 * Kernel semantics reproduced:
 * - H(addr, port, key, offset) = hsiphash(u32 v = offset + port + ntohl(addr_fold), key), with
 *   the fixed keys hash1 = {2654435761, 2654435761} and hash2 = {2654446892, 2654446892}
 *   (each an `unsigned long`: on 64-bit kernels hsiphash is SipHash-1-3 with a 128-bit key).
 * - Rebuilt by init_service, add_dest, del_dest and upd_dest from last_weight (the last
 *   non-zero weight), so quiescing a dest (weight 0) keeps the table and only makes the dest
 *   unavailable. gcd over last_weight > 0 (none: every slot empty); rshift = max(0,
 *   fls(max_lw / gcd) - 6); per dest in list order offset = H(dest addr, dest port, hash1) % M,
 *   skip = H(.., hash2) % (M - 1) + 1, turns = ((lw / gcd) >> rshift) or (lw != 0).
 *   Populate: rounds over the list, dests with turns < 1 skipped, each taking `turns` slots
 *   per round at the next free position of its permutation (perm += skip mod M), until all M
 *   slots are filled. More than M dests: the kernel refuses (-EINVAL) and the table stays.
 * - schedule: slot = H(client source addr, port, hash1, 0) % M, port = the client's source port
 *   with mh-port (SCHED2) for TCP/UDP/SCTP, else 0. unavailable = weight <= 0 or OVERLOAD.
 *   Empty or unavailable -> NULL, unless mh-fallback (SCHED1): empty -> NULL; else for
 *   o = 0..M-1, roffset = (o + ihash) % M, slot = H(addr, port, hash1, roffset) % M, stop at an
 *   empty slot, return the first available dest.
 * Kernel case mh-4 pins the table.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import { SVC_F_SCHED1, SVC_F_SCHED2 } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { fls, gcd, hashPort, hsiphash1i32 } from './util.js';

/** IP_VS_MH_TAB_SIZE with the default CONFIG_IP_VS_MH_TAB_INDEX = 12. */
export const MH_TAB_SIZE = 4093;
/** IP_VS_MH_TAB_BITS = CONFIG_IP_VS_MH_TAB_INDEX / 2. */
export const MH_TAB_BITS = 6;
/** hash1 key words (generate_hash_secret). */
export const MH_KEY1 = 2654435761;
/** hash2 key words (generate_hash_secret). */
export const MH_KEY2 = 2654446892;

/** ip_vs_mh_hashkey with key hash1: hsiphash of (offset + port + addrFold) mod 2^32, as uint32. */
export function mhHash1(addrFold: number, port: number, offset: number): number {
  return hsiphash1i32((offset + port + addrFold) >>> 0, 0, MH_KEY1, 0, MH_KEY1) >>> 0;
}

/** ip_vs_mh_hashkey with key hash2, as uint32. */
export function mhHash2(addrFold: number, port: number, offset: number): number {
  return hsiphash1i32((offset + port + addrFold) >>> 0, 0, MH_KEY2, 0, MH_KEY2) >>> 0;
}

/** The hash1 key word as int32 (same bits): keeps hsiphash1i32's parameters small integers. */
const MH_KEY1_I32 = MH_KEY1 | 0;

/** Hot path: ip_vs_mh_hashkey(.., hash1, offset) % M without boxing the uint32. */
function mhSlot(addrFold: number, port: number, offset: number): number {
  return (hsiphash1i32((offset + port + addrFold) | 0, 0, MH_KEY1_I32, 0, MH_KEY1_I32) >>> 0) % MH_TAB_SIZE;
}

function unavailable(d: Dest): boolean {
  return d.weight <= 0 || (d.flags & DEST_F_OVERLOAD) !== 0;
}

export class MhScheduler implements Scheduler {
  /** The lookup table; exposed read-only for tests. */
  readonly lookup: (Dest | null)[] = new Array<Dest | null>(MH_TAB_SIZE).fill(null);
  private readonly fallback: boolean;
  private readonly usePort: boolean;

  constructor(svc: ServiceInfo) {
    this.fallback = (svc.schedFlags & SVC_F_SCHED1) !== 0;
    this.usePort = (svc.schedFlags & SVC_F_SCHED2) !== 0;
  }

  /** The slot a flow maps to before any fallback. */
  slotOf(flow: FlowInfo): number {
    const port = this.usePort ? hashPort(flow) : 0;
    return mhSlot(flow.saddrFold, port, 0);
  }

  schedule(flow: FlowInfo, _now: number): Dest | null {
    const port = this.usePort ? hashPort(flow) : 0;
    const addr = flow.saddrFold;
    const ihash = mhSlot(addr, port, 0);
    const first = this.lookup[ihash]!;
    if (first === null) return null;
    if (!unavailable(first)) return first;
    if (!this.fallback) return null;
    for (let offset = 0; offset < MH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % MH_TAB_SIZE;
      const d = this.lookup[mhSlot(addr, port, roffset)]!;
      if (d === null) break;
      if (!unavailable(d)) return d;
    }
    return null;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    const n = dests.length;
    if (n > MH_TAB_SIZE) return; // ip_vs_mh_reassign: -EINVAL, table unchanged
    let g = 0;
    let maxLw = 0;
    for (const d of dests) {
      const lw = d.lastWeight;
      if (lw > 0) g = g > 0 ? gcd(lw, g) : lw;
      if (lw > maxLw) maxLw = lw;
    }
    if (g < 1) {
      this.lookup.fill(null); // ip_vs_mh_reset
      return;
    }
    const shift = fls(Math.trunc(maxLw / g)) - MH_TAB_BITS;
    const rshift = shift >= 0 ? shift : 0;
    // ip_vs_mh_permutate
    const skip = new Uint32Array(n);
    const perm = new Uint32Array(n);
    const turns = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const d = dests[i]!;
      perm[i] = mhHash1(d.addrFold, d.port, 0) % MH_TAB_SIZE;
      skip[i] = (mhHash2(d.addrFold, d.port, 0) % (MH_TAB_SIZE - 1)) + 1;
      const lw = d.lastWeight;
      const t = Math.trunc(lw / g) >> rshift;
      turns[i] = t !== 0 ? t : lw !== 0 ? 1 : 0;
    }
    // ip_vs_mh_populate
    const taken = new Uint8Array(MH_TAB_SIZE);
    let filled = 0;
    let dtCount = 0;
    while (filled < MH_TAB_SIZE) {
      for (let i = 0; i < n;) {
        if (turns[i]! < 1) {
          i++;
          continue;
        }
        let c = perm[i]!;
        while (taken[c] !== 0) {
          c += skip[i]!;
          if (c >= MH_TAB_SIZE) c -= MH_TAB_SIZE;
        }
        perm[i] = c;
        taken[c] = 1;
        this.lookup[c] = dests[i]!;
        if (++filled === MH_TAB_SIZE) return;
        if (++dtCount >= turns[i]!) {
          dtCount = 0;
          i++;
        }
      }
    }
  }

  expire(_now: number): void {}
}

/** mh: ipvsadm `-s mh` (flags mh-fallback, mh-port). */
export const mh = {
  name: 'mh',
  summary: 'Maglev Hashing: consistent hashing of the client address',
  create: (svc: ServiceInfo) => new MhScheduler(svc),
} as const satisfies SchedulerDef;
