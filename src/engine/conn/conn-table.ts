/**
 * The connection table: every conn (and persistence template) the engine knows, findable from
 * both directions, expired by a coarse timer wheel driven by the `now` passed in.
 *
 * Owns: conn storage as struct-of-arrays typed columns allocated once at construction (a bounded
 * capacity; about 64 bytes per IPv4 conn), the hash chains, the wheel, and the lifecycle of a
 * conn: create (bind to its dest), expire (unbind, release its template), free.
 * Must not: allocate, throw or read a clock after construction. A full table refuses new conns
 * (create() returns -1) and leaves existing ones untouched.
 *
 * Layout. A conn is an index i. IPv4 conns keep caddr/vaddr in the address columns; IPv6 conns
 * keep a slot index there into a side store of 8 words (caddr then vaddr), with its own bounded
 * capacity. daddr/dport are not stored: they are the bound dest's address and `dest.port || vport`
 * (kernel ip_vs_conn_new()). Each conn sits on one hash chain per direction it can be seen in:
 * the inbound chain keyed by (af, proto, caddr, cport, vaddr, vport) and, for NAT conns only, the
 * reply chain keyed by (af, proto, daddr, dport, caddr, cport); bucket heads hold `i * 2 + dir`.
 * Templates (CONN_F_TEMPLATE) live on the inbound chain with cport 0; a template's `control`
 * column holds how many conns it controls (kernel n_control), a normal conn's the index of its
 * template or -1.
 *
 * Expiry follows ip_vs_conn.c `ip_vs_conn_expire()`: a conn whose time is up is unlinked,
 * unbound from its dest and released from its template; a template that still controls conns is
 * re-armed for 60 s instead. The wheel keeps each conn in the slot of its expiry time; a lookup
 * that meets a conn whose time is up expires it on the spot, so expiry is exact to the
 * millisecond whatever the wheel's granularity.
 */
import type { Dest } from '../service/dest.js';
import { bindDest, unbindDest } from './bind.js';
import { CONN_F_TEMPLATE } from './flags.js';
import { fmix32, mixWord } from './hash.js';

/**
 * Wheel granularity and size: 1-s slots, 4096 of them (68 minutes per lap). A conn moves to
 * another slot only when its expiry crosses a second, so a busy flow rarely touches the wheel;
 * expiry stays exact to the millisecond (lookups, and the sweep's pendingDue re-walk).
 */
export const WHEEL_TICK_MS = 1000;
const WHEEL_SLOTS = 4096;
const WHEEL_MASK = WHEEL_SLOTS - 1;
/** A template that still controls conns when it expires is re-armed for this long (ip_vs_conn_expire). */
export const TEMPLATE_EXPIRE_LATER_MS = 60_000;

const DIR_IN = 0;
const DIR_OUT = 1;
/** The forwarding method code of NAT conns (Fwd.Nat): only they are on the reply chain. */
const FWD_NAT = 0;

export interface ConnTableOptions {
  /** Maximum number of conns and templates together. */
  capacity: number;
  /** Maximum number of IPv6 conns (each takes a 32-byte address slot); default min(capacity, 65536). */
  v6Capacity?: number;
  /** Hash seed; pass a fixed one in tests. */
  seed: number;
}

export class ConnTable {
  readonly capacity: number;
  readonly v6Capacity: number;
  /** Live conns including templates. */
  count = 0;

  // Columns, indexed by conn.
  readonly af: Uint8Array;
  readonly proto: Uint8Array;
  readonly state: Uint8Array;
  readonly fwd: Uint8Array;
  readonly flags: Uint16Array;
  readonly caddr: Uint32Array;
  readonly vaddr: Uint32Array;
  readonly cport: Uint16Array;
  readonly vport: Uint16Array;
  readonly dest: Int32Array;
  readonly control: Int32Array;
  readonly expires: Float64Array;
  /** Client-side next hop MAC, learned from the request (NAT replies go back to it). */
  readonly macHi: Uint32Array;
  readonly macLo: Uint16Array;

  private readonly nextIn: Int32Array;
  private readonly nextOut: Int32Array;
  private readonly buckets: Int32Array;
  private readonly bucketMask: number;
  private readonly wheelNext: Int32Array;
  private readonly wheelPrev: Int32Array;
  private readonly wheelHead: Int32Array;
  private lastTick = -1;
  /** Earliest expiry of a conn in the current tick's slot that the last sweep left there. */
  private pendingDue = Infinity;
  private freeHead: number;

  private readonly v6: Uint32Array;
  private readonly v6Next: Int32Array;
  private v6FreeHead: number;
  v6Count = 0;

  private readonly seed: number;
  private readonly dests: readonly (Dest | null)[];

  /** `dests` is the engine's dest pool, indexed by Dest.id; conns hold ids into it. */
  constructor(opts: ConnTableOptions, dests: readonly (Dest | null)[]) {
    const cap = opts.capacity;
    this.capacity = cap;
    this.seed = opts.seed >>> 0;
    this.dests = dests;
    this.af = new Uint8Array(cap);
    this.proto = new Uint8Array(cap);
    this.state = new Uint8Array(cap);
    this.fwd = new Uint8Array(cap);
    this.flags = new Uint16Array(cap);
    this.caddr = new Uint32Array(cap);
    this.vaddr = new Uint32Array(cap);
    this.cport = new Uint16Array(cap);
    this.vport = new Uint16Array(cap);
    this.dest = new Int32Array(cap);
    this.control = new Int32Array(cap);
    this.expires = new Float64Array(cap);
    this.macHi = new Uint32Array(cap);
    this.macLo = new Uint16Array(cap);
    this.nextIn = new Int32Array(cap);
    this.nextOut = new Int32Array(cap);
    let nb = 1;
    while (nb < cap) nb *= 2;
    this.buckets = new Int32Array(nb).fill(-1);
    this.bucketMask = nb - 1;
    this.wheelNext = new Int32Array(cap);
    this.wheelPrev = new Int32Array(cap);
    this.wheelHead = new Int32Array(WHEEL_SLOTS).fill(-1);
    for (let i = 0; i < cap; i++) this.nextIn[i] = i + 1 < cap ? i + 1 : -1;
    this.freeHead = cap > 0 ? 0 : -1;
    this.v6Capacity = opts.v6Capacity ?? Math.min(cap, 65536);
    this.v6 = new Uint32Array(this.v6Capacity * 8);
    this.v6Next = new Int32Array(this.v6Capacity);
    for (let i = 0; i < this.v6Capacity; i++) this.v6Next[i] = i + 1 < this.v6Capacity ? i + 1 : -1;
    this.v6FreeHead = this.v6Capacity > 0 ? 0 : -1;
  }

  // ---- hashing ---------------------------------------------------------------------------

  private hashIn(
    af: number,
    proto: number,
    caddr: Uint32Array,
    cport: number,
    vaddr: Uint32Array,
    vport: number,
  ): number {
    let h = mixWord(this.seed, (af << 8) | proto);
    h = mixWord(h, caddr[0]!);
    h = mixWord(h, vaddr[0]!);
    if (af === 6) {
      h = mixWord(h, caddr[1]!);
      h = mixWord(h, caddr[2]!);
      h = mixWord(h, caddr[3]!);
      h = mixWord(h, vaddr[1]!);
      h = mixWord(h, vaddr[2]!);
      h = mixWord(h, vaddr[3]!);
    }
    h = mixWord(h, (cport << 16) | vport);
    return fmix32(h) & this.bucketMask;
  }

  private hashOut(
    af: number,
    proto: number,
    daddr: Uint32Array,
    dport: number,
    caddr: Uint32Array,
    cport: number,
  ): number {
    let h = mixWord(this.seed ^ 0x9e3779b9, (af << 8) | proto);
    h = mixWord(h, daddr[0]!);
    h = mixWord(h, caddr[0]!);
    if (af === 6) {
      h = mixWord(h, daddr[1]!);
      h = mixWord(h, daddr[2]!);
      h = mixWord(h, daddr[3]!);
      h = mixWord(h, caddr[1]!);
      h = mixWord(h, caddr[2]!);
      h = mixWord(h, caddr[3]!);
    }
    h = mixWord(h, (dport << 16) | cport);
    return fmix32(h) & this.bucketMask;
  }

  // ---- address access --------------------------------------------------------------------

  /** Word w (0..3) of conn i's client address. */
  caddrWord(i: number, w: number): number {
    if (this.af[i] === 4) return w === 0 ? this.caddr[i]! : 0;
    return this.v6[this.caddr[i]! * 8 + w]!;
  }

  /** Word w (0..3) of conn i's virtual address. */
  vaddrWord(i: number, w: number): number {
    if (this.af[i] === 4) return w === 0 ? this.vaddr[i]! : 0;
    return this.v6[this.caddr[i]! * 8 + 4 + w]!;
  }

  /** Copy conn i's client address words into out (length 4). */
  readCaddr(i: number, out: Uint32Array): void {
    for (let w = 0; w < 4; w++) out[w] = this.caddrWord(i, w);
  }

  readVaddr(i: number, out: Uint32Array): void {
    for (let w = 0; w < 4; w++) out[w] = this.vaddrWord(i, w);
  }

  /** The real-server port of conn i: the dest's port, or the virtual port when the dest has none. */
  dport(i: number): number {
    const d = this.dests[this.dest[i]!];
    return d && d.port !== 0 ? d.port : this.vport[i]!;
  }

  private sameCaddr(i: number, a: Uint32Array): boolean {
    if (this.af[i] === 4) return this.caddr[i] === a[0];
    const o = this.caddr[i]! * 8;
    const v = this.v6;
    return v[o] === a[0] && v[o + 1] === a[1] && v[o + 2] === a[2] && v[o + 3] === a[3];
  }

  private sameVaddr(i: number, a: Uint32Array): boolean {
    if (this.af[i] === 4) return this.vaddr[i] === a[0];
    const o = this.caddr[i]! * 8 + 4;
    const v = this.v6;
    return v[o] === a[0] && v[o + 1] === a[1] && v[o + 2] === a[2] && v[o + 3] === a[3];
  }

  // ---- lookups ---------------------------------------------------------------------------

  /**
   * HOT PATH. The conn a client -> VIP packet belongs to (templates excluded), or -1. A conn
   * whose time is up is expired here and not returned.
   */
  lookupIn(
    af: number,
    proto: number,
    saddr: Uint32Array,
    sport: number,
    daddr: Uint32Array,
    dport: number,
    now: number,
  ): number {
    return this.findIn(af, proto, saddr, sport, daddr, dport, 0, now);
  }

  /** HOT PATH. The persistence template for (caddr masked, vaddr, vport), or -1 (ip_vs_ct_in_get). */
  lookupTemplate(
    af: number,
    proto: number,
    caddr: Uint32Array,
    vaddr: Uint32Array,
    vport: number,
    now: number,
  ): number {
    return this.findIn(af, proto, caddr, 0, vaddr, vport, CONN_F_TEMPLATE, now);
  }

  /** The inbound chain walk shared by both lookups; `template` is CONN_F_TEMPLATE or 0. */
  private findIn(
    af: number,
    proto: number,
    caddr: Uint32Array,
    cport: number,
    vaddr: Uint32Array,
    vport: number,
    template: number,
    now: number,
  ): number {
    let ref = this.buckets[this.hashIn(af, proto, caddr, cport, vaddr, vport)]!;
    while (ref >= 0) {
      const i = ref >>> 1;
      if (
        (ref & 1) === DIR_IN &&
        this.cport[i] === cport &&
        this.vport[i] === vport &&
        this.proto[i] === proto &&
        this.af[i] === af &&
        (this.flags[i]! & CONN_F_TEMPLATE) === template &&
        this.sameCaddr(i, caddr) &&
        this.sameVaddr(i, vaddr)
      ) {
        return this.expireIfDue(i, now) ? -1 : i;
      }
      ref = (ref & 1) === DIR_IN ? this.nextIn[i]! : this.nextOut[i]!;
    }
    return -1;
  }

  /**
   * HOT PATH. The NAT conn a real server's reply belongs to: the packet comes from
   * (saddr, sport) = (daddr, dport) and goes to (daddr, dport) = (caddr, cport). -1 if none.
   */
  lookupOut(
    af: number,
    proto: number,
    saddr: Uint32Array,
    sport: number,
    daddr: Uint32Array,
    dport: number,
    now: number,
  ): number {
    let ref = this.buckets[this.hashOut(af, proto, saddr, sport, daddr, dport)]!;
    while (ref >= 0) {
      const i = ref >>> 1;
      if ((ref & 1) === DIR_OUT && this.cport[i] === dport && this.proto[i] === proto && this.af[i] === af) {
        const d = this.dests[this.dest[i]!];
        if (d && this.sameCaddr(i, daddr) && this.dport(i) === sport && sameWords(d.addr, saddr, af)) {
          return this.expireIfDue(i, now) ? -1 : i;
        }
      }
      ref = (ref & 1) === DIR_IN ? this.nextIn[i]! : this.nextOut[i]!;
    }
    return -1;
  }

  // ---- create and expire -------------------------------------------------------------------

  /**
   * HOT PATH. Create a conn bound to `dest` (already chosen), hash it, bind its counters and
   * schedule its expiry. `control` is the template index or -1. Returns the index, or -1 when
   * the table (or, for IPv6, the address store) is full.
   */
  create(
    af: number,
    proto: number,
    caddr: Uint32Array,
    cport: number,
    vaddr: Uint32Array,
    vport: number,
    dest: Dest,
    fwd: number,
    flags: number,
    state: number,
    expires: number,
    control: number,
  ): number {
    const i = this.freeHead;
    if (i < 0) return -1;
    if (af === 6) {
      const s = this.v6FreeHead;
      if (s < 0) return -1;
      this.v6FreeHead = this.v6Next[s]!;
      this.v6Count++;
      const o = s * 8;
      for (let w = 0; w < 4; w++) {
        this.v6[o + w] = caddr[w]!;
        this.v6[o + 4 + w] = vaddr[w]!;
      }
      this.caddr[i] = s;
      this.vaddr[i] = 0;
    } else {
      this.caddr[i] = caddr[0]!;
      this.vaddr[i] = vaddr[0]!;
    }
    this.freeHead = this.nextIn[i]!;
    this.count++;
    this.af[i] = af;
    this.proto[i] = proto;
    this.state[i] = state;
    this.fwd[i] = fwd;
    this.flags[i] = flags;
    this.cport[i] = cport;
    this.vport[i] = vport;
    this.dest[i] = dest.id;
    this.macHi[i] = 0;
    this.macLo[i] = 0;
    const isTemplate = (flags & CONN_F_TEMPLATE) !== 0;
    this.control[i] = isTemplate ? 0 : control;
    if (!isTemplate && control >= 0) this.control[control]!++;

    const hin = this.hashIn(af, proto, caddr, cport, vaddr, vport);
    this.nextIn[i] = this.buckets[hin]!;
    this.buckets[hin] = i * 2 + DIR_IN;
    if (fwd === FWD_NAT && !isTemplate) {
      const hout = this.hashOut(af, proto, dest.addr, dest.port !== 0 ? dest.port : vport, caddr, cport);
      this.nextOut[i] = this.buckets[hout]!;
      this.buckets[hout] = i * 2 + DIR_OUT;
    } else {
      this.nextOut[i] = -1;
    }
    bindDest(dest, flags);
    this.expires[i] = expires;
    this.wheelLink(i, this.slotOf(expires));
    return i;
  }

  /** HOT PATH. Set conn i's expiry time, moving it on the wheel when its slot changes. */
  setExpires(i: number, expires: number): void {
    const oldSlot = this.slotOf(this.expires[i]!);
    this.expires[i] = expires;
    const slot = this.slotOf(expires);
    if (slot !== oldSlot) {
      this.wheelUnlink(i, oldSlot);
      this.wheelLink(i, slot);
    }
  }

  /**
   * If conn i's time is up at `now`, expire it: a template that still controls conns is
   * re-armed (and false returned); anything else is removed and true returned.
   */
  expireIfDue(i: number, now: number): boolean {
    if (this.expires[i]! > now) return false;
    if ((this.flags[i]! & CONN_F_TEMPLATE) !== 0 && this.control[i]! > 0) {
      // Re-armed from when its timer was due, as the kernel's timer fires then, however late
      // this check runs; each missed 60-s period re-arms again.
      let e = this.expires[i]! + TEMPLATE_EXPIRE_LATER_MS;
      if (e <= now) e += Math.ceil((now - e + 1) / TEMPLATE_EXPIRE_LATER_MS) * TEMPLATE_EXPIRE_LATER_MS;
      this.setExpires(i, e);
      return false;
    }
    this.remove(i);
    return true;
  }

  /** Remove conn i now: unhash, unbind from its dest, release its template, free the entry. */
  remove(i: number): void {
    this.wheelUnlink(i, this.slotOf(this.expires[i]!));
    this.unhash(i);
    const flags = this.flags[i]!;
    const d = this.dests[this.dest[i]!];
    if (d) unbindDest(d, flags);
    if ((flags & CONN_F_TEMPLATE) === 0) {
      const t = this.control[i]!;
      if (t >= 0) this.control[t]!--;
    }
    if (this.af[i] === 6) {
      const s = this.caddr[i]!;
      this.v6Next[s] = this.v6FreeHead;
      this.v6FreeHead = s;
      this.v6Count--;
    }
    this.af[i] = 0;
    this.dest[i] = -1;
    this.nextIn[i] = this.freeHead;
    this.freeHead = i;
    this.count--;
  }

  /**
   * Make template i unfindable, as ip_vs_conn.c `ip_vs_check_template()` does when its dest went
   * away: its vport becomes 0xffff and it is rehashed; it lives on until it expires so the conns
   * it controls keep their link.
   */
  invalidateTemplate(i: number): void {
    if (this.vport[i] === 0xffff) return;
    this.unhash(i);
    this.vport[i] = 0xffff;
    const hin = this.hashIn(this.af[i]!, this.proto[i]!, this.caddrOf(i), 0, this.vaddrOf(i), 0xffff);
    this.nextIn[i] = this.buckets[hin]!;
    this.buckets[hin] = i * 2 + DIR_IN;
  }

  /** True when index i holds a live conn (for listings). */
  live(i: number): boolean {
    return this.af[i] !== 0;
  }

  /**
   * Expire everything whose time is up at `now` by walking the wheel slots passed since the
   * last call (at most one lap). Cheap when called again within the same tick.
   */
  sweep(now: number): void {
    const tick = Math.floor(now / WHEEL_TICK_MS);
    if (this.lastTick < 0) {
      this.lastTick = tick - 1;
    }
    if (tick > this.lastTick) {
      // Start again at the last tick's slot when the previous sweep left a conn due in it.
      const first = this.pendingDue === Infinity ? this.lastTick + 1 : this.lastTick;
      const from = tick - first >= WHEEL_SLOTS ? tick - WHEEL_SLOTS + 1 : first;
      this.lastTick = tick;
      this.pendingDue = Infinity;
      for (let t = from; t <= tick; t++) this.sweepSlot(t & WHEEL_MASK, now);
    } else if (now >= this.pendingDue) {
      // A conn due later within the current tick was left in its slot: walk it again now.
      this.pendingDue = Infinity;
      this.sweepSlot(tick & WHEEL_MASK, now);
    }
  }

  private sweepSlot(slot: number, now: number): void {
    let i = this.wheelHead[slot]!;
    this.wheelHead[slot] = -1;
    while (i >= 0) {
      const next = this.wheelNext[i]!;
      // Detached from the slot: relink unless it expires now (remove() unlinks from a slot).
      const s = this.slotOf(this.expires[i]!);
      this.wheelLink(i, s);
      this.expireIfDue(i, now);
      i = next;
    }
  }

  private slotOf(expires: number): number {
    return Math.floor(expires / WHEEL_TICK_MS) & WHEEL_MASK;
  }

  private wheelLink(i: number, slot: number): void {
    const e = this.expires[i]!;
    if (e < this.pendingDue && Math.floor(e / WHEEL_TICK_MS) === this.lastTick) this.pendingDue = e;
    const head = this.wheelHead[slot]!;
    this.wheelNext[i] = head;
    this.wheelPrev[i] = -1 - slot; // negative: i is the head of `slot`
    if (head >= 0) this.wheelPrev[head] = i;
    this.wheelHead[slot] = i;
  }

  private wheelUnlink(i: number, slot: number): void {
    const prev = this.wheelPrev[i]!;
    const next = this.wheelNext[i]!;
    if (prev >= 0) this.wheelNext[prev] = next;
    else this.wheelHead[slot] = next;
    if (next >= 0) this.wheelPrev[next] = prev;
  }

  private unhash(i: number): void {
    this.unlinkRef(
      i * 2 + DIR_IN,
      this.hashIn(
        this.af[i]!,
        this.proto[i]!,
        this.caddrOf(i),
        this.cport[i]!,
        this.vaddrOf(i),
        this.vport[i]!,
      ),
    );
    if (this.isOnOutChain(i)) {
      const d = this.dests[this.dest[i]!];
      if (d) {
        this.unlinkRef(
          i * 2 + DIR_OUT,
          this.hashOut(this.af[i]!, this.proto[i]!, d.addr, this.dport(i), this.caddrOf(i), this.cport[i]!),
        );
      }
    }
  }

  private isOnOutChain(i: number): boolean {
    return this.fwd[i] === FWD_NAT && (this.flags[i]! & CONN_F_TEMPLATE) === 0;
  }

  private unlinkRef(ref: number, bucket: number): void {
    let prev = -1;
    let cur = this.buckets[bucket]!;
    while (cur >= 0 && cur !== ref) {
      prev = cur;
      cur = (cur & 1) === DIR_IN ? this.nextIn[cur >>> 1]! : this.nextOut[cur >>> 1]!;
    }
    if (cur < 0) return;
    const next = (ref & 1) === DIR_IN ? this.nextIn[ref >>> 1]! : this.nextOut[ref >>> 1]!;
    if (prev < 0) this.buckets[bucket] = next;
    else if ((prev & 1) === DIR_IN) this.nextIn[prev >>> 1] = next;
    else this.nextOut[prev >>> 1] = next;
  }

  // Scratch words for rehashing a stored conn without allocating.
  private readonly scratchC = new Uint32Array(4);
  private readonly scratchV = new Uint32Array(4);

  private caddrOf(i: number): Uint32Array {
    this.readCaddr(i, this.scratchC);
    return this.scratchC;
  }

  private vaddrOf(i: number): Uint32Array {
    this.readVaddr(i, this.scratchV);
    return this.scratchV;
  }
}

function sameWords(a: Uint32Array, b: Uint32Array, af: number): boolean {
  if (a[0] !== b[0]) return false;
  return af === 4 || (a[1] === b[1] && a[2] === b[2] && a[3] === b[3]);
}
