/**
 * ovf: weighted overflow (net/netfilter/ipvs/ip_vs_ovf.c).
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: skip dests with OVERLOAD, with activeconns > weight, or with
 * weight 0 (activeconns == weight is still eligible); among the rest take the highest weight,
 * the first one on ties (`!h || w > hw`). Only active connections count, so it does not suit
 * UDP (UDP conns are never active). No hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';

export class OvfScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    let h: Dest | null = null;
    let hw = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      const w = d.weight;
      if ((d.flags & DEST_F_OVERLOAD) !== 0 || d.activeConns > w || w === 0) continue;
      if (h === null || w > hw) {
        h = d;
        hw = w;
      }
    }
    return h;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
  }

  expire(_now: number): void {}
}

/** ovf: ipvsadm `-s ovf`. */
export const ovf = {
  name: 'ovf',
  summary: 'Weighted Overflow: highest weight until its active connections exceed the weight',
  create: (_svc: ServiceInfo) => new OvfScheduler(),
} as const satisfies SchedulerDef;
