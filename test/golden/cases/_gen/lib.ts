/**
 * The vocabulary of the generated golden cases: the replay environment (the same director as the
 * kernel recordings: MAC 02:00:00:00:00:fe, 10.0.0.254 and fd00::fe, every neighbour at
 * 02:00:00:00:00:<last address byte>), input frame constructors, and an independent model of
 * what the director must transmit for each input (DR, TUN, NAT both ways, ICMP errors).
 *
 * The model is written from the kernel's behaviour (shared/reference/ipvs.md §2.9, the kernel
 * cases' README and ip_vs_xmit.c), never from src/engine: it rebuilds each expected frame from
 * scratch with the wire builder, so an engine output that matches it is a reviewed fact, not an
 * echo of the engine. make-cases.ts refuses to write a case whose engine output disagrees.
 * Must not: import src/engine or src/daemon.
 */
import {
  buildEncapFrame,
  buildFrame,
  buildPacket,
  csumAdd,
  csumFinish,
  parseIpv4Addr,
  parseIpv6Addr,
  TcpFlag,
  type FrameSpec,
  type Ip4Spec,
  type Ip6Ext,
  type Ip6Spec,
  type L4Spec,
} from '../../../../src/wire/index.js';

export const DIR_MAC = 0x0200000000fe;
export const DIR_IP4 = '10.0.0.254';
export const DIR_IP6 = 'fd00::fe';
/** Seconds of the first frame: 2026-01-01T00:00:00Z, as the kernel recordings. */
export const T0 = 1767225600;

/** A frame to feed in, with the spec it was built from (the model derives outputs from it). */
export interface Pkt {
  spec: FrameSpec;
  bytes: Uint8Array;
}

/** An expected output frame. */
export interface Expected {
  bytes: Uint8Array;
  /** The director chose the IPv4 ID itself (ICMP errors): take it from the engine's frame. */
  ipIdChosen?: boolean;
  /** The engine is known to get this frame wrong: the kernel's frame is expected (test.failing). */
  engineBug?: string;
}

export interface Step {
  pkt: Uint8Array | Pkt;
  /** What happens to it, in words (case.json). */
  note: string;
  /** What the director transmits for it (empty: nothing). */
  out?: Expected[];
  /** The drop reason counted for it (DROP_NAMES), if any; with `out`, an ICMP error answers it. */
  drop?: string;
  /** Deliberately broken input: tshark may call it bad or malformed, and its output too. */
  badInput?: string;
  /** Milliseconds after the previous frame (default 10). */
  gapMs?: number;
}

export interface KnownBug {
  /** 'counters': the summary differs; 'frames': the listed output frames differ. */
  kind: 'counters' | 'frames';
  what: string;
}

export interface CaseDef {
  name: string;
  description: string;
  rules: string;
  /** Extra --neigh entries beyond the automatic ones (every address in the rules and frames). */
  neighbors?: string[];
  /** Addresses to leave out of the automatic --neigh list (unresolved next hops). */
  noNeighbor?: string[];
  seed?: number;
  steps: Step[];
  /** Summary counters that are the kernel's and not yet the engine's (see KnownBug). */
  counterFixes?: (summary: Record<string, unknown>) => void;
  knownBugs?: KnownBug[];
}

// ---------------------------------------------------------------------------------------------
// Addresses

export function isV6(a: string): boolean {
  return a.includes(':');
}

export function v4(a: string): number {
  const n = parseIpv4Addr(a);
  if (n === null) throw new Error('bad IPv4 ' + a);
  return n;
}

export function v6(a: string): Uint32Array {
  const w = parseIpv6Addr(a);
  if (w === null) throw new Error('bad IPv6 ' + a);
  return w;
}

/** 02:00:00:00:00:<last byte of the address>, the recordings' neighbour convention. */
export function macOf(a: string): number {
  const last = isV6(a) ? v6(a)[3]! & 0xff : v4(a) & 0xff;
  return 0x020000000000 + last;
}

export function macText(mac: number): string {
  const h = mac.toString(16).padStart(12, '0');
  return h.match(/../g)!.join(':');
}

// ---------------------------------------------------------------------------------------------
// Input frames

export interface PktOpts {
  seq?: number;
  ack?: number;
  /** Payload bytes (a fixed pattern). */
  len?: number;
  ttl?: number;
  id?: number;
  df?: boolean;
  tos?: number;
  pad?: boolean;
  mss?: number;
  /** Sender MAC (default: the source address's neighbour MAC). */
  ethSrc?: number;
  ethDst?: number;
  noCsum?: boolean;
  options?: Uint8Array;
  payload?: Uint8Array;
  mf?: boolean;
  /** Fragment offset in 8-byte units. */
  fragOff?: number;
  /** IPv6 extension headers. */
  ext?: Ip6Ext[];
}

const FLAG_LETTERS: Record<string, number> = {
  F: TcpFlag.Fin,
  S: TcpFlag.Syn,
  R: TcpFlag.Rst,
  P: TcpFlag.Psh,
  A: TcpFlag.Ack,
};

export function flagsOf(letters: string): number {
  let f = 0;
  for (const c of letters) f |= FLAG_LETTERS[c] ?? 0;
  return f;
}

export function payload(n: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);
}

function ipSpec(src: string, dst: string, o: PktOpts): Ip4Spec | Ip6Spec {
  if (isV6(src)) {
    const ip6: Ip6Spec = {
      v: 6,
      src: v6(src),
      dst: v6(dst),
      hopLimit: o.ttl ?? 64,
      trafficClass: o.tos ?? 0,
    };
    if (o.ext !== undefined) ip6.ext = o.ext;
    return ip6;
  }
  const ip: Ip4Spec = { v: 4, src: v4(src), dst: v4(dst), ttl: o.ttl ?? 64, id: o.id ?? 0, df: o.df ?? true };
  if (o.tos !== undefined) ip.tos = o.tos;
  if (o.options !== undefined) ip.options = o.options;
  if (o.mf === true) ip.mf = true;
  if (o.fragOff !== undefined) ip.fragOff = o.fragOff;
  return ip;
}

export function frameOf(spec: FrameSpec): Pkt {
  return { spec, bytes: buildFrame(spec) };
}

function specOf(src: string, dst: string, l4: L4Spec, o: PktOpts): FrameSpec {
  const spec: FrameSpec = {
    eth: { src: o.ethSrc ?? macOf(src), dst: o.ethDst ?? DIR_MAC },
    ip: ipSpec(src, dst, o),
    l4,
  };
  const body = o.payload ?? (o.len !== undefined ? payload(o.len) : undefined);
  if (body !== undefined) spec.payload = body;
  if (o.pad === true) spec.pad = true;
  return spec;
}

/** A TCP segment; flags as letters (S A F R P). */
export function tcp(
  src: string,
  sport: number,
  dst: string,
  dport: number,
  flags: string,
  o: PktOpts = {},
): Pkt {
  const l4: L4Spec = {
    kind: 'tcp',
    srcPort: sport,
    dstPort: dport,
    flags: flagsOf(flags),
    seq: o.seq ?? 1000,
    ack: o.ack ?? (flags.includes('A') ? 5000 : 0),
    window: 64240,
  };
  if (o.mss !== undefined) l4.mss = o.mss;
  return frameOf(specOf(src, dst, l4, o));
}

export function udp(src: string, sport: number, dst: string, dport: number, o: PktOpts = {}): Pkt {
  const l4: L4Spec = { kind: 'udp', srcPort: sport, dstPort: dport };
  if (o.noCsum === true) l4.noCsum = true;
  return frameOf(specOf(src, dst, l4, { len: 24, ...o }));
}

/** An ICMPv4 message whose payload is `quote` (an IP packet, e.g. buildPacket of a spec). */
export function icmp4(
  src: string,
  dst: string,
  type: number,
  code: number,
  rest: number,
  quote: Uint8Array,
  o: PktOpts = {},
): Pkt {
  return frameOf(specOf(src, dst, { kind: 'icmp4', type, code, rest }, { ...o, payload: quote, df: false }));
}

export function icmp6(
  src: string,
  dst: string,
  type: number,
  code: number,
  rest: number,
  quote: Uint8Array,
  o: PktOpts = {},
): Pkt {
  return frameOf(specOf(src, dst, { kind: 'icmp6', type, code, rest }, { ...o, payload: quote }));
}

/** The IP packet of a Pkt (no Ethernet header, no padding). */
export function ipPacket(p: Pkt): Uint8Array {
  return buildPacket(p.spec);
}

// ---------------------------------------------------------------------------------------------
// The model: what the director transmits

function withTtl(ip: Ip4Spec | Ip6Spec, delta: number): Ip4Spec | Ip6Spec {
  return ip.v === 4
    ? { ...ip, ttl: (ip.ttl ?? 64) + delta }
    : { ...ip, hopLimit: (ip.hopLimit ?? 64) + delta };
}

function ttlOf(ip: Ip4Spec | Ip6Spec): number {
  return ip.v === 4 ? (ip.ttl ?? 64) : (ip.hopLimit ?? 64);
}

/** DR: the same packet to the real server's MAC, TTL - 1 (ip_vs_dr_xmit, decrement_ttl). */
export function dr(p: Pkt, rs: string): Expected {
  const { pad: _pad, ...spec } = p.spec;
  return { bytes: buildFrame({ ...spec, eth: { src: DIR_MAC, dst: macOf(rs) }, ip: withTtl(spec.ip, -1) }) };
}

/**
 * TUN: the packet, TTL - 1, inside an outer header from the director to the real server
 * (ip_vs_tunnel_xmit): outer TTL = inner TTL after the decrement, TOS and DF copied, ID 0 with
 * DF. IPv6: traffic class copied, flow label 0.
 */
export function tun(p: Pkt, rs: string): Expected {
  const { pad: _pad, ...spec } = p.spec;
  const ip = withTtl(spec.ip, -1);
  const inner = buildPacket({ ...spec, ip });
  const ttl = ttlOf(ip);
  const outer = isV6(rs)
    ? {
        v: 6 as const,
        src: v6(DIR_IP6),
        dst: v6(rs),
        hopLimit: ttl,
        trafficClass: ip.v === 6 ? (ip.trafficClass ?? 0) : (ip.tos ?? 0),
      }
    : {
        v: 4 as const,
        src: v4(DIR_IP4),
        dst: v4(rs),
        ttl,
        tos: ip.v === 4 ? (ip.tos ?? 0) : (ip.trafficClass ?? 0),
        df: ip.v === 4 ? (ip.df ?? false) : false,
        id: 0,
      };
  return { bytes: buildEncapFrame({ src: DIR_MAC, dst: macOf(rs) }, outer, inner) };
}

function withAddr(ip: Ip4Spec | Ip6Spec, which: 'src' | 'dst', a: string): Ip4Spec | Ip6Spec {
  return ip.v === 4 ? { ...ip, [which]: v4(a) } : { ...ip, [which]: v6(a) };
}

function withPort(l4: L4Spec, which: 'srcPort' | 'dstPort', port: number): L4Spec {
  if (l4.kind !== 'tcp' && l4.kind !== 'udp') throw new Error('not TCP/UDP');
  return { ...l4, [which]: port };
}

/** NAT in: destination becomes rs:rport, TTL - 1, to the real server's MAC. */
export function natIn(p: Pkt, rs: string, rport: number): Expected {
  const { pad: _pad, ...spec } = p.spec;
  return {
    bytes: buildFrame({
      ...spec,
      eth: { src: DIR_MAC, dst: macOf(rs) },
      ip: withTtl(withAddr(spec.ip, 'dst', rs), -1),
      l4: withPort(spec.l4, 'dstPort', rport),
    }),
  };
}

/** NAT out: a real server's reply leaves from vip:vport, TTL - 1, to the client's MAC. */
export function natOut(p: Pkt, vip: string, vport: number, clientMac: number): Expected {
  const { pad: _pad, ...spec } = p.spec;
  return {
    bytes: buildFrame({
      ...spec,
      eth: { src: DIR_MAC, dst: clientMac },
      ip: withTtl(withAddr(spec.ip, 'src', vip), -1),
      l4: withPort(spec.l4, 'srcPort', vport),
    }),
  };
}

/** The packet as the kernel holds it after decrement_ttl (what an error raised later quotes). */
export function decremented(p: Pkt): Uint8Array {
  return buildPacket({ ...p.spec, ip: withTtl(p.spec.ip, -1) });
}

/**
 * An ICMP error the director sends back to the packet's sender (net/ipv4/icmp.c icmp_send): from
 * `from`, TTL 64, TOS 0xc0, no DF, the director's own IP ID, quoting the offending packet (as much
 * as fits in 576 bytes). ICMPv6 (icmpv6_send): hop limit 64, quote up to the 1280-byte minimum MTU.
 */
export function icmpError(
  p: Pkt,
  from: string,
  type: number,
  code: number,
  rest: number,
  quote: Uint8Array = ipPacket(p),
): Expected {
  const dst = { src: DIR_MAC, dst: p.spec.eth.src };
  if (p.spec.ip.v === 4) {
    const q = quote.subarray(0, Math.min(quote.length, 576 - 28));
    return {
      ipIdChosen: true,
      bytes: buildFrame({
        eth: dst,
        ip: { v: 4, src: v4(from), dst: p.spec.ip.src, ttl: 64, tos: 0xc0, id: 0, df: false },
        l4: { kind: 'icmp4', type, code, rest },
        payload: q,
      }),
    };
  }
  const q = quote.subarray(0, Math.min(quote.length, 1280 - 48));
  return {
    bytes: buildFrame({
      eth: dst,
      ip: { v: 6, src: v6(from), dst: p.spec.ip.src, hopLimit: 64 },
      l4: { kind: 'icmp6', type, code, rest },
      payload: q,
    }),
  };
}

/** Copy the IPv4 ID the engine chose into an expected ICMP error and fix its header checksum. */
export function adoptIpId(expected: Uint8Array, actual: Uint8Array): Uint8Array {
  const e = Uint8Array.from(expected);
  if (actual.length < 34 || e.length < 34) return e;
  e[18] = actual[18]!;
  e[19] = actual[19]!;
  e[24] = 0;
  e[25] = 0;
  const c = csumFinish(csumAdd(e, 14, 20, 0));
  e[24] = c >>> 8;
  e[25] = c & 0xff;
  return e;
}

/** The ARP reply for a request `who-has vip tell sender` (the VIP answers with the director's MAC). */
export function arpRequest(sender: string, target: string): Uint8Array {
  const b = new Uint8Array(42);
  const sm = macOf(sender);
  b.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff], 0);
  writeMac(b, 6, sm);
  b.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1], 12);
  writeMac(b, 22, sm);
  writeU32(b, 28, v4(sender));
  writeU32(b, 38, v4(target));
  return b;
}

export function arpReply(sender: string, vip: string): Uint8Array {
  const b = new Uint8Array(42);
  const sm = macOf(sender);
  writeMac(b, 0, sm);
  writeMac(b, 6, DIR_MAC);
  b.set([0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 2], 12);
  writeMac(b, 22, DIR_MAC);
  writeU32(b, 28, v4(vip));
  writeMac(b, 32, sm);
  writeU32(b, 38, v4(sender));
  return b;
}

function writeMac(b: Uint8Array, o: number, mac: number): void {
  for (let i = 5; i >= 0; i--) {
    b[o + i] = mac % 256;
    mac = Math.floor(mac / 256);
  }
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** A copy of `bytes` with `edit` applied (hostile inputs). */
export function mutate(bytes: Uint8Array, edit: (b: Uint8Array) => void): Uint8Array {
  const b = Uint8Array.from(bytes);
  edit(b);
  return b;
}
