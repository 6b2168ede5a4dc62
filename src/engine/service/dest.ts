/**
 * Dest: one real server of a virtual service (kernel `struct ip_vs_dest`).
 *
 * Owns: the dest's configuration (address, port, weight, forwarding method, thresholds) and its
 * live connection counts, which the conn table changes when it binds and unbinds conns
 * (ip_vs_conn.c `ip_vs_bind_dest()` / `ip_vs_unbind_dest()`), and the dest flags.
 * Must not: allocate after construction; schedulers read these fields on the hot path.
 * Invariants: every field is initialised with its final type (monomorphic shape); `addr` is four
 * host-order uint32 words (IPv4 in word 0, words 1..3 zero); `addrFold` is the XOR of the words,
 * the kernel's `addr_fold` used by dh, sh, mh and lblc.
 */

import { Stats } from '../stats.js';

/** Forwarding method codes (kernel IP_VS_CONN_F_MASQ/TUNNEL/DROUTE). */
export const Fwd = { Nat: 0, Tun: 1, Dr: 2 } as const;
export type FwdCode = (typeof Fwd)[keyof typeof Fwd];

/** Dest flags (include/net/ip_vs.h IP_VS_DEST_F_AVAILABLE / IP_VS_DEST_F_OVERLOAD). */
export const DEST_F_AVAILABLE = 0x1;
export const DEST_F_OVERLOAD = 0x2;

export class Dest {
  /** Index into the engine's dest pool; stable for the dest's lifetime. */
  readonly id: number;
  readonly af: 4 | 6;
  /** Host-order address words; IPv4 uses word 0. */
  readonly addr: Uint32Array;
  readonly addrFold: number;
  /** Host-order port (0 for DR/TUN dests added without a port). */
  readonly port: number;
  fwd: FwdCode;
  weight: number;
  /** Last non-zero weight (kernel `last_weight`, ip_vs_ctl.c `__ip_vs_update_dest()`); mh uses it. */
  lastWeight: number;
  /** Upper / lower connection thresholds; 0 = none. */
  uThreshold: number;
  lThreshold: number;
  activeConns: number;
  inactConns: number;
  persistConns: number;
  flags: number;
  /** Id of the service this dest belongs to. */
  readonly svcId: number;
  /** Next-hop MAC (48 bits) for DR/TUN/NAT output; -1 while unresolved. */
  mac: number;
  readonly stats: Stats;

  constructor(
    id: number,
    svcId: number,
    af: 4 | 6,
    addr: Uint32Array,
    port: number,
    fwd: FwdCode,
    weight: number,
  ) {
    this.id = id;
    this.svcId = svcId;
    this.mac = -1;
    this.stats = new Stats();
    this.af = af;
    this.addr = new Uint32Array(4);
    const words = af === 4 ? 1 : 4;
    for (let i = 0; i < words; i++) this.addr[i] = addr[i]!;
    this.addrFold = (this.addr[0]! ^ this.addr[1]! ^ this.addr[2]! ^ this.addr[3]!) >>> 0;
    this.port = port;
    this.fwd = fwd;
    this.weight = weight;
    this.lastWeight = weight;
    this.uThreshold = 0;
    this.lThreshold = 0;
    this.activeConns = 0;
    this.inactConns = 0;
    this.persistConns = 0;
    this.flags = DEST_F_AVAILABLE;
  }

  /** Kernel ip_vs_dest_conn_overhead(): activeconns * 256 + inactconns. */
  overhead(): number {
    return this.activeConns * 256 + this.inactConns;
  }

  /** True when the dest may take new connections: weight > 0 and not overloaded. */
  usable(): boolean {
    return this.weight > 0 && (this.flags & DEST_F_OVERLOAD) === 0;
  }
}
