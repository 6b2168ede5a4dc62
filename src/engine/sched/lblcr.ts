/**
 * lblcr: locality-based least connection with replication (net/netfilter/ipvs/ip_vs_lblcr.c),
 * keyed by the packet's DESTINATION address.
 *
 * Owns: the cache of destination address -> dest set (with set.lastmod) on lblc's AddrTable,
 * and the set-element pool. Must not: allocate or throw in schedule().
 * Kernel semantics reproduced:
 * - entry found: lastuse = now; dest = set_min (weighted least-conn over members that are not
 *   OVERLOAD, weight > 0 and AVAILABLE for the first, AVAILABLE for later replacements); if the
 *   set has more than one member and now > lastmod + expiration, set_max (weighted most-loaded
 *   member with weight > 0) is erased (lastmod = now). If dest exists and is not is_overloaded
 *   (lblc rule) it is used; else a wlc pick over the service is added to the set head unless
 *   already a member (insertion sets lastmod = now).
 * - no entry: wlc pick over the service; new entry {dest}, lastuse = lastmod = now.
 * - GC identical to lblc (AddrTable.expire), expiration = sysctl lblcr_expiration (24 h).
 * - no add/del/upd hooks.
 * Differences: times in ms; the entry and element pools are bounded (a failed element
 * allocation skips the insertion like the kernel's failed kmalloc).
 */
import { DEST_F_AVAILABLE, DEST_F_OVERLOAD } from '../service/dest.js';
import { AddrTable, ADDR_TABLE_HARD_CAP, ADDR_TABLE_INITIAL } from './lblc.js';
import { DestChange } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { connOverhead, isLblcOverloaded, mulGt, mulLt, pickWlc } from './util.js';

/** The lblcr table: AddrTable whose payload is a dest set per entry. */
class LblcrTable extends AddrTable {
  setHead: Int32Array = new Int32Array(0);
  setSize: Int32Array = new Int32Array(0);
  setLastmod: Float64Array = new Float64Array(0);
  elemDest: (Dest | null)[] = [];
  elemNext: Int32Array = new Int32Array(0);
  elemCapacity = 0;
  elemUsed = 0;
  private elemFree = -1;

  constructor() {
    super();
    this.grow(ADDR_TABLE_INITIAL);
    this.growElems(ADDR_TABLE_INITIAL * 2);
  }

  protected override release(i: number): void {
    for (let e = this.setHead[i]!; e >= 0;) {
      const nx = this.elemNext[e]!;
      this.freeElem(e);
      e = nx;
    }
    this.setHead[i] = -1;
    this.setSize[i] = 0;
  }

  protected override growPayload(cap: number, _old: number): void {
    const head = new Int32Array(cap).fill(-1);
    head.set(this.setHead);
    const size = new Int32Array(cap);
    size.set(this.setSize);
    const lastmod = new Float64Array(cap);
    lastmod.set(this.setLastmod);
    this.setHead = head;
    this.setSize = size;
    this.setLastmod = lastmod;
  }

  /** Control path: enlarge the element pool. */
  growElems(cap: number): void {
    const old = this.elemCapacity;
    if (cap <= old) return;
    const next = new Int32Array(cap);
    next.set(this.elemNext);
    this.elemNext = next;
    for (let e = old; e < cap; e++) this.elemDest.push(null);
    for (let e = cap - 1; e >= old; e--) {
      this.elemNext[e] = this.elemFree;
      this.elemFree = e;
    }
    this.elemCapacity = cap;
  }

  private freeElem(e: number): void {
    this.elemDest[e] = null;
    this.elemNext[e] = this.elemFree;
    this.elemFree = e;
    this.elemUsed--;
  }

  /** ip_vs_dest_set_insert: at the set head; with `check`, nothing when already a member. */
  setInsert(i: number, dest: Dest, check: boolean, now: number): void {
    if (check) {
      for (let e = this.setHead[i]!; e >= 0; e = this.elemNext[e]!) if (this.elemDest[e] === dest) return;
    }
    const e = this.elemFree;
    if (e < 0) return; // kmalloc failed
    this.elemFree = this.elemNext[e]!;
    this.elemUsed++;
    this.elemDest[e] = dest;
    this.elemNext[e] = this.setHead[i]!;
    this.setHead[i] = e;
    this.setSize[i]!++;
    this.setLastmod[i] = now;
  }

  /** ip_vs_dest_set_erase: remove `dest` from the set, lastmod = now. */
  setErase(i: number, dest: Dest, now: number): void {
    let prev = -1;
    for (let e = this.setHead[i]!; e >= 0; e = this.elemNext[e]!) {
      if (this.elemDest[e] === dest) {
        this.setSize[i]!--;
        this.setLastmod[i] = now;
        if (prev < 0) this.setHead[i] = this.elemNext[e]!;
        else this.elemNext[prev] = this.elemNext[e]!;
        this.freeElem(e);
        return;
      }
      prev = e;
    }
  }

  /** ip_vs_dest_set_min: weighted least-connection member. */
  setMin(i: number): Dest | null {
    let e = this.setHead[i]!;
    let least: Dest | null = null;
    for (; e >= 0; e = this.elemNext[e]!) {
      const d = this.elemDest[e]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0) continue;
      if (d.weight > 0 && (d.flags & DEST_F_AVAILABLE) !== 0) {
        least = d;
        break;
      }
    }
    if (least === null) return null;
    let loh = connOverhead(least);
    for (e = this.elemNext[e]!; e >= 0; e = this.elemNext[e]!) {
      const d = this.elemDest[e]!;
      if ((d.flags & DEST_F_OVERLOAD) !== 0) continue;
      const doh = connOverhead(d);
      if (mulGt(loh, d.weight, doh, least.weight) && (d.flags & DEST_F_AVAILABLE) !== 0) {
        least = d;
        loh = doh;
      }
    }
    return least;
  }

  /** ip_vs_dest_set_max: weighted most-loaded member with weight > 0. */
  setMax(i: number): Dest | null {
    let e = this.setHead[i]!;
    let most: Dest | null = null;
    for (; e >= 0; e = this.elemNext[e]!) {
      const d = this.elemDest[e]!;
      if (d.weight > 0) {
        most = d;
        break;
      }
    }
    if (most === null) return null;
    let moh = connOverhead(most);
    for (e = this.elemNext[e]!; e >= 0; e = this.elemNext[e]!) {
      const d = this.elemDest[e]!;
      const doh = connOverhead(d);
      if (mulLt(moh, d.weight, doh, most.weight) && d.weight > 0) {
        most = d;
        moh = doh;
      }
    }
    return most;
  }

  override expire(now: number): void {
    super.expire(now);
    if (this.elemUsed * 2 > this.elemCapacity && this.elemCapacity < ADDR_TABLE_HARD_CAP * 2) {
      this.growElems(Math.min(this.elemCapacity * 2, ADDR_TABLE_HARD_CAP * 2));
    }
  }
}

export class LblcrScheduler implements Scheduler {
  private dests: Dest[] = [];
  /** The cache; exposed for tests and for the sysctl (`table.expiration`). */
  readonly table = new LblcrTable();

  schedule(flow: FlowInfo, now: number): Dest | null {
    const tbl = this.table;
    const i = tbl.find(flow);
    if (i >= 0) {
      tbl.lastuse[i] = now;
      let dest = tbl.setMin(i);
      if (tbl.setSize[i]! > 1 && now > tbl.setLastmod[i]! + tbl.expiration) {
        const m = tbl.setMax(i);
        if (m !== null) tbl.setErase(i, m, now);
      }
      if (dest !== null && !isLblcOverloaded(dest, this.dests)) return dest;
      dest = pickWlc(this.dests);
      if (dest === null) return null;
      tbl.setInsert(i, dest, true, now);
      return dest;
    }
    const dest = pickWlc(this.dests);
    if (dest === null) return null;
    const j = tbl.insert(flow, now);
    if (j >= 0) {
      tbl.setHead[j] = -1;
      tbl.setSize[j] = 0;
      tbl.setLastmod[j] = now;
      tbl.setInsert(j, dest, false, now);
    }
    return dest;
  }

  update(dests: readonly Dest[], change: DestChangeCode, _changed: Dest | null): void {
    if (change === DestChange.Init) this.table.clear();
    this.dests = Array.from(dests);
  }

  expire(now: number): void {
    this.table.expire(now);
  }
}

/** lblcr: ipvsadm `-s lblcr`. */
export const lblcr = {
  name: 'lblcr',
  summary: 'Locality-Based Least-Connection with Replication: a server set per destination address',
  create: (_svc: ServiceInfo) => new LblcrScheduler(),
} as const satisfies SchedulerDef;
