/**
 * lblc: locality-based least connection (net/netfilter/ipvs/ip_vs_lblc.c), keyed by the
 * packet's DESTINATION address; also home of AddrTable, the address-keyed entry table that
 * lblcr reuses.
 *
 * Owns: the cache (1024 buckets, CONFIG_IP_VS_LBLC_TAB_BITS = 10) of destination address ->
 * dest with last-use times, and the kernel's 60-s garbage-collection timer, run from expire().
 * Must not: allocate or throw in schedule(); entries live in typed-array pools that only
 * expire() and update() grow.
 * Kernel semantics reproduced:
 * - bucket = hash_32(ntohl(daddr_fold), 10); entries compare the full address.
 * - schedule: an entry for daddr gets lastuse = now; its dest is used when AVAILABLE, weight > 0
 *   and not is_overloaded (activeconns > weight while some dest m has m.activeconns * 2 <
 *   m.weight; the cached path does not test the OVERLOAD flag). Otherwise a weighted
 *   least-connection pick over the service (wlc rules, OVERLOAD skipped) and the entry is
 *   (re)written with lastuse = now.
 * - GC (ip_vs_lblc_check_expire) every 60 s from the first expire() call: when counter % 30 ==
 *   0, full check deleting entries with now >= lastuse + expiration (default 24 h, sysctl
 *   lblc_expiration), counter = 1; else when entries <= max_size (16 x 1024) counter++; else
 *   delete entries idle >= 6 min bucket by bucket from rover + 1 until goal = min((entries -
 *   max_size) * 4 / 3, max_size / 2) is met, rover left at the last bucket visited.
 * - no add/del/upd hooks: deleting a dest leaves its entries, which fail the AVAILABLE test.
 * Differences: times are milliseconds, not jiffies; the table holds at most
 * ADDR_TABLE_HARD_CAP entries (the kernel's kmalloc has no such cap): when it is full a new
 * address is served without being cached, which is the kernel's allocation-failure path.
 */
import { DEST_F_AVAILABLE } from '../service/dest.js';
import { DestChange } from './types.js';
import type { Dest, DestChangeCode, FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from './types.js';
import { hash32, isLblcOverloaded, pickWlc } from './util.js';

/** IP_VS_LBLC_TAB_BITS (and IP_VS_LBLCR_TAB_BITS). */
export const LBLC_TAB_BITS = 10;
/** IP_VS_LBLC_TAB_SIZE. */
export const LBLC_TAB_SIZE = 1 << LBLC_TAB_BITS;
const LBLC_TAB_MASK = LBLC_TAB_SIZE - 1;
/** CHECK_EXPIRE_INTERVAL: 60 s. */
export const CHECK_EXPIRE_INTERVAL_MS = 60_000;
/** ENTRY_TIMEOUT: 6 min. */
export const ENTRY_TIMEOUT_MS = 6 * 60_000;
/** DEFAULT_EXPIRATION (sysctl lblc_expiration / lblcr_expiration default): 24 h. */
export const DEFAULT_EXPIRATION_MS = 24 * 3600_000;
/** COUNT_FOR_FULL_EXPIRATION. */
export const COUNT_FOR_FULL_EXPIRATION = 30;
/** tbl->max_size = IP_VS_LBLC_TAB_SIZE * 16. */
export const LBLC_MAX_SIZE = LBLC_TAB_SIZE * 16;
/** Entry slots allocated up front. */
export const ADDR_TABLE_INITIAL = 4096;
/** Largest entry pool; past it new addresses are not cached. */
export const ADDR_TABLE_HARD_CAP = LBLC_MAX_SIZE * 4;

/**
 * AddrTable: the kernel's hlist buckets of address-keyed entries with lastuse, pooled in typed
 * arrays, plus the GC timer. Subclasses keep their per-entry payload, free it in release() and
 * call grow(ADDR_TABLE_INITIAL) from their constructor (after their own fields exist).
 */
export class AddrTable {
  readonly heads = new Int32Array(LBLC_TAB_SIZE).fill(-1);
  next: Int32Array = new Int32Array(0);
  addr: Uint32Array = new Uint32Array(0);
  lastuse: Float64Array = new Float64Array(0);
  capacity = 0;
  entries = 0;
  /** Expiration of the full check (sysctl lblc_expiration / lblcr_expiration), ms. */
  expiration = DEFAULT_EXPIRATION_MS;
  private freeHead = -1;
  private rover = 0;
  private counter = 1;
  private nextCheck = -1;

  /** Index of the entry for the flow's destination address, -1 when none. */
  find(flow: FlowInfo): number {
    const words = flow.af === 4 ? 1 : 4;
    const a = flow.daddr;
    for (let i = this.heads[hash32(flow.daddrFold, LBLC_TAB_BITS)]!; i >= 0; i = this.next[i]!) {
      const base = i * 4;
      let w = 0;
      while (w < words && this.addr[base + w] === a[w]) w++;
      if (w === words) return i;
    }
    return -1;
  }

  /** New entry for the flow's destination address at its bucket head; -1 when the pool is full. */
  insert(flow: FlowInfo, now: number): number {
    const i = this.freeHead;
    if (i < 0) return -1;
    this.freeHead = this.next[i]!;
    const words = flow.af === 4 ? 1 : 4;
    const base = i * 4;
    for (let w = 0; w < 4; w++) this.addr[base + w] = w < words ? flow.daddr[w]! : 0;
    this.lastuse[i] = now;
    const b = hash32(flow.daddrFold, LBLC_TAB_BITS);
    this.next[i] = this.heads[b]!;
    this.heads[b] = i;
    this.entries++;
    return i;
  }

  /** Payload cleanup of a deleted entry. */
  protected release(_i: number): void {}

  /** Payload arrays sized for `cap` entries, keeping the first `old`. */
  protected growPayload(_cap: number, _old: number): void {}

  /** Back to a fresh table (init_service): no entries, rover 0, counter 1, timer unarmed. */
  clear(): void {
    this.rover = 0;
    this.counter = 1;
    this.nextCheck = -1;
    for (let b = 0; b < LBLC_TAB_SIZE; b++) {
      for (let i = this.heads[b]!; i >= 0;) {
        const nx = this.next[i]!;
        this.free(i);
        i = nx;
      }
      this.heads[b] = -1;
    }
    this.entries = 0;
  }

  private free(i: number): void {
    this.release(i);
    this.next[i] = this.freeHead;
    this.freeHead = i;
  }

  /** Delete the entries of bucket b idle for at least `timeout` ms; returns how many. */
  private sweepBucket(b: number, now: number, timeout: number): number {
    let removed = 0;
    let prev = -1;
    for (let i = this.heads[b]!; i >= 0;) {
      const nx = this.next[i]!;
      if (now < this.lastuse[i]! + timeout) {
        prev = i;
      } else {
        if (prev < 0) this.heads[b] = nx;
        else this.next[prev] = nx;
        this.free(i);
        this.entries--;
        removed++;
      }
      i = nx;
    }
    return removed;
  }

  /**
   * The periodic timer: runs ip_vs_lblc_check_expire when 60 s have passed since the previous
   * run (the first call arms it, like init_service's mod_timer); also grows the pools.
   */
  expire(now: number): void {
    if (this.nextCheck < 0) {
      this.nextCheck = now + CHECK_EXPIRE_INTERVAL_MS;
    } else if (now >= this.nextCheck) {
      this.checkExpire(now);
      this.nextCheck = now + CHECK_EXPIRE_INTERVAL_MS;
    }
    // pools grow here, on every call (about once a second), never in schedule()
    if (this.entries * 2 > this.capacity && this.capacity < ADDR_TABLE_HARD_CAP) {
      this.grow(Math.min(this.capacity * 2, ADDR_TABLE_HARD_CAP));
    }
  }

  private checkExpire(now: number): void {
    let j = this.rover;
    if (this.counter % COUNT_FOR_FULL_EXPIRATION === 0) {
      for (let i = 0; i < LBLC_TAB_SIZE; i++) {
        j = (j + 1) & LBLC_TAB_MASK;
        this.sweepBucket(j, now, this.expiration);
      }
      this.rover = j;
      this.counter = 1;
      return;
    }
    if (this.entries <= LBLC_MAX_SIZE) {
      this.counter++;
      return;
    }
    let goal = Math.trunc(((this.entries - LBLC_MAX_SIZE) * 4) / 3);
    if (goal > LBLC_MAX_SIZE / 2) goal = LBLC_MAX_SIZE / 2;
    for (let i = 0; i < LBLC_TAB_SIZE; i++) {
      j = (j + 1) & LBLC_TAB_MASK;
      goal -= this.sweepBucket(j, now, ENTRY_TIMEOUT_MS);
      if (goal <= 0) break;
    }
    this.rover = j;
  }

  /** Control path: enlarge the pools to `cap` entries. */
  grow(cap: number): void {
    const old = this.capacity;
    if (cap <= old) return;
    const next = new Int32Array(cap);
    next.set(this.next);
    const addr = new Uint32Array(cap * 4);
    addr.set(this.addr);
    const lastuse = new Float64Array(cap);
    lastuse.set(this.lastuse);
    this.next = next;
    this.addr = addr;
    this.lastuse = lastuse;
    this.capacity = cap;
    this.growPayload(cap, old);
    for (let i = cap - 1; i >= old; i--) {
      this.next[i] = this.freeHead;
      this.freeHead = i;
    }
  }
}

/** The lblc table: AddrTable whose payload is one dest per entry. */
class LblcTable extends AddrTable {
  dest: (Dest | null)[] = [];

  constructor() {
    super();
    this.grow(ADDR_TABLE_INITIAL);
  }

  protected override release(i: number): void {
    this.dest[i] = null;
  }

  protected override growPayload(cap: number, old: number): void {
    for (let i = old; i < cap; i++) this.dest.push(null);
  }
}

export class LblcScheduler implements Scheduler {
  private dests: Dest[] = [];
  /** The cache; exposed for tests and for the sysctl (`table.expiration`). */
  readonly table = new LblcTable();

  schedule(flow: FlowInfo, now: number): Dest | null {
    const tbl = this.table;
    const i = tbl.find(flow);
    if (i >= 0) {
      tbl.lastuse[i] = now;
      const d = tbl.dest[i]!;
      if ((d.flags & DEST_F_AVAILABLE) !== 0 && d.weight > 0 && !isLblcOverloaded(d, this.dests)) return d;
    }
    const dest = pickWlc(this.dests);
    if (dest === null) return null;
    if (i >= 0) {
      // ip_vs_lblc_new: same dest keeps the entry, another one replaces it (lastuse = now)
      if (tbl.dest[i] !== dest) {
        tbl.dest[i] = dest;
        tbl.lastuse[i] = now;
      }
    } else {
      const j = tbl.insert(flow, now);
      if (j >= 0) tbl.dest[j] = dest;
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

/** lblc: ipvsadm `-s lblc`. */
export const lblc = {
  name: 'lblc',
  summary: 'Locality-Based Least-Connection: sticky per destination address, wlc when overloaded',
  create: (_svc: ServiceInfo) => new LblcScheduler(),
} as const satisfies SchedulerDef;
