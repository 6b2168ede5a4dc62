/**
 * Frame builder for tests, benchmarks and tools: whole Ethernet/IPv4/IPv6/TCP/UDP/ICMP frames with
 * payload, correct lengths and checksums, plus ARP and IPIP/IPv6-in-IPv6 encapsulated frames.
 *
 * Owns: composition of the Repr emitters and the views' fillCsum(); nothing here is new wire logic.
 * Must not: be used on the packet path (it allocates a fresh Uint8Array per frame).
 * Defaults: TTL/hop limit 64, TOS 0, ID 0, no DF; TCP window 65535, ACK 0, no options.
 */
import type { ArpRepr } from './arp.js';
import { ARP_LEN, emitArp } from './arp.js';
import { emitEthernet, ETH_HDR_LEN, VLAN_TAG_LEN } from './ethernet.js';
import type { Icmpv6Repr } from './icmpv6.js';
import { emitIcmpv6, icmpv6ReprLen, Icmpv6View } from './icmpv6.js';
import { emitIcmpv4, ICMP_HDR_LEN, Icmpv4View } from './icmpv4.js';
import { EtherType, IpProto } from './ip-proto.js';
import { encapIpv4, encapIpv6 } from './ipip.js';
import type { Ipv4Repr } from './ipv4.js';
import { emitIpv4, ipv4ReprHeaderLen, Ipv4View } from './ipv4.js';
import type { Ipv6Repr } from './ipv6.js';
import { emitIpv6, IPV6_HDR_LEN, Ipv6View } from './ipv6.js';
import { TcpView } from './tcp.js';
import type { TcpRepr } from './tcp-repr.js';
import { emitTcp, tcpReprHeaderLen } from './tcp-repr.js';
import { emitUdp, UDP_HDR_LEN, UdpView } from './udp.js';
import { WireError } from './wire-error.js';

export interface EthSpec {
  src: number;
  dst: number;
  /** 802.1Q TCI; omitted = untagged. */
  vlan?: number;
}

export interface Ip4Spec {
  v: 4;
  src: number;
  dst: number;
  ttl?: number;
  tos?: number;
  id?: number;
  df?: boolean;
  mf?: boolean;
  fragOff?: number;
  options?: Uint8Array;
}

/** One IPv6 extension header, complete; the builder overwrites its first byte (next header). */
export interface Ip6Ext {
  type: number;
  bytes: Uint8Array;
}

export interface Ip6Spec {
  v: 6;
  src: Uint32Array;
  dst: Uint32Array;
  hopLimit?: number;
  trafficClass?: number;
  flowLabel?: number;
  ext?: Ip6Ext[];
}

export type L4Spec =
  | ({ kind: 'tcp'; srcPort: number; dstPort: number } & Partial<Omit<TcpRepr, 'srcPort' | 'dstPort'>>)
  | { kind: 'udp'; srcPort: number; dstPort: number; noCsum?: boolean }
  | { kind: 'icmp4'; type: number; code: number; rest?: number }
  | { kind: 'icmp6'; type: number; code: number; rest?: number; target?: Uint32Array; llAddr?: number }
  | { kind: 'raw'; proto: number };

export interface PacketSpec {
  ip: Ip4Spec | Ip6Spec;
  l4: L4Spec;
  payload?: Uint8Array;
}

export interface FrameSpec extends PacketSpec {
  eth: EthSpec;
  /** Pad the frame with zeros to the 60-byte Ethernet minimum. */
  pad?: boolean;
}

function tcpRepr(l4: Extract<L4Spec, { kind: 'tcp' }>): TcpRepr {
  return {
    srcPort: l4.srcPort,
    dstPort: l4.dstPort,
    seq: l4.seq ?? 0,
    ack: l4.ack ?? 0,
    flags: l4.flags ?? 0,
    window: l4.window ?? 65535,
    urgent: l4.urgent ?? 0,
    mss: l4.mss ?? null,
    wscale: l4.wscale ?? null,
    sackPerm: l4.sackPerm ?? false,
    ts: l4.ts ?? null,
    sack: l4.sack ?? [],
  };
}

function icmp6Repr(l4: Extract<L4Spec, { kind: 'icmp6' }>): Icmpv6Repr {
  return {
    type: l4.type,
    code: l4.code,
    rest: l4.rest ?? 0,
    target: l4.target ?? null,
    llAddr: l4.llAddr ?? null,
  };
}

function l4Proto(l4: L4Spec): number {
  switch (l4.kind) {
    case 'tcp':
      return IpProto.Tcp;
    case 'udp':
      return IpProto.Udp;
    case 'icmp4':
      return IpProto.Icmp;
    case 'icmp6':
      return IpProto.Icmpv6;
    case 'raw':
      return l4.proto;
  }
}

function l4HeaderLen(l4: L4Spec): number {
  switch (l4.kind) {
    case 'tcp':
      return tcpReprHeaderLen(tcpRepr(l4));
    case 'udp':
      return UDP_HDR_LEN;
    case 'icmp4':
      return ICMP_HDR_LEN;
    case 'icmp6':
      return icmpv6ReprLen(icmp6Repr(l4));
    case 'raw':
      return 0;
  }
}

function ip4Repr(ip: Ip4Spec, proto: number, payloadLen: number): Ipv4Repr {
  return {
    src: ip.src,
    dst: ip.dst,
    proto,
    ttl: ip.ttl ?? 64,
    tos: ip.tos ?? 0,
    id: ip.id ?? 0,
    df: ip.df ?? false,
    mf: ip.mf ?? false,
    fragOff: ip.fragOff ?? 0,
    options: ip.options ?? new Uint8Array(0),
    payloadLen,
  };
}

function ip6Repr(ip: Ip6Spec, nextHeader: number, payloadLen: number): Ipv6Repr {
  return {
    src: ip.src,
    dst: ip.dst,
    nextHeader,
    hopLimit: ip.hopLimit ?? 64,
    trafficClass: ip.trafficClass ?? 0,
    flowLabel: ip.flowLabel ?? 0,
    payloadLen,
  };
}

/** Length of the IP packet buildPacket() makes for spec. */
export function packetLen(spec: PacketSpec): number {
  const l4len = l4HeaderLen(spec.l4) + (spec.payload?.length ?? 0);
  if (spec.ip.v === 4) return ipv4ReprHeaderLen(ip4Repr(spec.ip, 0, 0)) + l4len;
  let ext = 0;
  for (const e of spec.ip.ext ?? []) ext += e.bytes.length;
  return IPV6_HDR_LEN + ext + l4len;
}

/** Writes the IP packet at b[off..] and returns its length. */
export function writePacket(spec: PacketSpec, b: Uint8Array, off: number): number {
  const proto = l4Proto(spec.l4);
  const payload = spec.payload ?? new Uint8Array(0);
  const l4len = l4HeaderLen(spec.l4) + payload.length;
  let p: number;
  if (spec.ip.v === 4) {
    p = off + emitIpv4(ip4Repr(spec.ip, proto, l4len), b, off);
  } else {
    const exts = spec.ip.ext ?? [];
    let extLen = 0;
    for (const e of exts) extLen += e.bytes.length;
    const first = exts.length > 0 ? exts[0]!.type : proto;
    p = off + emitIpv6(ip6Repr(spec.ip, first, extLen + l4len), b, off);
    for (let i = 0; i < exts.length; i++) {
      const e = exts[i]!;
      b.set(e.bytes, p);
      b[p] = i + 1 < exts.length ? exts[i + 1]!.type : proto;
      p += e.bytes.length;
    }
  }
  const l4off = p;
  const l4 = spec.l4;
  switch (l4.kind) {
    case 'tcp':
      p += emitTcp(tcpRepr(l4), b, p);
      break;
    case 'udp':
      p += emitUdp({ srcPort: l4.srcPort, dstPort: l4.dstPort }, payload.length, b, p);
      break;
    case 'icmp4':
      p += emitIcmpv4({ type: l4.type, code: l4.code, rest: l4.rest ?? 0 }, b, p);
      break;
    case 'icmp6':
      p += emitIcmpv6(icmp6Repr(l4), b, p);
      break;
    case 'raw':
      break;
  }
  b.set(payload, p);
  p += payload.length;
  fillL4Csum(spec, b, off, l4off, p);
  return p - off;
}

function fillL4Csum(spec: PacketSpec, b: Uint8Array, off: number, l4off: number, end: number): void {
  let psum: number;
  if (spec.ip.v === 4) {
    const ip = new Ipv4View();
    if (ip.wrap(b, off, end) !== WireError.None) return;
    psum = ip.pseudoSum();
  } else {
    const ip = new Ipv6View();
    if (ip.wrap(b, off, end) !== WireError.None || ip.fragNonFirst() || ip.l4Off() !== l4off) return;
    psum = ip.pseudoSum();
  }
  const l4 = spec.l4;
  switch (l4.kind) {
    case 'tcp': {
      const t = new TcpView();
      if (t.wrap(b, l4off, end) === WireError.None) t.fillCsum(psum);
      break;
    }
    case 'udp': {
      const u = new UdpView();
      if (u.wrap(b, l4off, end) === WireError.None && l4.noCsum !== true) u.fillCsum(psum);
      break;
    }
    case 'icmp4': {
      const c = new Icmpv4View();
      if (c.wrap(b, l4off, end) === WireError.None) c.fillCsum();
      break;
    }
    case 'icmp6': {
      const c = new Icmpv6View();
      if (c.wrap(b, l4off, end) === WireError.None) c.fillCsum(psum);
      break;
    }
    case 'raw':
      break;
  }
}

/** An IP packet (no link header). */
export function buildPacket(spec: PacketSpec): Uint8Array {
  const b = new Uint8Array(packetLen(spec));
  writePacket(spec, b, 0);
  return b;
}

function ethLen(eth: EthSpec): number {
  return eth.vlan === undefined ? ETH_HDR_LEN : ETH_HDR_LEN + VLAN_TAG_LEN;
}

function writeEth(eth: EthSpec, ethertype: number, b: Uint8Array, off: number): number {
  return emitEthernet({ dst: eth.dst, src: eth.src, ethertype, vlan: eth.vlan ?? null }, b, off);
}

/** A whole Ethernet frame. */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const hl = ethLen(spec.eth);
  const n = hl + packetLen(spec);
  const b = new Uint8Array(spec.pad === true && n < 60 ? 60 : n);
  writeEth(spec.eth, spec.ip.v === 4 ? EtherType.Ipv4 : EtherType.Ipv6, b, 0);
  writePacket(spec, b, hl);
  return b;
}

/** An Ethernet frame carrying one ARP packet (padded to 60 bytes when pad is true). */
export function buildArpFrame(eth: EthSpec, arp: ArpRepr, pad = false): Uint8Array {
  const hl = ethLen(eth);
  const n = hl + ARP_LEN;
  const b = new Uint8Array(pad && n < 60 ? 60 : n);
  writeEth(eth, EtherType.Arp, b, 0);
  emitArp(arp, b, hl);
  return b;
}

/** Outer header of an encapsulated frame (IPIP / IPv6-in-IPv6 / 4in6 / 6in4). */
export type OuterSpec = Omit<Ip4Spec, 'options'> | Omit<Ip6Spec, 'ext'>;

/**
 * An Ethernet frame carrying `inner` (an IP packet, e.g. from buildPacket) inside an outer IPv4
 * or IPv6 header, made the way the TUN forwarder does it: encapIpv4/encapIpv6 into headroom.
 */
export function buildEncapFrame(eth: EthSpec, outer: OuterSpec, inner: Uint8Array): Uint8Array {
  const innerV = (inner[0] ?? 0) >>> 4;
  const proto = innerV === 6 ? IpProto.Ipv6 : IpProto.Ipip;
  const hl = ethLen(eth);
  const ohl = outer.v === 4 ? 20 : IPV6_HDR_LEN;
  const b = new Uint8Array(hl + ohl + inner.length);
  b.set(inner, hl + ohl);
  const o =
    outer.v === 4
      ? encapIpv4(ip4Repr(outer, proto, 0), b, hl, hl + ohl, inner.length)
      : encapIpv6(ip6Repr(outer, proto, 0), b, hl, hl + ohl, inner.length);
  if (o !== hl) return new Uint8Array(0);
  writeEth(eth, outer.v === 4 ? EtherType.Ipv4 : EtherType.Ipv6, b, 0);
  return b;
}
