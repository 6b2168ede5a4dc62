/**
 * IPv4 header (RFC 791), options included.
 *
 * Owns: Ipv4View (zero-allocation view: wrap, accessors, raw setters, checksum-patching rewrites)
 * and Ipv4Repr (plain value) with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters/rewrites.
 *
 * Validation contract of wrap(b, off, end): version 4, IHL >= 5, the header inside the frame,
 * IHL*4 <= totalLen and off + totalLen <= end. Bytes after off + totalLen (Ethernet padding,
 * trailing junk) are allowed and ignored: callers use totalLen()/l4End(), never `end`, for the
 * packet's extent (and trim to totalLen before forwarding or encapsulating). The header checksum is
 * NOT checked by wrap: csumOk() is separate so the engine decides the drop and counts it.
 * setTotalLen() and setHeaderLen() invalidate the check (and l4End()) until the next wrap().
 * wrapQuoted() is the variant for the header quoted in an ICMP error.
 *
 * Checksums: rewriteX()/decTtl() patch the header checksum incrementally (RFC 1624 eqn. 3). A
 * change of src/dst also changes the TCP/UDP pseudo-header: a NAT rewrite is
 *     const old = ip.dst(); ip.rewriteDst(daddr); l4.pseudoReplace32(old, daddr);
 * (TcpView/UdpView.pseudoReplace32). ICMPv4 has no pseudo-header.
 *
 *  0                   1                   2                   3
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  |         Identification        |Flags|      Fragment Offset    |
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  |                       Source Address                          |
 *  |                    Destination Address                        |
 *  |                    Options (IHL > 5)                          |
 */
import { EMPTY, rd16, rd32, wr16, wr32 } from './bytes.js';
import { csumAdd, csumFold, csumReplace16, csumReplace32 } from './checksum.js';
import { WireError } from './wire-error.js';

export const IPV4_MIN_HDR = 20;
export const IPV4_MAX_HDR = 60;
const OFF_VER_IHL = 0;
const OFF_TOS = 1;
const OFF_TOTAL_LEN = 2;
const OFF_ID = 4;
const OFF_FLAGS_FRAG = 6;
const OFF_TTL = 8;
const OFF_PROTO = 9;
const OFF_CSUM = 10;
const OFF_SRC = 12;
const OFF_DST = 16;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;
const FRAG_MASK = 0x1fff;

export class Ipv4View {
  bytes: Uint8Array;
  off: number;
  end: number;
  /** off + totalLen, or less for a quoted header (wrapQuoted). */
  private pktEnd: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
    this.pktEnd = 0;
  }

  /** HOT PATH: point the view at b[off, end). On None every accessor is safe until bytes change. */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < IPV4_MIN_HDR) return WireError.Truncated;
    const vihl = b[off]!;
    if (vihl >>> 4 !== 4) return WireError.BadVersion;
    const hl = (vihl & 0x0f) << 2;
    if (hl < IPV4_MIN_HDR) return WireError.BadHeaderLen;
    if (off + hl > end) return WireError.Truncated;
    const tl = rd16(b, off + OFF_TOTAL_LEN);
    if (tl < hl || off + tl > end) return WireError.BadTotalLen;
    this.bytes = b;
    this.off = off;
    this.end = end;
    this.pktEnd = off + tl;
    return WireError.None;
  }

  /**
   * HOT PATH: wrap the header quoted inside an ICMP error (RFC 792: the original header plus at
   * least 8 bytes of its data), whose totalLen describes the original packet, not the quote. Same
   * checks as wrap() except that totalLen may exceed the quote; l4End() is then clipped to `end`.
   */
  wrapQuoted(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < IPV4_MIN_HDR) return WireError.Truncated;
    const vihl = b[off]!;
    if (vihl >>> 4 !== 4) return WireError.BadVersion;
    const hl = (vihl & 0x0f) << 2;
    if (hl < IPV4_MIN_HDR) return WireError.BadHeaderLen;
    if (off + hl > end) return WireError.Truncated;
    const tl = rd16(b, off + OFF_TOTAL_LEN);
    if (tl < hl) return WireError.BadTotalLen;
    this.bytes = b;
    this.off = off;
    this.end = end;
    this.pktEnd = off + tl < end ? off + tl : end;
    return WireError.None;
  }

  version(): number {
    return this.bytes[this.off + OFF_VER_IHL]! >>> 4;
  }
  headerLen(): number {
    return (this.bytes[this.off + OFF_VER_IHL]! & 0x0f) << 2;
  }
  tos(): number {
    return this.bytes[this.off + OFF_TOS]!;
  }
  totalLen(): number {
    return rd16(this.bytes, this.off + OFF_TOTAL_LEN);
  }
  id(): number {
    return rd16(this.bytes, this.off + OFF_ID);
  }
  /** The three flag bits (reserved, DF, MF) as a number 0..7. */
  flags(): number {
    return this.bytes[this.off + OFF_FLAGS_FRAG]! >>> 5;
  }
  df(): boolean {
    return (rd16(this.bytes, this.off + OFF_FLAGS_FRAG) & FLAG_DF) !== 0;
  }
  mf(): boolean {
    return (rd16(this.bytes, this.off + OFF_FLAGS_FRAG) & FLAG_MF) !== 0;
  }
  /** Fragment offset in 8-byte units. */
  fragOff(): number {
    return rd16(this.bytes, this.off + OFF_FLAGS_FRAG) & FRAG_MASK;
  }
  /** True for any fragment (MF set or a non-zero offset). */
  isFragment(): boolean {
    return (rd16(this.bytes, this.off + OFF_FLAGS_FRAG) & (FLAG_MF | FRAG_MASK)) !== 0;
  }
  ttl(): number {
    return this.bytes[this.off + OFF_TTL]!;
  }
  proto(): number {
    return this.bytes[this.off + OFF_PROTO]!;
  }
  csum(): number {
    return rd16(this.bytes, this.off + OFF_CSUM);
  }
  src(): number {
    return rd32(this.bytes, this.off + OFF_SRC);
  }
  dst(): number {
    return rd32(this.bytes, this.off + OFF_DST);
  }
  optionsLen(): number {
    return this.headerLen() - IPV4_MIN_HDR;
  }
  /** Offset of the options (valid when optionsLen() > 0). */
  optionsOff(): number {
    return this.off + IPV4_MIN_HDR;
  }
  /** Offset of the L4 header. */
  l4Off(): number {
    return this.off + this.headerLen();
  }
  /** End of the packet (off + totalLen, as of wrap()): the L4 view's `end`. */
  l4End(): number {
    return this.pktEnd;
  }
  l4Len(): number {
    return this.pktEnd - this.off - this.headerLen();
  }
  /**
   * Unfolded pseudo-header sum without the length (RFC 793 §3.1): src + dst + protocol. The L4 view
   * adds its own length, so `tcp.csumOk(ip.pseudoSum())` works for both families.
   */
  pseudoSum(): number {
    const s = this.src();
    const d = this.dst();
    return (s >>> 16) + (s & 0xffff) + (d >>> 16) + (d & 0xffff) + this.proto();
  }

  // Raw setters: they never touch the checksum.
  setVersionIhl(v: number): void {
    this.bytes[this.off + OFF_VER_IHL] = v;
  }
  /** Writes IHL = len/4 with version 4. Invalidates the wrap() check. */
  setHeaderLen(len: number): void {
    this.bytes[this.off + OFF_VER_IHL] = 0x40 | ((len >>> 2) & 0x0f);
  }
  setTos(v: number): void {
    this.bytes[this.off + OFF_TOS] = v;
  }
  /** Invalidates the wrap() check. */
  setTotalLen(v: number): void {
    wr16(this.bytes, this.off + OFF_TOTAL_LEN, v);
  }
  setId(v: number): void {
    wr16(this.bytes, this.off + OFF_ID, v);
  }
  setDf(on: boolean): void {
    const w = rd16(this.bytes, this.off + OFF_FLAGS_FRAG);
    wr16(this.bytes, this.off + OFF_FLAGS_FRAG, on ? w | FLAG_DF : w & ~FLAG_DF);
  }
  setMf(on: boolean): void {
    const w = rd16(this.bytes, this.off + OFF_FLAGS_FRAG);
    wr16(this.bytes, this.off + OFF_FLAGS_FRAG, on ? w | FLAG_MF : w & ~FLAG_MF);
  }
  setFragOff(units: number): void {
    const w = rd16(this.bytes, this.off + OFF_FLAGS_FRAG);
    wr16(this.bytes, this.off + OFF_FLAGS_FRAG, (w & ~FRAG_MASK) | (units & FRAG_MASK));
  }
  setTtl(v: number): void {
    this.bytes[this.off + OFF_TTL] = v;
  }
  setProto(v: number): void {
    this.bytes[this.off + OFF_PROTO] = v;
  }
  setCsum(v: number): void {
    wr16(this.bytes, this.off + OFF_CSUM, v);
  }
  setSrc(a: number): void {
    wr32(this.bytes, this.off + OFF_SRC, a);
  }
  setDst(a: number): void {
    wr32(this.bytes, this.off + OFF_DST, a);
  }

  // Rewrites: write and patch the header checksum (RFC 1624). L4 pseudo-header: see file header.
  rewriteSrc(a: number): void {
    const o = this.off;
    const old = rd32(this.bytes, o + OFF_SRC);
    wr32(this.bytes, o + OFF_SRC, a);
    wr16(this.bytes, o + OFF_CSUM, csumReplace32(rd16(this.bytes, o + OFF_CSUM), old, a >>> 0));
  }
  rewriteDst(a: number): void {
    const o = this.off;
    const old = rd32(this.bytes, o + OFF_DST);
    wr32(this.bytes, o + OFF_DST, a);
    wr16(this.bytes, o + OFF_CSUM, csumReplace32(rd16(this.bytes, o + OFF_CSUM), old, a >>> 0));
  }
  /** TOS is the low byte of the word at offset 0. */
  rewriteTos(v: number): void {
    this.patchWord0(OFF_VER_IHL, OFF_TOS, v);
  }
  /** TTL is the high byte of the word at offset 8, so the patch uses that word. */
  rewriteTtl(v: number): void {
    this.patchWord0(OFF_TTL, OFF_TTL, v);
  }
  /**
   * Decrement the TTL and patch the checksum. The caller has checked ttl() > 1 (else: drop and
   * ICMP time exceeded, as decrement_ttl() in net/netfilter/ipvs/ip_vs_xmit.c).
   */
  decTtl(): void {
    this.patchWord0(OFF_TTL, OFF_TTL, (this.bytes[this.off + OFF_TTL]! - 1) & 0xff);
  }

  /** Recompute the header checksum from scratch (options included). */
  fillCsum(): void {
    const b = this.bytes;
    const o = this.off;
    wr16(b, o + OFF_CSUM, 0);
    wr16(b, o + OFF_CSUM, ~csumFold(csumAdd(b, o, this.headerLen(), 0)) & 0xffff);
  }
  /** True when the header checksum verifies. */
  csumOk(): boolean {
    const b = this.bytes;
    const o = this.off;
    if ((b[o]! & 0x0f) !== 5) return csumFold(csumAdd(b, o, this.headerLen(), 0)) === 0xffff;
    // The common 20-byte header, unrolled (HOT PATH: every received IPv4 packet).
    let s =
      ((b[o]! << 8) | b[o + 1]!) +
      ((b[o + 2]! << 8) | b[o + 3]!) +
      ((b[o + 4]! << 8) | b[o + 5]!) +
      ((b[o + 6]! << 8) | b[o + 7]!) +
      ((b[o + 8]! << 8) | b[o + 9]!) +
      ((b[o + 10]! << 8) | b[o + 11]!) +
      ((b[o + 12]! << 8) | b[o + 13]!) +
      ((b[o + 14]! << 8) | b[o + 15]!) +
      ((b[o + 16]! << 8) | b[o + 17]!) +
      ((b[o + 18]! << 8) | b[o + 19]!);
    s = (s & 0xffff) + (s >>> 16);
    s = (s & 0xffff) + (s >>> 16);
    return s === 0xffff;
  }

  private patchWord0(wordOff: number, byteOff: number, v: number): void {
    const b = this.bytes;
    const o = this.off;
    const oldWord = rd16(b, o + wordOff);
    b[o + byteOff] = v;
    wr16(b, o + OFF_CSUM, csumReplace16(rd16(b, o + OFF_CSUM), oldWord, rd16(b, o + wordOff)));
  }
}

/** Plain value of an IPv4 header; options are raw bytes (length a multiple of 4, at most 40). */
export interface Ipv4Repr {
  src: number;
  dst: number;
  proto: number;
  ttl: number;
  tos: number;
  id: number;
  df: boolean;
  mf: boolean;
  /** In 8-byte units. */
  fragOff: number;
  options: Uint8Array;
  /** Bytes after the header: totalLen = header length + payloadLen. */
  payloadLen: number;
}

export function parseIpv4(v: Ipv4View): Ipv4Repr {
  const options = new Uint8Array(v.optionsLen());
  for (let i = 0; i < options.length; i++) options[i] = v.bytes[v.optionsOff() + i]!;
  return {
    src: v.src(),
    dst: v.dst(),
    proto: v.proto(),
    ttl: v.ttl(),
    tos: v.tos(),
    id: v.id(),
    df: v.df(),
    mf: v.mf(),
    fragOff: v.fragOff(),
    options,
    payloadLen: v.l4Len(),
  };
}

export function ipv4ReprHeaderLen(r: Ipv4Repr): number {
  return IPV4_MIN_HDR + ((r.options.length + 3) & ~3);
}

/** Writes the header (options zero-padded to 4) with a correct checksum; returns the header length. */
export function emitIpv4(r: Ipv4Repr, b: Uint8Array, off: number): number {
  const hl = ipv4ReprHeaderLen(r);
  b[off + OFF_VER_IHL] = 0x40 | (hl >>> 2);
  b[off + OFF_TOS] = r.tos;
  wr16(b, off + OFF_TOTAL_LEN, hl + r.payloadLen);
  wr16(b, off + OFF_ID, r.id);
  wr16(b, off + OFF_FLAGS_FRAG, (r.df ? FLAG_DF : 0) | (r.mf ? FLAG_MF : 0) | (r.fragOff & FRAG_MASK));
  b[off + OFF_TTL] = r.ttl;
  b[off + OFF_PROTO] = r.proto;
  wr16(b, off + OFF_CSUM, 0);
  wr32(b, off + OFF_SRC, r.src);
  wr32(b, off + OFF_DST, r.dst);
  for (let i = 0; i < hl - IPV4_MIN_HDR; i++) b[off + IPV4_MIN_HDR + i] = r.options[i] ?? 0;
  wr16(b, off + OFF_CSUM, ~csumFold(csumAdd(b, off, hl, 0)) & 0xffff);
  return hl;
}
