/**
 * IPv6 fixed header (RFC 8200 §3) and a bounded walk of its extension headers (§4).
 *
 * Owns: Ipv6View (zero-allocation view; wrap() walks the chain once and caches the result in
 * numeric fields) and Ipv6Repr (plain value) with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters.
 *
 * wrap(b, off, end) checks: 40 bytes present, version 6, off + 40 + payloadLen <= end (trailing
 * bytes are allowed and ignored: use l4End()). It then walks hop-by-hop (only directly after the
 * fixed header), routing, destination options, fragment and AH headers, at most
 * IPV6_MAX_EXT_HEADERS of them, each inside the payload; anything else ends the walk and is the
 * upper-layer protocol (upperProto() at l4Off()). A fragment header is reported (fragSeen()); after
 * a non-first fragment (offset != 0) the walk stops, since what follows is not a header: the
 * engine must not read ports there (fragNonFirst()). Jumbograms (payload length 0) are refused.
 * One L4 offset is shared by lookup, checksum and rewrite (the lesson of CVE-2026-45850).
 *
 * Addresses are read in place (srcWord(i), srcEquals(w)) or copied into a caller's reused
 * Uint32Array(4) of host-order words. There is no header checksum: decHopLimit() and address
 * writes touch nothing else. A NAT rewrite patches the L4 checksum with the address sums:
 *     const old = ip6.dstSum(); ip6.setDst(daddr); l4.pseudoReplaceSums(old, ip6.dstSum());
 *
 *  | Version | Traffic Class |           Flow Label                  |
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  |                 Source Address (16)                             |
 *  |              Destination Address (16)                           |
 */
import { EMPTY, rd16, rd32, wr16, wr32 } from './bytes.js';
import { csumAdd } from './checksum.js';
import { IpProto } from './ip-proto.js';
import { WireError } from './wire-error.js';

export const IPV6_HDR_LEN = 40;
/** Bound on the extension-header walk; a longer chain is WireError.TooManyExtHeaders. */
export const IPV6_MAX_EXT_HEADERS = 8;
const OFF_VTF = 0;
const OFF_PAYLOAD_LEN = 4;
const OFF_NEXT = 6;
const OFF_HOP = 7;
const OFF_SRC = 8;
const OFF_DST = 24;

export class Ipv6View {
  bytes: Uint8Array;
  off: number;
  end: number;
  private pktEnd: number;
  private upper: number;
  private l4: number;
  private nExt: number;
  private frag: boolean;
  private fragOffset: number;
  private fragM: boolean;
  private fragIdent: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
    this.pktEnd = 0;
    this.upper = 0;
    this.l4 = 0;
    this.nExt = 0;
    this.frag = false;
    this.fragOffset = 0;
    this.fragM = false;
    this.fragIdent = 0;
  }

  /** HOT PATH: validate the fixed header and walk the extension headers (see file header). */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < IPV6_HDR_LEN) return WireError.Truncated;
    if (b[off]! >>> 4 !== 6) return WireError.BadVersion;
    const pend = off + IPV6_HDR_LEN + rd16(b, off + OFF_PAYLOAD_LEN);
    if (pend > end) return WireError.BadTotalLen;
    return this.walk(b, off, end, pend);
  }

  /**
   * HOT PATH: wrap the header quoted inside an ICMPv6 error (RFC 4443 §2.4: as much of the
   * invoking packet as fits). The payload length may exceed the quote; the walk and l4End() are
   * clipped to `end`, so a chain cut by the quote is BadExtChain.
   */
  wrapQuoted(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < IPV6_HDR_LEN) return WireError.Truncated;
    if (b[off]! >>> 4 !== 6) return WireError.BadVersion;
    const pend = off + IPV6_HDR_LEN + rd16(b, off + OFF_PAYLOAD_LEN);
    return this.walk(b, off, end, pend < end ? pend : end);
  }

  private walk(b: Uint8Array, off: number, end: number, pend: number): WireError {
    let nh = b[off + OFF_NEXT]!;
    let p = off + IPV6_HDR_LEN;
    let n = 0;
    let frag = false;
    let fragOffset = 0;
    let fragM = false;
    let fragIdent = 0;
    for (;;) {
      if (nh === IpProto.HopByHop || nh === IpProto.Routing || nh === IpProto.DestOpts) {
        if (nh === IpProto.HopByHop && n !== 0) return WireError.BadExtChain;
        if (++n > IPV6_MAX_EXT_HEADERS) return WireError.TooManyExtHeaders;
        if (pend - p < 8) return WireError.BadExtChain;
        const len = (b[p + 1]! + 1) << 3;
        if (pend - p < len) return WireError.BadExtChain;
        nh = b[p]!;
        p += len;
      } else if (nh === IpProto.Fragment) {
        if (++n > IPV6_MAX_EXT_HEADERS) return WireError.TooManyExtHeaders;
        if (frag || pend - p < 8) return WireError.BadExtChain;
        const w = rd16(b, p + 2);
        frag = true;
        fragOffset = w >>> 3;
        fragM = (w & 1) !== 0;
        fragIdent = rd32(b, p + 4);
        nh = b[p]!;
        p += 8;
        if (fragOffset !== 0) break;
      } else if (nh === IpProto.Ah) {
        if (++n > IPV6_MAX_EXT_HEADERS) return WireError.TooManyExtHeaders;
        if (pend - p < 12) return WireError.BadExtChain;
        const len = (b[p + 1]! + 2) << 2;
        if (len < 12 || pend - p < len) return WireError.BadExtChain;
        nh = b[p]!;
        p += len;
      } else {
        break;
      }
    }
    this.bytes = b;
    this.off = off;
    this.end = end;
    this.pktEnd = pend;
    this.upper = nh;
    this.l4 = p;
    this.nExt = n;
    this.frag = frag;
    this.fragOffset = fragOffset;
    this.fragM = fragM;
    this.fragIdent = fragIdent;
    return WireError.None;
  }

  version(): number {
    return this.bytes[this.off]! >>> 4;
  }
  trafficClass(): number {
    return (rd16(this.bytes, this.off + OFF_VTF) >>> 4) & 0xff;
  }
  flowLabel(): number {
    return rd32(this.bytes, this.off + OFF_VTF) & 0xfffff;
  }
  payloadLen(): number {
    return rd16(this.bytes, this.off + OFF_PAYLOAD_LEN);
  }
  /** The Next Header field of the fixed header (the first extension header, if any). */
  nextHeader(): number {
    return this.bytes[this.off + OFF_NEXT]!;
  }
  hopLimit(): number {
    return this.bytes[this.off + OFF_HOP]!;
  }
  /** Upper-layer protocol after the extension headers (TCP 6, UDP 17, ICMPv6 58, ...). */
  upperProto(): number {
    return this.upper;
  }
  /** Offset of the upper-layer header. */
  l4Off(): number {
    return this.l4;
  }
  /** End of the packet: off + 40 + payloadLen (clipped to the quote for wrapQuoted). */
  l4End(): number {
    return this.pktEnd;
  }
  /** Upper-layer length (the pseudo-header's length). */
  l4Len(): number {
    return this.l4End() - this.l4;
  }
  extHeaderCount(): number {
    return this.nExt;
  }
  fragSeen(): boolean {
    return this.frag;
  }
  /** A fragment header with a non-zero offset: no upper-layer header in this packet. */
  fragNonFirst(): boolean {
    return this.fragOffset !== 0;
  }
  /** Fragment offset in 8-byte units (0 when no fragment header). */
  fragOff(): number {
    return this.fragOffset;
  }
  fragMore(): boolean {
    return this.fragM;
  }
  fragId(): number {
    return this.fragIdent;
  }

  srcOff(): number {
    return this.off + OFF_SRC;
  }
  dstOff(): number {
    return this.off + OFF_DST;
  }
  /** Word i (0..3) of the source address, host order. */
  srcWord(i: number): number {
    return rd32(this.bytes, this.off + OFF_SRC + (i << 2));
  }
  dstWord(i: number): number {
    return rd32(this.bytes, this.off + OFF_DST + (i << 2));
  }
  /** Copy the source address into out (a reused Uint32Array(4)). */
  copySrc(out: Uint32Array): void {
    readAddr(this.bytes, this.off + OFF_SRC, out);
  }
  copyDst(out: Uint32Array): void {
    readAddr(this.bytes, this.off + OFF_DST, out);
  }
  srcEquals(w: Uint32Array): boolean {
    return addrEquals(this.bytes, this.off + OFF_SRC, w);
  }
  dstEquals(w: Uint32Array): boolean {
    return addrEquals(this.bytes, this.off + OFF_DST, w);
  }
  /** Unfolded one's-complement sum of the source address words (for pseudoReplaceSums). */
  srcSum(): number {
    return csumAdd(this.bytes, this.off + OFF_SRC, 16, 0);
  }
  dstSum(): number {
    return csumAdd(this.bytes, this.off + OFF_DST, 16, 0);
  }
  /** Unfolded pseudo-header sum without the length (RFC 8200 §8.1): src + dst + upper protocol. */
  pseudoSum(): number {
    return csumAdd(this.bytes, this.off + OFF_SRC, 32, 0) + this.upper;
  }

  // Raw setters. There is no IPv6 header checksum.
  setTrafficClass(v: number): void {
    const w = rd32(this.bytes, this.off + OFF_VTF);
    wr32(this.bytes, this.off + OFF_VTF, (w & 0xf00fffff) | ((v & 0xff) << 20));
  }
  setFlowLabel(v: number): void {
    const w = rd32(this.bytes, this.off + OFF_VTF);
    wr32(this.bytes, this.off + OFF_VTF, (w & 0xfff00000) | (v & 0xfffff));
  }
  /** Invalidates the wrap() check and l4End(). */
  setPayloadLen(v: number): void {
    wr16(this.bytes, this.off + OFF_PAYLOAD_LEN, v);
  }
  /** Invalidates the cached walk. */
  setNextHeader(v: number): void {
    this.bytes[this.off + OFF_NEXT] = v;
  }
  setHopLimit(v: number): void {
    this.bytes[this.off + OFF_HOP] = v;
  }
  /** Caller has checked hopLimit() > 1 (else ICMPv6 time exceeded, as the kernel). */
  decHopLimit(): void {
    this.bytes[this.off + OFF_HOP] = this.bytes[this.off + OFF_HOP]! - 1;
  }
  setSrc(w: Uint32Array): void {
    writeAddr(this.bytes, this.off + OFF_SRC, w);
  }
  setDst(w: Uint32Array): void {
    writeAddr(this.bytes, this.off + OFF_DST, w);
  }
}

/** Read 16 bytes at b[o..] into out as four host-order words. */
export function readAddr(b: Uint8Array, o: number, out: Uint32Array): void {
  out[0] = rd32(b, o);
  out[1] = rd32(b, o + 4);
  out[2] = rd32(b, o + 8);
  out[3] = rd32(b, o + 12);
}

export function writeAddr(b: Uint8Array, o: number, w: Uint32Array): void {
  wr32(b, o, w[0]!);
  wr32(b, o + 4, w[1]!);
  wr32(b, o + 8, w[2]!);
  wr32(b, o + 12, w[3]!);
}

export function addrEquals(b: Uint8Array, o: number, w: Uint32Array): boolean {
  return (
    rd32(b, o) === w[0] && rd32(b, o + 4) === w[1] && rd32(b, o + 8) === w[2] && rd32(b, o + 12) === w[3]
  );
}

/** Unfolded one's-complement sum of an address held as words (same value as srcSum() in place). */
export function addrSum6(w: Uint32Array): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    const x = w[i]!;
    s += (x >>> 16) + (x & 0xffff);
  }
  return s;
}

/** Plain value of the IPv6 fixed header; extension headers, if any, are part of the payload. */
export interface Ipv6Repr {
  src: Uint32Array;
  dst: Uint32Array;
  nextHeader: number;
  hopLimit: number;
  trafficClass: number;
  flowLabel: number;
  payloadLen: number;
}

export function parseIpv6(v: Ipv6View): Ipv6Repr {
  const src = new Uint32Array(4);
  const dst = new Uint32Array(4);
  v.copySrc(src);
  v.copyDst(dst);
  return {
    src,
    dst,
    nextHeader: v.nextHeader(),
    hopLimit: v.hopLimit(),
    trafficClass: v.trafficClass(),
    flowLabel: v.flowLabel(),
    payloadLen: v.payloadLen(),
  };
}

/** Writes the 40-byte fixed header; returns 40. */
export function emitIpv6(r: Ipv6Repr, b: Uint8Array, off: number): number {
  wr32(b, off + OFF_VTF, ((6 << 28) | ((r.trafficClass & 0xff) << 20) | (r.flowLabel & 0xfffff)) >>> 0);
  wr16(b, off + OFF_PAYLOAD_LEN, r.payloadLen);
  b[off + OFF_NEXT] = r.nextHeader;
  b[off + OFF_HOP] = r.hopLimit;
  writeAddr(b, off + OFF_SRC, r.src);
  writeAddr(b, off + OFF_DST, r.dst);
  return IPV6_HDR_LEN;
}
