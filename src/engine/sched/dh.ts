/**
 * dh: destination hashing (net/netfilter/ipvs/ip_vs_dh.c).
 *
 * Owns: the 256-bucket table (CONFIG_IP_VS_DH_TAB_BITS = 8). Must not: allocate or throw in
 * schedule().
 * Kernel semantics reproduced:
 * - ip_vs_dh_reassign: bucket i <- the i-th dest cycling through the list (newest first),
 *   weights ignored; all buckets empty when there is no dest. Run by init_service, add_dest
 *   and del_dest only: dh has no upd_dest, so an edit does not rebuild (it could not change
 *   the table anyway).
 * - schedule: bucket = hash_32(ntohl(daddr_fold), 8) of the packet's destination address
 *   (IPv6: XOR of the four words); NULL, without fallback, when the bucket's dest is not
 *   AVAILABLE, has weight <= 0 or is OVERLOAD.
 */
import { DEST_F_AVAILABLE, DEST_F_OVERLOAD } from '../service/dest.js';
import { DestChange } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { hash32 } from './util.js';

/** IP_VS_DH_TAB_BITS. */
export const DH_TAB_BITS = 8;
/** IP_VS_DH_TAB_SIZE. */
export const DH_TAB_SIZE = 1 << DH_TAB_BITS;

export class DhScheduler implements Scheduler {
  /** The bucket table; exposed read-only for tests. */
  readonly buckets: (Dest | null)[] = new Array<Dest | null>(DH_TAB_SIZE).fill(null);

  schedule(flow: FlowInfo, _now: number): Dest | null {
    const d = this.buckets[hash32(flow.daddrFold, DH_TAB_BITS)]!;
    if (
      d === null ||
      (d.flags & DEST_F_AVAILABLE) === 0 ||
      d.weight <= 0 ||
      (d.flags & DEST_F_OVERLOAD) !== 0
    ) {
      return null;
    }
    return d;
  }

  update(dests: readonly Dest[], change: DestChangeCode, _changed: Dest | null): void {
    if (change === DestChange.Edit) return; // no upd_dest hook
    const n = dests.length;
    for (let i = 0; i < DH_TAB_SIZE; i++) this.buckets[i] = n === 0 ? null : dests[i % n]!;
  }

  expire(_now: number): void {}
}

/** dh: ipvsadm `-s dh`. */
export const dh = {
  name: 'dh',
  summary: 'Destination Hashing: static table indexed by the destination address',
  create: (_svc: ServiceInfo) => new DhScheduler(),
} as const satisfies SchedulerDef;
