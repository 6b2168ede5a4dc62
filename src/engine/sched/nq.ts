/**
 * nq: never queue (net/netfilter/ipvs/ip_vs_nq.c).
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: skip dests with OVERLOAD or weight 0; walking in list order
 * the first dest with activeconns == 0 is returned at once; otherwise the smallest
 * (activeconns + 1) / weight, replacing on (s64)loh * w(dest) > (s64)doh * w(least), strict
 * (ties stay with the newer dest). No hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { mulGt } from './util.js';

export class NqScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    let least: Dest | null = null;
    let loh = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0 || d.weight === 0) continue;
      const doh = (d.activeConns + 1) | 0;
      if (d.activeConns === 0) return d; // idle: never queue
      if (least === null || mulGt(loh, d.weight, doh, least.weight)) {
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

/** nq: ipvsadm `-s nq`. */
export const nq = {
  name: 'nq',
  summary: 'Never Queue: an idle server if any, else shortest expected delay',
  create: (_svc: ServiceInfo) => new NqScheduler(),
} as const satisfies SchedulerDef;
