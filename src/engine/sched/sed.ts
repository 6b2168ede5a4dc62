/**
 * sed: shortest expected delay (net/netfilter/ipvs/ip_vs_sed.c).
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: the wlc two-stage walk with overhead = activeconns + 1
 * (inactive connections ignored): stage 1 first dest without OVERLOAD with weight > 0;
 * stage 2 replaces on (s64)loh * w(dest) > (s64)doh * w(least), strict. No hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { mulGt } from './util.js';

export class SedScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
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
    let loh = (least.activeConns + 1) | 0;
    for (i++; i < n; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0) continue;
      const doh = (d.activeConns + 1) | 0;
      if (mulGt(loh, d.weight, doh, least.weight)) {
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

/** sed: ipvsadm `-s sed`. */
export const sed = {
  name: 'sed',
  summary: 'Shortest Expected Delay: fewest (active+1)/weight',
  create: (_svc: ServiceInfo) => new SedScheduler(),
} as const satisfies SchedulerDef;
