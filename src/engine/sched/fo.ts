/**
 * fo: weighted fail over (net/netfilter/ipvs/ip_vs_fo.c).
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: among dests without OVERLOAD take the highest weight, replacing
 * only on weight > hw with hw starting at 0, so weight 0 is never picked and ties go to the
 * earliest (newest) dest. No hooks.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';

export class FoScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    let best: Dest | null = null;
    let hw = 0;
    for (let i = 0; i < list.length; i++) {
      const d = list[i]!;
      if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight > hw) {
        best = d;
        hw = d.weight;
      }
    }
    return best;
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
  }

  expire(_now: number): void {}
}

/** fo: ipvsadm `-s fo`. */
export const fo = {
  name: 'fo',
  summary: 'Weighted Fail Over: the available server with the highest weight',
  create: (_svc: ServiceInfo) => new FoScheduler(),
} as const satisfies SchedulerDef;
