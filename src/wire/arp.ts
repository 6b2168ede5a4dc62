/**
 * ARP for Ethernet/IPv4 (RFC 826), the only pair the director answers (VIP ARP, gratuitous ARP).
 *
 * Owns: ArpView and ArpRepr with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters.
 * Invariants: after wrap() returns None the packet is htype 1 / ptype 0x0800 / hlen 6 / plen 4,
 * and all 28 bytes are in range. MACs are 48-bit numbers, IPv4 addresses uint32 numbers.
 *
 *  | htype (2) | ptype (2) | hlen | plen | oper (2) | sha (6) | spa (4) | tha (6) | tpa (4) |
 */
import { EMPTY, rd16, rd32, rd48, wr16, wr32, wr48 } from './bytes.js';
import { EtherType } from './ip-proto.js';
import { WireError } from './wire-error.js';

export const ARP_LEN = 28;
export const ArpOp = { Request: 1, Reply: 2 } as const;
export type ArpOp = (typeof ArpOp)[keyof typeof ArpOp];

const OFF_HTYPE = 0;
const OFF_PTYPE = 2;
const OFF_HLEN = 4;
const OFF_PLEN = 5;
const OFF_OP = 6;
const OFF_SHA = 8;
const OFF_SPA = 14;
const OFF_THA = 18;
const OFF_TPA = 24;

export class ArpView {
  bytes: Uint8Array;
  off: number;
  end: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
  }

  /** HOT PATH: validates length and the Ethernet/IPv4 hardware/protocol pair. */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < ARP_LEN) return WireError.Truncated;
    if (
      rd16(b, off + OFF_HTYPE) !== 1 ||
      rd16(b, off + OFF_PTYPE) !== EtherType.Ipv4 ||
      b[off + OFF_HLEN] !== 6 ||
      b[off + OFF_PLEN] !== 4
    )
      return WireError.Unsupported;
    this.bytes = b;
    this.off = off;
    this.end = end;
    return WireError.None;
  }

  op(): number {
    return rd16(this.bytes, this.off + OFF_OP);
  }
  sha(): number {
    return rd48(this.bytes, this.off + OFF_SHA);
  }
  spa(): number {
    return rd32(this.bytes, this.off + OFF_SPA);
  }
  tha(): number {
    return rd48(this.bytes, this.off + OFF_THA);
  }
  tpa(): number {
    return rd32(this.bytes, this.off + OFF_TPA);
  }

  setOp(v: number): void {
    wr16(this.bytes, this.off + OFF_OP, v);
  }
  setSha(mac: number): void {
    wr48(this.bytes, this.off + OFF_SHA, mac);
  }
  setSpa(a: number): void {
    wr32(this.bytes, this.off + OFF_SPA, a);
  }
  setTha(mac: number): void {
    wr48(this.bytes, this.off + OFF_THA, mac);
  }
  setTpa(a: number): void {
    wr32(this.bytes, this.off + OFF_TPA, a);
  }
}

export interface ArpRepr {
  op: number;
  sha: number;
  spa: number;
  tha: number;
  tpa: number;
}

export function parseArp(v: ArpView): ArpRepr {
  return { op: v.op(), sha: v.sha(), spa: v.spa(), tha: v.tha(), tpa: v.tpa() };
}

/** Writes the 28-byte Ethernet/IPv4 ARP packet at b[off..]; returns 28. */
export function emitArp(r: ArpRepr, b: Uint8Array, off: number): number {
  wr16(b, off + OFF_HTYPE, 1);
  wr16(b, off + OFF_PTYPE, EtherType.Ipv4);
  b[off + OFF_HLEN] = 6;
  b[off + OFF_PLEN] = 4;
  wr16(b, off + OFF_OP, r.op);
  wr48(b, off + OFF_SHA, r.sha);
  wr32(b, off + OFF_SPA, r.spa);
  wr48(b, off + OFF_THA, r.tha);
  wr32(b, off + OFF_TPA, r.tpa);
  return ARP_LEN;
}
