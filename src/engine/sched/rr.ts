/**
 * rr: round robin (net/netfilter/ipvs/ip_vs_rr.c).
 *
 * Owns: the rr cursor, a position in the service's dest list that is either a dest or the
 * list head. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced:
 * - init_service puts the cursor on the list head; schedule walks forward from the node after
 *   the cursor, wrapping once, and takes the first dest without OVERLOAD and with weight > 0;
 *   the cursor moves to it. The list is newest first, so the newest dest is picked first.
 * - rr has no add_dest and no upd_dest: adding or editing leaves the cursor on the same dest.
 * - del_dest: when the cursor is the deleted dest it moves to the previous list node (the
 *   head when the deleted dest was first).
 * Invariant: `cursorIdx` is the cursor's index in `dests`, -1 for the head.
 */
import { DEST_F_OVERLOAD } from '../service/dest.js';
import { DestChange } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';

export class RrScheduler implements Scheduler {
  private dests: Dest[] = [];
  private cursor: Dest | null = null;
  private cursorIdx = -1;

  schedule(_flow: FlowInfo, _now: number): Dest | null {
    const list = this.dests;
    const n = list.length;
    const last = this.cursorIdx;
    for (let j = last + 1; j < n; j++) {
      const d = list[j]!;
      if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight > 0) return this.take(j, d);
    }
    // Second pass from the head up to and including the cursor's own dest; none when the
    // cursor was the head (the first pass already covered the whole list).
    for (let j = 0; j <= last && j < n; j++) {
      const d = list[j]!;
      if ((d.flags & DEST_F_OVERLOAD) === 0 && d.weight > 0) return this.take(j, d);
    }
    return null;
  }

  private take(idx: number, d: Dest): Dest {
    this.cursor = d;
    this.cursorIdx = idx;
    return d;
  }

  update(dests: readonly Dest[], change: DestChangeCode, changed: Dest | null): void {
    if (change === DestChange.Init) {
      this.cursor = null;
    } else if (change === DestChange.Del && changed !== null && this.cursor === changed) {
      const old = this.dests.indexOf(changed);
      this.cursor = old > 0 ? this.dests[old - 1]! : null;
    }
    this.dests = Array.from(dests);
    this.cursorIdx = this.cursor === null ? -1 : this.dests.indexOf(this.cursor);
    if (this.cursorIdx < 0) this.cursor = null;
  }

  expire(_now: number): void {}
}

/** rr: ipvsadm `-s rr`. */
export const rr = {
  name: 'rr',
  summary: 'Round Robin: next server in the list, newest first',
  create: (_svc: ServiceInfo) => new RrScheduler(),
} as const satisfies SchedulerDef;
