/**
 * Service: one virtual service (kernel `struct ip_vs_service`), keyed by (af, proto, vaddr, vport).
 *
 * Owns: the service's configuration (scheduler, flags, persistence timeout and netmask, optional
 * per-service timeouts), its dest list in kernel order (newest first: ip_vs_ctl.c adds with
 * list_add_rcu at the head, which decides ties and rr's start) and its scheduler instance.
 * Must not: allocate on the per-packet path; the list only changes on the control path, where the
 * scheduler's update() hook is called with the kernel's change kind.
 */
import { DEST_F_AVAILABLE, type Dest } from './dest.js';
import { Stats } from '../stats.js';
import { DestChange, type Scheduler } from '../sched/types.js';

/** Service flags (include/uapi/linux/ip_vs.h IP_VS_SVC_F_*). */
export const SVC_F_PERSISTENT = 0x1;
export const SVC_F_ONEPACKET = 0x4;

export class Service {
  readonly id: number;
  readonly af: 4 | 6;
  readonly proto: number;
  readonly vaddr: Uint32Array;
  readonly vport: number;
  schedName: string;
  sched: Scheduler;
  /** IP_VS_SVC_F_* bits: PERSISTENT, ONEPACKET and the scheduler flags SCHED1..3. */
  flags: number;
  /** Persistence timeout in ms (meaningful with SVC_F_PERSISTENT). */
  persistMs: number;
  /** Persistence granularity as an address mask (four words; IPv4 in word 0). */
  readonly netmask: Uint32Array;
  /** Per-service TCP state timeouts in ms (an extension); null uses the engine's table. */
  tcpTimeoutsMs: Float64Array | null;
  /** Per-service UDP timeout in ms; 0 uses the engine's. */
  udpTimeoutMs: number;
  /** The per-service overrides in seconds (tcp, tcpfin, udp; 0 = engine-wide), kept to rebuild the table. */
  readonly timeoutOverride: Uint32Array;
  /** Dests in kernel order, newest first. */
  readonly dests: Dest[];
  readonly stats: Stats;

  constructor(
    id: number,
    af: 4 | 6,
    proto: number,
    vaddr: Uint32Array,
    vport: number,
    schedName: string,
    sched: Scheduler,
  ) {
    this.id = id;
    this.af = af;
    this.proto = proto;
    this.vaddr = new Uint32Array(4);
    for (let i = 0; i < (af === 4 ? 1 : 4); i++) this.vaddr[i] = vaddr[i]!;
    this.vport = vport;
    this.schedName = schedName;
    this.sched = sched;
    this.flags = 0;
    this.persistMs = 0;
    this.netmask = new Uint32Array(4).fill(0xffffffff);
    if (af === 4) this.netmask.fill(0, 1);
    this.tcpTimeoutsMs = null;
    this.udpTimeoutMs = 0;
    this.timeoutOverride = new Uint32Array(3);
    this.dests = [];
    this.stats = new Stats();
    sched.update(this.dests, DestChange.Init, null);
  }

  /** Control path: add a dest at the head of the list (newest first). */
  addDest(dest: Dest): void {
    this.dests.unshift(dest);
    dest.flags |= DEST_F_AVAILABLE;
    this.sched.update(this.dests, DestChange.Add, dest);
  }

  /** Control path: unlink a dest; it stays alive (unavailable) while conns still use it. */
  removeDest(dest: Dest): void {
    const i = this.dests.indexOf(dest);
    if (i < 0) return;
    this.dests.splice(i, 1);
    dest.flags &= ~DEST_F_AVAILABLE;
    this.sched.update(this.dests, DestChange.Del, dest);
  }

  /** Control path: the dest's weight, method or thresholds changed. */
  editedDest(dest: Dest): void {
    this.sched.update(this.dests, DestChange.Edit, dest);
  }

  /** Control path: replace the scheduler (ipvsadm -E -s). */
  setScheduler(name: string, sched: Scheduler): void {
    this.schedName = name;
    this.sched = sched;
    // The kernel binds the new scheduler with init_service over the current list (ip_vs_edit_service).
    sched.update(this.dests, DestChange.Init, null);
  }

  findDest(addr: Uint32Array, port: number): Dest | null {
    for (const d of this.dests) {
      if (
        d.port === port &&
        d.addr[0] === addr[0] &&
        d.addr[1] === addr[1] &&
        d.addr[2] === addr[2] &&
        d.addr[3] === addr[3]
      ) {
        return d;
      }
    }
    return null;
  }
}
