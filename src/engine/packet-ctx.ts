/**
 * PacketCtx: the one reusable per-packet context of an engine. Holds one view of each header
 * (re-pointed by wrap() per frame), the parsed flow (the scheduler's FlowInfo), the frame's
 * location and the output the verdict refers to.
 *
 * Must not: allocate after construction. Views and offsets are valid only while the frame's batch
 * is (house style §4.4 "views are borrowed").
 */
import {
  ArpView,
  EthernetView,
  Icmpv4View,
  Icmpv6View,
  Ipv4View,
  Ipv6View,
  TcpView,
  UdpView,
  EMPTY,
} from '../wire/index.js';
import type { FlowInfo } from './sched/types.js';

export class PacketCtx {
  readonly eth = new EthernetView();
  readonly arp = new ArpView();
  readonly ip4 = new Ipv4View();
  readonly ip6 = new Ipv6View();
  readonly tcp = new TcpView();
  readonly udp = new UdpView();
  readonly icmp4 = new Icmpv4View();
  readonly icmp6 = new Icmpv6View();

  readonly flow: FlowInfo = {
    af: 4,
    proto: 0,
    saddr: new Uint32Array(4),
    daddr: new Uint32Array(4),
    saddrFold: 0,
    daddrFold: 0,
    sport: 0,
    dport: 0,
  };

  /** The frame: bytes[off, off+len); the slot allows writing in [floor, limit). */
  bytes: Uint8Array = EMPTY;
  off = 0;
  len = 0;
  floor = 0;
  limit = 0;
  /** Link flags of the frame (META_*); the engine clears META_CSUM_PARTIAL once it completed the checksum. */
  meta = 0;
  /** GSO super-frame: type (GSO_*, 0 = one packet) and segment payload size. */
  gsoType = 0;
  gsoSize = 0;

  /** Layer offsets and lengths once parsed. */
  l3off = 0;
  /** IP length: IPv4 total length, IPv6 40 + payload length (Ethernet padding excluded). */
  ipLen = 0;
  l4off = 0;
  l4end = 0;
  tcpFlags = 0;
  ttl = 0;

  /** Output frame when the verdict is Tx. */
  outOff = 0;
  outLen = 0;
  /** Offloads of the output (offload.ts keepOffloads): META_CSUM_PARTIAL or 0, its L4 checksum location, GSO. */
  outMeta = 0;
  outCsumStart = 0;
  outCsumOff = 0;
  outGsoType = 0;
  outGsoSize = 0;

  /** Scratch address words (persistence masks, quoted tuples). */
  readonly scratchA = new Uint32Array(4);
  readonly scratchB = new Uint32Array(4);

  reset(bytes: Uint8Array, off: number, len: number, floor: number, limit: number, meta: number): void {
    this.bytes = bytes;
    this.off = off;
    this.len = len;
    this.floor = floor;
    this.limit = limit;
    this.meta = meta;
    this.gsoType = 0;
    this.gsoSize = 0;
    this.tcpFlags = 0;
    this.outOff = off;
    this.outLen = len;
    this.outMeta = 0;
    this.outGsoType = 0;
    this.outGsoSize = 0;
  }
}
