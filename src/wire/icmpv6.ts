/**
 * ICMPv6 (RFC 4443) and the two Neighbor Discovery messages the director needs (RFC 4861 §4.3,
 * §4.4: Neighbor Solicitation and Advertisement, with source/target link-layer address options).
 *
 * Owns: Icmpv6View (zero-allocation view) and Icmpv6Repr with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters.
 *
 * wrap(b, off, end): `end` is the IPv6 view's l4End(). 8 bytes are required; an NS/NA needs 24 and
 * its options are walked: an option of length 0 or running past the message is BadOption (RFC 4861
 * §4.6: "Nodes MUST silently discard an ND packet that contains an option with length zero").
 * The hop-limit-255 and code-0 rules of §7.1 are the engine's policy, not checked here.
 * Errors (type < 128) quote the invoking packet at quoteOff(): Ipv6View.wrapQuoted().
 * The checksum includes the IPv6 pseudo-header: pass the IPv6 view's pseudoSum() (whose upper
 * protocol is 58); the view adds the message length.
 *
 *  |     Type      |     Code      |          Checksum             |
 *  |  rest: MTU (PTB) | id + seq (echo) | R S O flags (NA) | ...    |
 *  |  NS/NA: target address (16), then options: | type | len (x8) | value ...
 */
import { EMPTY, rd16, rd32, rd48, wr16, wr32, wr48 } from './bytes.js';
import { csumAdd, csumFold, csumReplaceSums } from './checksum.js';
import { addrEquals, readAddr, writeAddr } from './ipv6.js';
import { WireError } from './wire-error.js';

export const ICMPV6_HDR_LEN = 8;
export const NDP_NS_NA_LEN = 24;
export const Icmpv6Type = {
  DestUnreach: 1,
  PacketTooBig: 2,
  TimeExceeded: 3,
  ParamProblem: 4,
  EchoRequest: 128,
  EchoReply: 129,
  RouterSolicit: 133,
  RouterAdvert: 134,
  NeighborSolicit: 135,
  NeighborAdvert: 136,
} as const;
export const NdpOpt = { SourceLinkAddr: 1, TargetLinkAddr: 2 } as const;
/** NA flag bits in the rest word. */
export const NA_ROUTER = 0x80000000;
export const NA_SOLICITED = 0x40000000;
export const NA_OVERRIDE = 0x20000000;

const OFF_TYPE = 0;
const OFF_CODE = 1;
const OFF_CSUM = 2;
const OFF_REST = 4;
const OFF_TARGET = 8;

export class Icmpv6View {
  bytes: Uint8Array;
  off: number;
  end: number;
  /** Offset of the 6-byte link-layer address of the SLLA (NS) / TLLA (NA) option, or -1. */
  private llOff: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
    this.llOff = -1;
  }

  /** HOT PATH: the message is b[off, end); NS/NA options are validated here. */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < ICMPV6_HDR_LEN) return WireError.Truncated;
    const t = b[off]!;
    let llOff = -1;
    if (t === Icmpv6Type.NeighborSolicit || t === Icmpv6Type.NeighborAdvert) {
      if (end - off < NDP_NS_NA_LEN) return WireError.Truncated;
      const want = t === Icmpv6Type.NeighborSolicit ? NdpOpt.SourceLinkAddr : NdpOpt.TargetLinkAddr;
      let p = off + NDP_NS_NA_LEN;
      while (p < end) {
        if (end - p < 2) return WireError.BadOption;
        const len = b[p + 1]! << 3;
        if (len === 0 || len > end - p) return WireError.BadOption;
        if (b[p] === want && len === 8 && llOff < 0) llOff = p + 2;
        p += len;
      }
    }
    this.bytes = b;
    this.off = off;
    this.end = end;
    this.llOff = llOff;
    return WireError.None;
  }

  type(): number {
    return this.bytes[this.off + OFF_TYPE]!;
  }
  code(): number {
    return this.bytes[this.off + OFF_CODE]!;
  }
  csum(): number {
    return rd16(this.bytes, this.off + OFF_CSUM);
  }
  rest(): number {
    return rd32(this.bytes, this.off + OFF_REST);
  }
  /** MTU of a Packet Too Big message (RFC 4443 §3.2). */
  mtu(): number {
    return rd32(this.bytes, this.off + OFF_REST);
  }
  echoId(): number {
    return rd16(this.bytes, this.off + OFF_REST);
  }
  echoSeq(): number {
    return rd16(this.bytes, this.off + OFF_REST + 2);
  }
  /** Error messages have types 0..127 (RFC 4443 §2.1). */
  isError(): boolean {
    return this.bytes[this.off + OFF_TYPE]! < 128;
  }
  isNs(): boolean {
    return this.type() === Icmpv6Type.NeighborSolicit;
  }
  isNa(): boolean {
    return this.type() === Icmpv6Type.NeighborAdvert;
  }
  /** Offset of the data after the 8-byte header: the quoted packet of an error. */
  quoteOff(): number {
    return this.off + ICMPV6_HDR_LEN;
  }

  // Neighbor Discovery (valid when isNs() || isNa()).
  naRouter(): boolean {
    return (this.rest() & NA_ROUTER) !== 0;
  }
  naSolicited(): boolean {
    return (this.rest() & NA_SOLICITED) !== 0;
  }
  naOverride(): boolean {
    return (this.rest() & NA_OVERRIDE) !== 0;
  }
  targetOff(): number {
    return this.off + OFF_TARGET;
  }
  targetWord(i: number): number {
    return rd32(this.bytes, this.off + OFF_TARGET + (i << 2));
  }
  copyTarget(out: Uint32Array): void {
    readAddr(this.bytes, this.off + OFF_TARGET, out);
  }
  targetEquals(w: Uint32Array): boolean {
    return addrEquals(this.bytes, this.off + OFF_TARGET, w);
  }
  /** True when the NS carries a source / the NA a target link-layer address option. */
  hasLlAddr(): boolean {
    return this.llOff >= 0;
  }
  /** That link-layer address as a 48-bit number; -1 when absent. */
  llAddr(): number {
    return this.llOff >= 0 ? rd48(this.bytes, this.llOff) : -1;
  }

  setType(v: number): void {
    this.bytes[this.off + OFF_TYPE] = v;
  }
  setCode(v: number): void {
    this.bytes[this.off + OFF_CODE] = v;
  }
  setCsum(v: number): void {
    wr16(this.bytes, this.off + OFF_CSUM, v);
  }
  setRest(v: number): void {
    wr32(this.bytes, this.off + OFF_REST, v);
  }
  setMtu(v: number): void {
    wr32(this.bytes, this.off + OFF_REST, v);
  }
  setTarget(w: Uint32Array): void {
    writeAddr(this.bytes, this.off + OFF_TARGET, w);
  }
  /** Overwrites the link-layer address option; no effect when absent. */
  setLlAddr(mac: number): void {
    if (this.llOff >= 0) wr48(this.bytes, this.llOff, mac);
  }

  /** Carry an IPv6 address change into the pseudo-header (sums of the address words). */
  pseudoReplaceSums(oldSum: number, newSum: number): void {
    const o = this.off + OFF_CSUM;
    wr16(this.bytes, o, csumReplaceSums(rd16(this.bytes, o), oldSum, newSum));
  }
  /** Recompute the checksum; psum is the IPv6 view's pseudoSum(). */
  fillCsum(psum: number): void {
    const o = this.off;
    const len = this.end - o;
    wr16(this.bytes, o + OFF_CSUM, 0);
    wr16(this.bytes, o + OFF_CSUM, ~csumFold(csumAdd(this.bytes, o, len, psum + len)) & 0xffff);
  }
  csumOk(psum: number): boolean {
    const len = this.end - this.off;
    return csumFold(csumAdd(this.bytes, this.off, len, psum + len)) === 0xffff;
  }
}

/**
 * Plain value of an ICMPv6 header. For NS/NA, target is the target address and llAddr the
 * SLLA (NS) / TLLA (NA) option or null; both are null for other types.
 */
export interface Icmpv6Repr {
  type: number;
  code: number;
  rest: number;
  target: Uint32Array | null;
  llAddr: number | null;
}

export function parseIcmpv6(v: Icmpv6View): Icmpv6Repr {
  let target: Uint32Array | null = null;
  if (v.isNs() || v.isNa()) {
    target = new Uint32Array(4);
    v.copyTarget(target);
  }
  return {
    type: v.type(),
    code: v.code(),
    rest: v.rest(),
    target,
    llAddr: v.hasLlAddr() ? v.llAddr() : null,
  };
}

/** Bytes emitIcmpv6() writes: 8, or 24 for NS/NA (+8 with a link-layer address option). */
export function icmpv6ReprLen(r: Icmpv6Repr): number {
  if (r.target === null) return ICMPV6_HDR_LEN;
  return NDP_NS_NA_LEN + (r.llAddr !== null ? 8 : 0);
}

/** Writes header (+ target + option) with checksum 0; returns the length. Then fillCsum(). */
export function emitIcmpv6(r: Icmpv6Repr, b: Uint8Array, off: number): number {
  b[off + OFF_TYPE] = r.type;
  b[off + OFF_CODE] = r.code;
  wr16(b, off + OFF_CSUM, 0);
  wr32(b, off + OFF_REST, r.rest);
  if (r.target === null) return ICMPV6_HDR_LEN;
  writeAddr(b, off + OFF_TARGET, r.target);
  if (r.llAddr === null) return NDP_NS_NA_LEN;
  b[off + NDP_NS_NA_LEN] =
    r.type === Icmpv6Type.NeighborSolicit ? NdpOpt.SourceLinkAddr : NdpOpt.TargetLinkAddr;
  b[off + NDP_NS_NA_LEN + 1] = 1;
  wr48(b, off + NDP_NS_NA_LEN + 2, r.llAddr);
  return NDP_NS_NA_LEN + 8;
}
