/**
 * EngineState: everything the per-packet functions share: configuration, the service and
 * dest registries, the conn table, counters, and preallocated scratch. The Engine (engine.ts)
 * owns one and passes it to the per-packet modules, so they need no import of the Engine.
 *
 * Must not: allocate on the per-packet path. `now` is always passed in; nothing reads a clock.
 */
import { ConnTable, type ConnTableOptions } from './conn/conn-table.js';
import { NeighborRing } from './neighbor-ring.js';
import { TCP_DEFAULT_TIMEOUTS_S, UDP_DEFAULT_TIMEOUT_S, TCP_STATE_COUNT } from './conn/tcp-state.js';
import type { Dest } from './service/dest.js';
import type { Service } from './service/service.js';
import { ServiceTable } from './service/service-table.js';
import { Stats } from './stats.js';
import { DROP_REASON_COUNT } from './verdict.js';
import type { Ipv4Repr, Ipv6Repr } from '../wire/index.js';

export interface EngineOptions {
  /** Connection table capacity (conns + templates). Default 1,048,576. */
  capacity?: number;
  /** IPv6 conn capacity; default min(capacity, 65536). */
  v6Capacity?: number;
  /** Seed for the conn hash, the twos scheduler's random source and ICMP IP IDs. */
  seed?: number;
  /** The director's MAC (48-bit number), source of everything it transmits. */
  localMac: number;
  /** The director's own IPv4 address (TUN outer source, replies it originates); 0 = none. */
  localIp4?: number;
  /** The director's own IPv6 address words; null = none. */
  localIp6?: Uint32Array | null;
  /** Egress MTU (IP bytes). Default 1500. */
  mtu?: number;
  /** Answer ARP requests and IPv6 Neighbor Solicitations for VIPs. Default true. */
  answerNeighbor?: boolean;
  /**
   * The link finishes partial checksums and segments GSO frames on transmit (Link.offload), so
   * forwarded frames keep them (offload.ts). Default false: the engine completes partial
   * checksums itself and drops GSO frames it would transmit.
   */
  offload?: boolean;
  /** Sysctl equivalents (defaults as the kernel's). */
  expireNodestConn?: boolean;
  expireQuiescentTemplate?: boolean;
  secureTcp?: boolean;
}

export class EngineState {
  readonly localMac: number;
  readonly localIp4: number;
  readonly localIp6: Uint32Array;
  readonly hasIp6: boolean;
  readonly mtu: number;
  readonly answerNeighbor: boolean;
  readonly offload: boolean;
  expireNodestConn: boolean;
  expireQuiescentTemplate: boolean;
  secureTcp: boolean;

  /** Dest pool indexed by Dest.id; null for free ids. */
  readonly dests: (Dest | null)[] = [];
  /** Service pool indexed by Service.id. */
  readonly svcs: (Service | null)[] = [];
  readonly services = new ServiceTable();
  readonly conns: ConnTable;
  /** Removed dests that conns still refer to (the kernel's trash list). */
  readonly retired: Dest[] = [];
  /** Neighbours seen answering the director, for the daemon to apply (NeighborRing). */
  readonly learned = new NeighborRing();
  /** Static and learned neighbours: "af,w0,w1,w2,w3" -> MAC (control path only). */
  readonly neighbors = new Map<string, number>();

  /** Global counters (/proc/net/ip_vs_stats) and per-reason drops. */
  readonly stats = new Stats();
  readonly drops = new Float64Array(DROP_REASON_COUNT);
  rxFrames = 0;
  txFrames = 0;
  passed = 0;

  /** TCP state timeouts (ms) and the UDP timeout (ms): `ipvsadm --set` changes them. */
  readonly tcpTimeoutsMs = new Float64Array(TCP_STATE_COUNT);
  udpTimeoutMs = UDP_DEFAULT_TIMEOUT_S * 1000;

  /** IP ID source for packets the director makes up (ICMP errors). */
  ipId: number;
  private readonly rng = new Uint32Array(1);
  readonly random: () => number;

  /** Preallocated outer headers for TUN encapsulation. */
  readonly outer4: Ipv4Repr;
  readonly outer6: Ipv6Repr;

  constructor(opts: EngineOptions) {
    this.localMac = opts.localMac;
    this.localIp4 = (opts.localIp4 ?? 0) >>> 0;
    this.localIp6 = new Uint32Array(4);
    this.hasIp6 = opts.localIp6 !== undefined && opts.localIp6 !== null;
    if (opts.localIp6) for (let i = 0; i < 4; i++) this.localIp6[i] = opts.localIp6[i]!;
    this.mtu = opts.mtu ?? 1500;
    this.answerNeighbor = opts.answerNeighbor ?? true;
    this.offload = opts.offload ?? false;
    this.expireNodestConn = opts.expireNodestConn ?? false;
    this.expireQuiescentTemplate = opts.expireQuiescentTemplate ?? false;
    this.secureTcp = opts.secureTcp ?? false;
    const seed = (opts.seed ?? 0x2545f491) >>> 0;
    this.rng[0] = seed === 0 ? 0x9e3779b9 : seed;
    this.ipId = seed & 0xffff;
    // xorshift32: deterministic under a fixed seed; never 0.
    const rng = this.rng;
    this.random = (): number => {
      let x = rng[0]!;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      rng[0] = x;
      return rng[0];
    };
    for (let s = 0; s < TCP_STATE_COUNT; s++) this.tcpTimeoutsMs[s] = TCP_DEFAULT_TIMEOUTS_S[s]! * 1000;
    const tableOpts: ConnTableOptions = { capacity: opts.capacity ?? 1 << 20, seed };
    if (opts.v6Capacity !== undefined) tableOpts.v6Capacity = opts.v6Capacity;
    this.conns = new ConnTable(tableOpts, this.dests);
    this.outer4 = {
      src: this.localIp4,
      dst: 0,
      proto: 4,
      ttl: 64,
      tos: 0,
      id: 0,
      df: false,
      mf: false,
      fragOff: 0,
      options: new Uint8Array(0),
      payloadLen: 0,
    };
    this.outer6 = {
      src: this.localIp6,
      dst: new Uint32Array(4),
      nextHeader: 41,
      hopLimit: 64,
      trafficClass: 0,
      flowLabel: 0,
      payloadLen: 0,
    };
  }

  drop(reason: number): number {
    this.drops[reason]!++;
    return 0; // Verdict.Drop
  }

  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }
}
