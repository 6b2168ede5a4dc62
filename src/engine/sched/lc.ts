/**
 * lc: least connection (net/netfilter/ipvs/ip_vs_lc.c).
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: skip dests with OVERLOAD or weight 0; take the smallest
 * overhead = activeconns * 256 + inactconns (ip_vs_dest_conn_overhead, despite the file's
 * old "<< 5" comment), replacing only on a strictly smaller value, so ties go to the earliest
 * dest in list order, the newest added (kernel case lc-dr). Weights are otherwise ignored.
 * No add/del/upd hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { connOverhead } from './util.js';

export class LcScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    let least: Dest | null = null;
    let loh = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0 || d.weight === 0) continue;
      const doh = connOverhead(d);
      if (least === null || doh < loh) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
  }

  expire(_now: number): void {}
}

/** lc: ipvsadm `-s lc`. */
export const lc = {
  name: 'lc',
  summary: 'Least-Connection: fewest active*256+inactive connections',
  create: (_svc: ServiceInfo) => new LcScheduler(),
} as const satisfies SchedulerDef;
