/**
 * The scheduler interface: one implementation per file in this folder, listed in index.ts.
 *
 * Owns: the contract every scheduler keeps. `update()` runs on the control path when the
 * service's dest list changes and may allocate (tables, GCDs); `schedule()` is the hot path and
 * may not allocate, throw, await or read a clock (time comes in as `now`).
 * Kernel shape: net/netfilter/ipvs/ip_vs_sched.c (`struct ip_vs_scheduler` callbacks
 * init_service / add_dest / del_dest / upd_dest / schedule).
 */
import type { Dest } from '../service/dest.js';

export type { Dest };

/** The packet fields a scheduler may look at. One instance per engine, reused per packet. */
export interface FlowInfo {
  af: 4 | 6;
  /** IP protocol number (6 TCP, 17 UDP). */
  proto: number;
  /** Host-order address words; IPv4 uses word 0. */
  saddr: Uint32Array;
  daddr: Uint32Array;
  /** XOR of the four words (kernel addr_fold); for IPv4 the address itself. */
  saddrFold: number;
  daddrFold: number;
  /** Host-order ports. */
  sport: number;
  dport: number;
}

/** What changed in the dest list, mirroring the kernel's add_dest / del_dest / upd_dest hooks. */
export const DestChange = { Init: 0, Add: 1, Del: 2, Edit: 3 } as const;
export type DestChangeCode = (typeof DestChange)[keyof typeof DestChange];

/** Service facts a scheduler is created with. */
export interface ServiceInfo {
  /** Scheduler flags: IP_VS_SVC_F_SCHED1 (0x08, sh/mh-fallback), SCHED2 (0x10, sh/mh-port), SCHED3 (0x20). */
  readonly schedFlags: number;
  /** Seedable random source in [0, 2^32) for twos; deterministic under a fixed seed. */
  readonly random: () => number;
}

export const SVC_F_SCHED1 = 0x08;
export const SVC_F_SCHED2 = 0x10;
export const SVC_F_SCHED3 = 0x20;

export interface Scheduler {
  /**
   * HOT PATH. Pick a dest for a new connection; null when none is usable. `now` is the
   * engine clock in milliseconds (lblc/lblcr keep last-use times).
   */
  schedule(flow: FlowInfo, now: number): Dest | null;
  /**
   * Control path. `dests` is the service's list in kernel order (newest first); `change` says
   * which kernel hook this corresponds to and `changed` the dest it concerns (null for Init).
   * For Del, `changed` is no longer in `dests`. Init may come with a non-empty list: the kernel
   * binds a scheduler to an existing service (ipvsadm -E -s) by calling init_service over it.
   */
  update(dests: readonly Dest[], change: DestChangeCode, changed: Dest | null): void;
  /** Periodic maintenance (lblc/lblcr cache expiry); called by the engine about once a second. */
  expire(now: number): void;
}

export interface SchedulerDef {
  /** The ipvsadm -s name. */
  readonly name: string;
  /** One line for help output. */
  readonly summary: string;
  create(svc: ServiceInfo): Scheduler;
}
