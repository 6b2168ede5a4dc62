/**
 * The service table: finds the virtual service a packet is addressed to, and whether an address
 * is a VIP at all (any port), with no allocation per lookup.
 *
 * Lookup order follows ip_vs_ctl.c `ip_vs_service_find()` for what uvs supports: the exact
 * <af, proto, vaddr, vport> service, then the port-0 ("any port") service of that address.
 * Storage: open addressing over a power-of-two array rebuilt on every change (control path);
 * the hot path probes it with a numeric hash.
 */
import { fmix32, mixWord } from '../conn/hash.js';
import type { Service } from './service.js';

export class ServiceTable {
  private slots: (Service | null)[] = [null, null, null, null];
  private mask = 3;
  private vipSlots: (Service | null)[] = [null, null, null, null];
  private vipMask = 3;
  readonly all: Service[] = [];

  /** Control path. */
  add(svc: Service): void {
    this.all.push(svc);
    this.rebuild();
  }

  /** Control path. */
  remove(svc: Service): void {
    const i = this.all.indexOf(svc);
    if (i >= 0) this.all.splice(i, 1);
    this.rebuild();
  }

  /** HOT PATH. The service for (af, proto, vaddr, vport), falling back to the port-0 service. */
  find(af: number, proto: number, vaddr: Uint32Array, vport: number): Service | null {
    const s = this.probe(af, proto, vaddr, vport);
    if (s !== null || vport === 0) return s;
    return this.probe(af, proto, vaddr, 0);
  }

  /** HOT PATH. Some service (any protocol or port) has this virtual address. */
  isVip(af: number, addr: Uint32Array): boolean {
    let i = vipHash(af, addr) & this.vipMask;
    for (;;) {
      const s = this.vipSlots[i];
      if (s === null || s === undefined) return false;
      if (s.af === af && sameAddr(s.vaddr, addr, af)) return true;
      i = (i + 1) & this.vipMask;
    }
  }

  private probe(af: number, proto: number, vaddr: Uint32Array, vport: number): Service | null {
    let i = svcHash(af, proto, vaddr, vport) & this.mask;
    for (;;) {
      const s = this.slots[i];
      if (s === null || s === undefined) return null;
      if (s.vport === vport && s.proto === proto && s.af === af && sameAddr(s.vaddr, vaddr, af)) return s;
      i = (i + 1) & this.mask;
    }
  }

  private rebuild(): void {
    let n = 4;
    while (n < this.all.length * 4) n *= 2;
    const slots: (Service | null)[] = new Array<Service | null>(n).fill(null);
    const vips: (Service | null)[] = new Array<Service | null>(n).fill(null);
    for (const s of this.all) {
      let i = svcHash(s.af, s.proto, s.vaddr, s.vport) & (n - 1);
      while (slots[i] !== null) i = (i + 1) & (n - 1);
      slots[i] = s;
      let j = vipHash(s.af, s.vaddr) & (n - 1);
      let dup = false;
      while (vips[j] !== null) {
        const o = vips[j]!;
        if (o.af === s.af && sameAddr(o.vaddr, s.vaddr, s.af)) dup = true;
        j = (j + 1) & (n - 1);
      }
      if (!dup) vips[j] = s;
    }
    this.slots = slots;
    this.mask = n - 1;
    this.vipSlots = vips;
    this.vipMask = n - 1;
  }
}

function sameAddr(a: Uint32Array, b: Uint32Array, af: number): boolean {
  if (a[0] !== b[0]) return false;
  return af === 4 || (a[1] === b[1] && a[2] === b[2] && a[3] === b[3]);
}

function svcHash(af: number, proto: number, a: Uint32Array, port: number): number {
  let h = mixWord(0x5bd1e995, (af << 24) | (proto << 16) | port);
  h = mixWord(h, a[0]!);
  if (af === 6) {
    h = mixWord(h, a[1]!);
    h = mixWord(h, a[2]!);
    h = mixWord(h, a[3]!);
  }
  return fmix32(h);
}

function vipHash(af: number, a: Uint32Array): number {
  let h = mixWord(0x1b873593, af);
  h = mixWord(h, a[0]!);
  if (af === 6) {
    h = mixWord(h, a[1]!);
    h = mixWord(h, a[2]!);
    h = mixWord(h, a[3]!);
  }
  return fmix32(h);
}
