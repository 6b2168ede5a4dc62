/**
 * UDP header (RFC 768; over IPv6, RFC 8200 §8.1).
 *
 * Owns: UdpView (zero-allocation view) and UdpRepr with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters/rewrites.
 *
 * wrap(b, off, end): `end` is the IP view's l4End(). It checks 8 bytes and 8 <= length <= end-off;
 * the datagram is b[off, off+len()) (bytes after it, if any, are ignored).
 *
 * The zero checksum. RFC 768: "If the computed checksum is zero, it is transmitted as all ones
 * ... An all zero transmitted checksum value means that the transmitter generated no checksum".
 * So: fillCsum() writes 0xffff for a computed 0; every rewrite leaves a 0 checksum at 0 (over IPv4
 * it means "none"; over IPv6 it is invalid, RFC 8200 §8.1, and stays so); an incremental result of 0
 * is written 0xffff. csumOk() accepts 0 (IPv4 semantics); csumOk6() does not.
 *
 * Checksums take the IP view's pseudoSum() (addresses + protocol); the view adds its own length
 * field. Address changes: pseudoReplace32(old, new) / pseudoReplaceSums(oldSum, newSum), as TcpView.
 *
 *  |          Source Port          |       Destination Port        |
 *  |            Length             |           Checksum            |
 */
import { EMPTY, rd16, wr16 } from './bytes.js';
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

export const UDP_HDR_LEN = 8;
const OFF_SPORT = 0;
const OFF_DPORT = 2;
const OFF_LEN = 4;
const OFF_CSUM = 6;

export class UdpView {
  bytes: Uint8Array;
  off: number;
  end: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
  }

  /** HOT PATH: point the view at b[off, end) (end = IP l4End()). */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < UDP_HDR_LEN) return WireError.Truncated;
    const len = rd16(b, off + OFF_LEN);
    if (len < UDP_HDR_LEN || len > end - off) return WireError.BadTotalLen;
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
  /** The length field: header + payload. */
  len(): number {
    return rd16(this.bytes, this.off + OFF_LEN);
  }
  csum(): number {
    return rd16(this.bytes, this.off + OFF_CSUM);
  }
  payloadOff(): number {
    return this.off + UDP_HDR_LEN;
  }
  payloadLen(): number {
    return this.len() - UDP_HDR_LEN;
  }

  setSrcPort(v: number): void {
    wr16(this.bytes, this.off + OFF_SPORT, v);
  }
  setDstPort(v: number): void {
    wr16(this.bytes, this.off + OFF_DPORT, v);
  }
  /** Invalidates the wrap() check. */
  setLen(v: number): void {
    wr16(this.bytes, this.off + OFF_LEN, v);
  }
  setCsum(v: number): void {
    wr16(this.bytes, this.off + OFF_CSUM, v);
  }

  rewriteSrcPort(v: number): void {
    this.patch16(OFF_SPORT, v);
  }
  rewriteDstPort(v: number): void {
    this.patch16(OFF_DPORT, v);
  }
  /** Carry an IPv4 address change into the pseudo-header; a 0 checksum stays 0. */
  pseudoReplace32(oldAddr: number, newAddr: number): void {
    const o = this.off + OFF_CSUM;
    const c = rd16(this.bytes, o);
    if (c === 0) return;
    wr16(this.bytes, o, csumReplace32(c, oldAddr >>> 0, newAddr >>> 0) || 0xffff);
  }
  /** IPv6 variant with unfolded address-word sums; a 0 checksum stays 0. */
  pseudoReplaceSums(oldSum: number, newSum: number): void {
    const o = this.off + OFF_CSUM;
    const c = rd16(this.bytes, o);
    if (c === 0) return;
    wr16(this.bytes, o, csumReplaceSums(c, oldSum, newSum) || 0xffff);
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

  /** Recompute over the datagram (len() bytes); psum is the IP view's pseudoSum(). 0 is sent 0xffff. */
  fillCsum(psum: number): void {
    const o = this.off;
    const len = this.len();
    wr16(this.bytes, o + OFF_CSUM, 0);
    wr16(this.bytes, o + OFF_CSUM, ~csumFold(csumAdd(this.bytes, o, len, psum + len)) & 0xffff || 0xffff);
  }
  /** Verifies the checksum; a 0 checksum ("none", IPv4) is accepted. */
  csumOk(psum: number): boolean {
    return this.csum() === 0 || this.sumOk(psum);
  }
  /** IPv6 rule: the checksum is mandatory, 0 is invalid. */
  csumOk6(psum: number): boolean {
    return this.csum() !== 0 && this.sumOk(psum);
  }

  private sumOk(psum: number): boolean {
    const len = this.len();
    return csumFold(csumAdd(this.bytes, this.off, len, psum + len)) === 0xffff;
  }
  private patch16(fo: number, v: number): void {
    const b = this.bytes;
    const o = this.off;
    const old = rd16(b, o + fo);
    wr16(b, o + fo, v);
    const c = rd16(b, o + OFF_CSUM);
    if (c !== 0) wr16(b, o + OFF_CSUM, csumReplace16(c, old, v & 0xffff) || 0xffff);
  }
}

export interface UdpRepr {
  srcPort: number;
  dstPort: number;
}

export function parseUdp(v: UdpView): UdpRepr {
  return { srcPort: v.srcPort(), dstPort: v.dstPort() };
}

/** Writes the 8-byte header with length 8 + payloadLen and checksum 0; then TcpView-like fillCsum(). */
export function emitUdp(r: UdpRepr, payloadLen: number, b: Uint8Array, off: number): number {
  wr16(b, off + OFF_SPORT, r.srcPort);
  wr16(b, off + OFF_DPORT, r.dstPort);
  wr16(b, off + OFF_LEN, UDP_HDR_LEN + payloadLen);
  wr16(b, off + OFF_CSUM, 0);
  return UDP_HDR_LEN;
}
