/**
 * wrr: weighted round robin (net/netfilter/ipvs/ip_vs_wrr.c).
 *
 * Owns: the kernel's `struct ip_vs_wrr_mark`: cl (cursor: a dest or the list head), cw
 * (current weight), mw (max weight - (di - 1)), di (gcd of the positive weights, 1 if none).
 * Must not: allocate or throw in schedule().
 * Kernel semantics reproduced:
 * - init_service: cl = head, di = gcd, mw = max - (di - 1), cw = mw.
 * - add_dest, del_dest and upd_dest all run ip_vs_wrr_dest_changed: cl = head, di and mw
 *   recomputed, then `cw = mw` if cw > mw or cw == 0, else if di > 1 `cw = (cw/di)*di + 1`.
 *   cw survives additions, so a service built dest by dest starts where the last addition
 *   left cw (kernel case nat-wrr-3: .23 .22 .21 | .22 | .22 .21 | ...).
 * - schedule: from the node after cl take the first dest without OVERLOAD with weight >= cw;
 *   at the list end cw -= di, wrapping to mw, with the kernel's last_pass / restarted / stop
 *   rules so that every dest is checked once against cw >= 1 before failing; cl follows.
 * Invariant: `clIdx` is cl's index in `dests`, -1 for the head.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import { DestChange } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { gcd } from './util.js';

export class WrrScheduler implements Scheduler {
  private dests: Dest[] = [];
  private clIdx = -1;
  private cw = 0;
  private mw = 0;
  private di = 1;

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    if (this.mw === 0) return null; // "no destination available"; cl unchanged
    const list = this.dests;
    const n = list.length;
    const last = this.clIdx;
    let stop = -2; // none
    let lastPass = false;
    let restarted = false;
    let i = last;
    for (;;) {
      for (let j = i + 1; j < n; j++) {
        const d = list[j]!;
        if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight >= this.cw) {
          this.clIdx = j;
          return d;
        }
        if (j === stop) {
          this.clIdx = j;
          return null; // "all destinations are overloaded"
        }
      }
      i = -1; // the walk reached the list head
      this.cw -= this.di;
      if (this.cw <= 0) {
        this.cw = this.mw;
        if (lastPass || last === -1) {
          this.clIdx = -1;
          return null;
        }
        restarted = true;
      }
      lastPass = this.cw <= this.di;
      if (lastPass && restarted && last !== -1) stop = last;
    }
  }

  update(dests: readonly Dest[], change: DestChangeCode, _changed: Dest | null): void {
    this.dests = Array.from(dests);
    this.clIdx = -1;
    let g = 0;
    let max = 0;
    for (const d of this.dests) {
      const w = d.weight;
      if (w > 0) g = g > 0 ? gcd(w, g) : w;
      if (w > max) max = w;
    }
    this.di = g > 0 ? g : 1;
    this.mw = max - (this.di - 1);
    if (change === DestChange.Init || this.cw > this.mw || this.cw === 0) {
      this.cw = this.mw;
    } else if (this.di > 1) {
      this.cw = Math.trunc(this.cw / this.di) * this.di + 1;
    }
  }

  expire(_now: number): void {}
}

/** wrr: ipvsadm `-s wrr`. */
export const wrr = {
  name: 'wrr',
  summary: 'Weighted Round Robin: rounds by descending weight threshold',
  create: (_svc: ServiceInfo) => new WrrScheduler(),
} as const satisfies SchedulerDef;
