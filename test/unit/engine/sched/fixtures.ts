// Shared fixtures for the scheduler tests: dests built like the kernel builds a service
// (`ipvsadm -A` then one `-a` per dest, each inserted at the list head and announced with the
// add_dest hook), flows, a seeded random source and an independent BigInt hash_32.
import { DEST_F_AVAILABLE, DEST_F_OVERLOAD, Dest, Fwd } from '../../../../src/engine/service/dest.js';
import { DestChange } from '../../../../src/engine/sched/types.js';
import type { FlowInfo, Scheduler, SchedulerDef, ServiceInfo } from '../../../../src/engine/sched/types.js';

export { DEST_F_AVAILABLE, DEST_F_OVERLOAD, DestChange };

/** Dotted quad to host-order uint32. */
export function ip4(s: string): number {
  const p = s.split('.').map(Number);
  return ((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0;
}

let nextId = 0;

/** An IPv4 dest. */
export function dest(addr: string, port: number, weight: number): Dest {
  return new Dest(nextId++, 0, 4, Uint32Array.of(ip4(addr)), port, Fwd.Dr, weight);
}

/** Kernel-style edit of a weight: last_weight keeps the last non-zero weight. */
export function setWeight(d: Dest, w: number): void {
  d.weight = w;
  if (w !== 0) d.lastWeight = w;
}

export function setOverload(d: Dest, on: boolean): void {
  d.flags = on ? d.flags | DEST_F_OVERLOAD : d.flags & ~DEST_F_OVERLOAD;
}

/** A TCP/UDP IPv4 flow. */
export function flow4(saddr: string, sport: number, daddr = '10.0.0.1', dport = 80, proto = 6): FlowInfo {
  const s = ip4(saddr);
  const d = ip4(daddr);
  return {
    af: 4,
    proto,
    saddr: Uint32Array.of(s, 0, 0, 0),
    daddr: Uint32Array.of(d, 0, 0, 0),
    saddrFold: s,
    daddrFold: d,
    sport,
    dport,
  };
}

/** mulberry32: deterministic uint32 source. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

export function svcInfo(schedFlags = 0, random: () => number = seeded(1)): ServiceInfo {
  return { schedFlags, random };
}

/** A service whose dests were added one by one in `added` order; `list` is kernel order. */
export interface Built {
  sched: Scheduler;
  list: Dest[];
}

export function buildByAdds(def: SchedulerDef, added: Dest[], svc: ServiceInfo = svcInfo()): Built {
  const sched = def.create(svc);
  const list: Dest[] = [];
  sched.update(list, DestChange.Init, null);
  for (const d of added) {
    list.unshift(d);
    sched.update(list, DestChange.Add, d);
  }
  return { sched, list };
}

/** Kernel-style delete: unlink, clear AVAILABLE, del_dest hook. */
export function del(b: Built, d: Dest): void {
  const i = b.list.indexOf(d);
  b.list.splice(i, 1);
  d.flags &= ~DEST_F_AVAILABLE;
  b.sched.update(b.list, DestChange.Del, d);
}

/** Last octet of the picked dest, or null. */
export function octet(d: Dest | null): number | null {
  return d === null ? null : d.addr[0]! & 0xff;
}

/** n picks with the same flow, as last octets. */
export function picks(
  s: Scheduler,
  n: number,
  f: FlowInfo = flow4('192.0.2.1', 1000),
  now = 0,
): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < n; i++) out.push(octet(s.schedule(f, now)));
  return out;
}

/** Independent hash_32 (include/linux/hash.h) with BigInt. */
export function refHash32(v: number, bits: number): number {
  return Number(((BigInt(v >>> 0) * 0x61c88647n) & 0xffffffffn) >> BigInt(32 - bits));
}
