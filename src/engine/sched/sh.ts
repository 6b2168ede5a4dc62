/**
 * sh: source hashing (net/netfilter/ipvs/ip_vs_sh.c), flags sh-fallback and sh-port.
 *
 * Owns: the 256-bucket table (CONFIG_IP_VS_SH_TAB_BITS = 8). Must not: allocate or throw in
 * schedule().
 * Kernel semantics reproduced:
 * - ip_vs_sh_reassign (init_service, add_dest, del_dest and upd_dest): walk the list (newest
 *   first) wrapping until 256 buckets are filled; each dest takes `weight` consecutive
 *   buckets, at least one (the counter is bumped before the `>= weight` test, so weight 0
 *   still takes one bucket). All empty without dests.
 * - hashkey(addr, port, offset) = (offset + hash_32(port + ntohl(addr_fold), 8)) & 255, addr =
 *   the client's source address; port = 0 unless sh-port (IP_VS_SVC_F_SCHED2), then the
 *   client's source port for TCP, UDP and SCTP (0 for other protocols).
 * - unavailable = weight <= 0 or OVERLOAD (no AVAILABLE test in sh). Without sh-fallback
 *   (IP_VS_SVC_F_SCHED1) an unavailable or empty bucket gives NULL. With it: empty bucket ->
 *   NULL; else for offset 0..255, roffset = (offset + ihash) % 256, probe hashkey(.., roffset),
 *   stop at an empty bucket, return the first available dest.
 * Kernel case tun-sh-2 pins the buckets.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import { SVC_F_SCHED1, SVC_F_SCHED2 } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { hash32, hashPort } from './util.js';

/** IP_VS_SH_TAB_BITS. */
export const SH_TAB_BITS = 8;
/** IP_VS_SH_TAB_SIZE. */
export const SH_TAB_SIZE = 1 << SH_TAB_BITS;
const SH_TAB_MASK = SH_TAB_SIZE - 1;

export class ShScheduler implements Scheduler {
  /** The bucket table; exposed read-only for tests. */
  readonly buckets: (Dest | null)[] = new Array<Dest | null>(SH_TAB_SIZE).fill(null);
  private readonly fallback: boolean;
  private readonly usePort: boolean;

  constructor(svc: ServiceInfo) {
    this.fallback = (svc.schedFlags & SVC_F_SCHED1) !== 0;
    this.usePort = (svc.schedFlags & SVC_F_SCHED2) !== 0;
  }

  /** ip_vs_sh_hashkey with offset 0: the bucket the flow maps to. */
  bucketOf(flow: FlowInfo): number {
    const port = this.usePort ? hashPort(flow) : 0;
    return hash32((port + flow.saddrFold) >>> 0, SH_TAB_BITS);
  }

  schedule(flow: FlowInfo, _now: number): Dest | null {
    const ihash = this.bucketOf(flow);
    const first = this.buckets[ihash]!;
    if (first === null) return null;
    if (first.weight > 0 && (first.flags & DEST_F_OVERLOAD) === 0) return first;
    if (!this.fallback) return null;
    for (let offset = 0; offset < SH_TAB_SIZE; offset++) {
      const roffset = (offset + ihash) % SH_TAB_SIZE;
      const d = this.buckets[(roffset + ihash) & SH_TAB_MASK]!;
      if (d === null) break;
      if (d.weight > 0 && (d.flags & DEST_F_OVERLOAD) === 0) return d;
    }
    return null;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    const n = dests.length;
    let p = 0;
    let count = 0;
    for (let i = 0; i < SH_TAB_SIZE; i++) {
      if (n === 0) {
        this.buckets[i] = null;
        continue;
      }
      const d = dests[p]!;
      this.buckets[i] = d;
      if (++count >= d.weight) {
        p = (p + 1) % n;
        count = 0;
      }
    }
  }

  expire(_now: number): void {}
}

/** sh: ipvsadm `-s sh` (flags sh-fallback, sh-port). */
export const sh = {
  name: 'sh',
  summary: 'Source Hashing: static weighted table indexed by the client address',
  create: (svc: ServiceInfo) => new ShScheduler(svc),
} as const satisfies SchedulerDef;
