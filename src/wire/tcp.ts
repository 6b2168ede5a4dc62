/**
 * TCP header (RFC 9293 §3.1) and its options (MSS, window scale RFC 7323, SACK-permitted and SACK
 * RFC 2018, timestamps RFC 7323).
 *
 * Owns: TcpView (zero-allocation view, option walk into numeric fields and a cursor). TcpRepr
 * (plain value) with parse/emit lives in tcp-repr.ts.
 * Must not: allocate or throw in wrap/accessors/setters/rewrites.
 *
 * wrap(b, off, end): `end` is the end of the segment, i.e. the IP view's l4End() (never the frame
 * end: Ethernet padding is not part of the segment). It checks 20 bytes, data offset >= 5 and the
 * header inside the segment. Options are checked only by parseOptions(), which caches mss(),
 * wscale(), sackPerm(), tsVal()/tsEcr() and the SACK blocks; those are valid after it returned None.
 *
 * Checksums take the IP view's pseudoSum() (addresses + protocol, no length); the view adds the
 * segment length itself, so one code path serves IPv4 and IPv6:
 *     tcp.csumOk(ip.pseudoSum()); tcp.fillCsum(ip.pseudoSum());
 * rewriteXPort() patch the TCP checksum (RFC 1624). An address change made on the IP view is
 * carried into the pseudo-header with pseudoReplace32(old, new) (IPv4) or
 * pseudoReplaceSums(oldSum, newSum) (IPv6, sums of the address words): NAT in one direction is
 *     ip.rewriteDst(daddr); tcp.pseudoReplace32(vaddr, daddr); tcp.rewriteDstPort(dport);
 *
 *  |          Source Port          |       Destination Port        |
 *  |                        Sequence Number                        |
 *  |                     Acknowledgment Number                     |
 *  |  Data |       |C|E|U|A|P|R|S|F|                               |
 *  | Offset| Rsrvd |W|C|R|C|S|S|Y|I|            Window             |
 *  |           Checksum            |         Urgent Pointer        |
 *  |                    Options (data offset > 5)                  |
 */
import { EMPTY, rd16, rd32, wr16, wr32 } from './bytes.js';
import {
  csumAdd,
  csumFold,
  csumPartialReplace32,
  csumPartialReplaceSums,
  csumReplace16,
  csumReplace32,
  csumReplaceSums,
} from './checksum.js';
import { WireError } from './wire-error.js';

export const TCP_MIN_HDR = 20;
export const TcpFlag = { Fin: 1, Syn: 2, Rst: 4, Psh: 8, Ack: 16, Urg: 32, Ece: 64, Cwr: 128 } as const;
export const TcpOpt = { End: 0, Nop: 1, Mss: 2, Wscale: 3, SackPerm: 4, Sack: 5, Timestamp: 8 } as const;
/** At most 4 SACK blocks fit in 40 bytes of options. */
export const TCP_MAX_SACK_BLOCKS = 4;

const OFF_SPORT = 0;
const OFF_DPORT = 2;
const OFF_SEQ = 4;
const OFF_ACK = 8;
const OFF_DOFF = 12;
const OFF_FLAGS = 13;
const OFF_WIN = 14;
const OFF_CSUM = 16;
const OFF_URG = 18;

export class TcpView {
  bytes: Uint8Array;
  off: number;
  end: number;
  private oMss: number;
  private oWscale: number;
  private oSackPerm: boolean;
  private oTs: boolean;
  private oTsVal: number;
  private oTsEcr: number;
  private oSackN: number;
  private oSackOff: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
    this.oMss = -1;
    this.oWscale = -1;
    this.oSackPerm = false;
    this.oTs = false;
    this.oTsVal = 0;
    this.oTsEcr = 0;
    this.oSackN = 0;
    this.oSackOff = 0;
  }

  /** HOT PATH: point the view at the segment b[off, end). */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < TCP_MIN_HDR) return WireError.Truncated;
    const hl = (b[off + OFF_DOFF]! >>> 4) << 2;
    if (hl < TCP_MIN_HDR || hl > end - off) return WireError.BadHeaderLen;
    this.bytes = b;
    this.off = off;
    this.end = end;
    return WireError.None;
  }

  srcPort(): number {
    return rd16(this.bytes, this.off + OFF_SPORT);
  }
  dstPort(): number {
    return rd16(this.bytes, this.off + OFF_DPORT);
  }
  seq(): number {
    return rd32(this.bytes, this.off + OFF_SEQ);
  }
  ack(): number {
    return rd32(this.bytes, this.off + OFF_ACK);
  }
  headerLen(): number {
    return (this.bytes[this.off + OFF_DOFF]! >>> 4) << 2;
  }
  /** The eight flag bits CWR..FIN (TcpFlag). */
  flags(): number {
    return this.bytes[this.off + OFF_FLAGS]!;
  }
  fin(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Fin) !== 0;
  }
  syn(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Syn) !== 0;
  }
  rst(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Rst) !== 0;
  }
  psh(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Psh) !== 0;
  }
  isAck(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Ack) !== 0;
  }
  urg(): boolean {
    return (this.bytes[this.off + OFF_FLAGS]! & TcpFlag.Urg) !== 0;
  }
  window(): number {
    return rd16(this.bytes, this.off + OFF_WIN);
  }
  csum(): number {
    return rd16(this.bytes, this.off + OFF_CSUM);
  }
  urgent(): number {
    return rd16(this.bytes, this.off + OFF_URG);
  }
  segLen(): number {
    return this.end - this.off;
  }
  payloadOff(): number {
    return this.off + this.headerLen();
  }
  payloadLen(): number {
    return this.end - this.off - this.headerLen();
  }

  /**
   * Walk the options once and cache the known ones. BadOption on a length that runs past the
   * header, a length < 2, or a known option with the wrong length. Unknown options are skipped.
   */
  parseOptions(): WireError {
    const b = this.bytes;
    const oend = this.off + this.headerLen();
    let p = this.off + TCP_MIN_HDR;
    this.oMss = -1;
    this.oWscale = -1;
    this.oSackPerm = false;
    this.oTs = false;
    this.oTsVal = 0;
    this.oTsEcr = 0;
    this.oSackN = 0;
    this.oSackOff = 0;
    while (p < oend) {
      const kind = b[p]!;
      if (kind === TcpOpt.End) break;
      if (kind === TcpOpt.Nop) {
        p++;
        continue;
      }
      if (p + 1 >= oend) return WireError.BadOption;
      const len = b[p + 1]!;
      if (len < 2 || p + len > oend) return WireError.BadOption;
      if (kind === TcpOpt.Mss) {
        if (len !== 4) return WireError.BadOption;
        this.oMss = rd16(b, p + 2);
      } else if (kind === TcpOpt.Wscale) {
        if (len !== 3) return WireError.BadOption;
        this.oWscale = b[p + 2]!;
      } else if (kind === TcpOpt.SackPerm) {
        if (len !== 2) return WireError.BadOption;
        this.oSackPerm = true;
      } else if (kind === TcpOpt.Timestamp) {
        if (len !== 10) return WireError.BadOption;
        this.oTs = true;
        this.oTsVal = rd32(b, p + 2);
        this.oTsEcr = rd32(b, p + 6);
      } else if (kind === TcpOpt.Sack) {
        if ((len - 2) % 8 !== 0 || len === 2) return WireError.BadOption;
        this.oSackN = (len - 2) >>> 3;
        this.oSackOff = p + 2;
      }
      p += len;
    }
    return WireError.None;
  }
  /** MSS option value, or -1 when absent (after parseOptions()). */
  mss(): number {
    return this.oMss;
  }
  /** Window-scale shift count, or -1 when absent. */
  wscale(): number {
    return this.oWscale;
  }
  sackPerm(): boolean {
    return this.oSackPerm;
  }
  hasTs(): boolean {
    return this.oTs;
  }
  tsVal(): number {
    return this.oTsVal;
  }
  tsEcr(): number {
    return this.oTsEcr;
  }
  sackCount(): number {
    return this.oSackN;
  }
  sackLeft(i: number): number {
    return rd32(this.bytes, this.oSackOff + (i << 3));
  }
  sackRight(i: number): number {
    return rd32(this.bytes, this.oSackOff + (i << 3) + 4);
  }

  /**
   * Option cursor: for (let p = t.firstOpt(); p >= 0; p = t.nextOpt(p)) t.optKind(p) ...
   * Safe without parseOptions(): it stops at EOL, at the header end or at a bad length.
   */
  firstOpt(): number {
    const p = this.off + TCP_MIN_HDR;
    return this.optAt(p);
  }
  nextOpt(p: number): number {
    return this.optAt(p + this.optLen(p));
  }
  optKind(p: number): number {
    return this.bytes[p]!;
  }
  /** Total option length (1 for NOP). */
  optLen(p: number): number {
    return this.bytes[p] === TcpOpt.Nop ? 1 : this.bytes[p + 1]!;
  }
  private optAt(p: number): number {
    const oend = this.off + this.headerLen();
    if (p >= oend) return -1;
    const kind = this.bytes[p]!;
    if (kind === TcpOpt.End) return -1;
    if (kind === TcpOpt.Nop) return p;
    if (p + 1 >= oend) return -1;
    const len = this.bytes[p + 1]!;
    return len < 2 || p + len > oend ? -1 : p;
  }

  // Raw setters: never touch the checksum.
  setSrcPort(v: number): void {
    wr16(this.bytes, this.off + OFF_SPORT, v);
  }
  setDstPort(v: number): void {
    wr16(this.bytes, this.off + OFF_DPORT, v);
  }
  setSeq(v: number): void {
    wr32(this.bytes, this.off + OFF_SEQ, v);
  }
  setAck(v: number): void {
    wr32(this.bytes, this.off + OFF_ACK, v);
  }
  /** Writes the data offset (len/4) and clears the reserved bits. Invalidates the wrap() check. */
  setHeaderLen(len: number): void {
    this.bytes[this.off + OFF_DOFF] = (len >>> 2) << 4;
  }
  setFlags(v: number): void {
    this.bytes[this.off + OFF_FLAGS] = v;
  }
  setWindow(v: number): void {
    wr16(this.bytes, this.off + OFF_WIN, v);
  }
  setCsum(v: number): void {
    wr16(this.bytes, this.off + OFF_CSUM, v);
  }
  setUrgent(v: number): void {
    wr16(this.bytes, this.off + OFF_URG, v);
  }

  // Rewrites: write and patch the checksum incrementally (RFC 1624 eqn. 3).
  rewriteSrcPort(v: number): void {
    this.patch16(OFF_SPORT, v);
  }
  rewriteDstPort(v: number): void {
    this.patch16(OFF_DPORT, v);
  }
  rewriteSeq(v: number): void {
    this.patch32(OFF_SEQ, v);
  }
  rewriteAck(v: number): void {
    this.patch32(OFF_ACK, v);
  }
  /** Carry an IPv4 address change (old -> new, either address) into the checksum's pseudo-header. */
  pseudoReplace32(oldAddr: number, newAddr: number): void {
    const o = this.off + OFF_CSUM;
    wr16(this.bytes, o, csumReplace32(rd16(this.bytes, o), oldAddr >>> 0, newAddr >>> 0));
  }
  /** IPv6 variant: oldSum/newSum are unfolded sums of the address words (Ipv6View.dstSum(), addrSum6()). */
  pseudoReplaceSums(oldSum: number, newSum: number): void {
    const o = this.off + OFF_CSUM;
    wr16(this.bytes, o, csumReplaceSums(rd16(this.bytes, o), oldSum, newSum));
  }

  /**
   * CHECKSUM_PARTIAL frames: the field holds the folded pseudo-header sum (not complemented).
   * Carry an IPv4 address change into it; ports are then written raw (setXPort), the device's
   * final checksum covers them.
   */
  partialReplace32(oldAddr: number, newAddr: number): void {
    const o = this.off + OFF_CSUM;
    wr16(this.bytes, o, csumPartialReplace32(rd16(this.bytes, o), oldAddr >>> 0, newAddr >>> 0));
  }
  /** IPv6 variant of partialReplace32 with unfolded address-word sums. */
  partialReplaceSums(oldSum: number, newSum: number): void {
    const o = this.off + OFF_CSUM;
    wr16(this.bytes, o, csumPartialReplaceSums(rd16(this.bytes, o), oldSum, newSum));
  }

  /** Recompute the checksum; psum is the IP view's pseudoSum(). */
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

  private patch16(fo: number, v: number): void {
    const b = this.bytes;
    const o = this.off;
    const old = rd16(b, o + fo);
    wr16(b, o + fo, v);
    wr16(b, o + OFF_CSUM, csumReplace16(rd16(b, o + OFF_CSUM), old, v & 0xffff));
  }
  private patch32(fo: number, v: number): void {
    const b = this.bytes;
    const o = this.off;
    const old = rd32(b, o + fo);
    wr32(b, o + fo, v);
    wr16(b, o + OFF_CSUM, csumReplace32(rd16(b, o + OFF_CSUM), old, v >>> 0));
  }
}
