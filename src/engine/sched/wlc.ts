/**
 * wlc: weighted least connection (net/netfilter/ipvs/ip_vs_wlc.c), ipvsadm's default.
 *
 * Owns: a copy of the dest list. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced: stage 1 takes the first dest (list order, newest first) without
 * OVERLOAD and with weight > 0; stage 2 replaces it with a later non-OVERLOAD dest when
 * (s64)loh * w(dest) > (s64)doh * w(least), strict, so ties stay with the newer dest and a
 * weight-0 dest never wins. overhead = activeconns * 256 + inactconns. No hooks.
 * Kernel case wlc-established pins the sequence.
 */
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { pickWlc } from './util.js';

export class WlcScheduler implements Scheduler {
  private dests: Dest[] = [];

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    return pickWlc(this.dests);
  }

  update(dests: readonly Dest[], _change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
  }

  expire(_now: number): void {}
}

/** wlc: ipvsadm `-s wlc`. */
export const wlc = {
  name: 'wlc',
  summary: 'Weighted Least-Connection: fewest (active*256+inactive)/weight',
  create: (_svc: ServiceInfo) => new WlcScheduler(),
} as const satisfies SchedulerDef;
