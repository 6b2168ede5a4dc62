/**
 * ICMPv4 (RFC 792; fragmentation-needed MTU, RFC 1191).
 *
 * Owns: Icmpv4View (zero-allocation view) and Icmpv4Repr with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters.
 *
 * wrap(b, off, end): `end` is the IP view's l4End(); the message is b[off, end) and its 8-byte
 * header must be present. The checksum covers the whole message, with no pseudo-header.
 * Errors (isError(): destination unreachable, source quench, redirect, time exceeded, parameter
 * problem) quote the invoking packet at quoteOff(): wrap it with Ipv4View.wrapQuoted(b,
 * quoteOff(), end). Only the first 8 bytes of the quoted L4 header are guaranteed (RFC 792).
 *
 *  |     Type      |     Code      |          Checksum             |
 *  |  rest of header: echo id + seq | unused + next-hop MTU | ...   |
 *  |  data: echo payload, or the quoted IP header + 8 bytes ...     |
 */
import { EMPTY, rd16, rd32, wr16, wr32 } from './bytes.js';
import { csumAdd, csumFold } from './checksum.js';
import { WireError } from './wire-error.js';

export const ICMP_HDR_LEN = 8;
export const Icmpv4Type = {
  EchoReply: 0,
  DestUnreach: 3,
  SourceQuench: 4,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
  ParamProblem: 12,
} as const;
/** Destination-unreachable codes used by uvs. */
export const Icmpv4Code = {
  NetUnreach: 0,
  HostUnreach: 1,
  ProtoUnreach: 2,
  PortUnreach: 3,
  FragNeeded: 4,
} as const;

const OFF_TYPE = 0;
const OFF_CODE = 1;
const OFF_CSUM = 2;
const OFF_REST = 4;

export class Icmpv4View {
  bytes: Uint8Array;
  off: number;
  end: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
  }

  /** HOT PATH: the message is b[off, end). */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < ICMP_HDR_LEN) return WireError.Truncated;
    this.bytes = b;
    this.off = off;
    this.end = end;
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
  /** The 32-bit rest-of-header word. */
  rest(): number {
    return rd32(this.bytes, this.off + OFF_REST);
  }
  echoId(): number {
    return rd16(this.bytes, this.off + OFF_REST);
  }
  echoSeq(): number {
    return rd16(this.bytes, this.off + OFF_REST + 2);
  }
  /** Next-hop MTU of a fragmentation-needed message (type 3 code 4, RFC 1191). */
  nextHopMtu(): number {
    return rd16(this.bytes, this.off + OFF_REST + 2);
  }
  /** Parameter-problem pointer. */
  pointer(): number {
    return this.bytes[this.off + OFF_REST]!;
  }
  isEcho(): boolean {
    const t = this.type();
    return t === Icmpv4Type.EchoRequest || t === Icmpv4Type.EchoReply;
  }
  isError(): boolean {
    const t = this.type();
    return (
      t === Icmpv4Type.DestUnreach ||
      t === Icmpv4Type.SourceQuench ||
      t === Icmpv4Type.Redirect ||
      t === Icmpv4Type.TimeExceeded ||
      t === Icmpv4Type.ParamProblem
    );
  }
  isFragNeeded(): boolean {
    return this.type() === Icmpv4Type.DestUnreach && this.code() === Icmpv4Code.FragNeeded;
  }
  /** Offset of the data: the quoted packet of an error, the payload of an echo. */
  quoteOff(): number {
    return this.off + ICMP_HDR_LEN;
  }
  dataLen(): number {
    return this.end - this.off - ICMP_HDR_LEN;
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
  setEchoId(v: number): void {
    wr16(this.bytes, this.off + OFF_REST, v);
  }
  setEchoSeq(v: number): void {
    wr16(this.bytes, this.off + OFF_REST + 2, v);
  }
  setNextHopMtu(v: number): void {
    wr16(this.bytes, this.off + OFF_REST + 2, v);
  }

  /** Recompute the checksum over b[off, end). */
  fillCsum(): void {
    const o = this.off;
    wr16(this.bytes, o + OFF_CSUM, 0);
    wr16(this.bytes, o + OFF_CSUM, ~csumFold(csumAdd(this.bytes, o, this.end - o, 0)) & 0xffff);
  }
  csumOk(): boolean {
    return csumFold(csumAdd(this.bytes, this.off, this.end - this.off, 0)) === 0xffff;
  }
}

/** Plain value of the 8-byte ICMPv4 header; the data (echo payload or quote) is the builder's. */
export interface Icmpv4Repr {
  type: number;
  code: number;
  rest: number;
}

export function parseIcmpv4(v: Icmpv4View): Icmpv4Repr {
  return { type: v.type(), code: v.code(), rest: v.rest() };
}

/** rest word of an echo request/reply. */
export function icmpEchoRest(id: number, seq: number): number {
  return (((id & 0xffff) << 16) | (seq & 0xffff)) >>> 0;
}

/** Writes the 8-byte header with checksum 0; the caller writes the data, then fillCsum(). */
export function emitIcmpv4(r: Icmpv4Repr, b: Uint8Array, off: number): number {
  b[off + OFF_TYPE] = r.type;
  b[off + OFF_CODE] = r.code;
  wr16(b, off + OFF_CSUM, 0);
  wr32(b, off + OFF_REST, r.rest);
  return ICMP_HDR_LEN;
}
