/**
 * Ethernet II frame header, with at most one IEEE 802.1Q tag.
 *
 * Owns: EthernetView (zero-allocation view) and EthernetRepr (plain value) with parse/emit.
 * Must not: allocate or throw in wrap/accessors/setters.
 * Invariants: after wrap() returns WireError.None, l3Off() <= end and every accessor is in bounds.
 * MAC addresses are 48-bit integer numbers (exact in a double), e.g. 02:00:00:00:00:fe = 0x0200000000fe.
 *
 *  0                   1                   2                   3
 *  |          destination MAC (6)          |            source MAC (6)             |
 *  | 0x8100 (optional) | PCP|DEI|  VID (12) |  EtherType (after the tag) |  L3 ...
 */
import { EMPTY, rd16, rd48, wr16, wr48 } from './bytes.js';
import { EtherType } from './ip-proto.js';
import { WireError } from './wire-error.js';

export const ETH_HDR_LEN = 14;
export const VLAN_TAG_LEN = 4;
const OFF_DST = 0;
const OFF_SRC = 6;
const OFF_TYPE = 12;
const OFF_TCI = 14;

export class EthernetView {
  bytes: Uint8Array;
  off: number;
  end: number;
  /** Offset of the (inner) EtherType field: off+12 untagged, off+16 tagged. */
  private typeOff: number;

  constructor() {
    this.bytes = EMPTY;
    this.off = 0;
    this.end = 0;
    this.typeOff = 0;
  }

  /** HOT PATH: point the view at b[off, end). One 802.1Q tag is looked through. */
  wrap(b: Uint8Array, off: number, end: number): WireError {
    if (end - off < ETH_HDR_LEN) return WireError.Truncated;
    let typeOff = off + OFF_TYPE;
    if (rd16(b, typeOff) === EtherType.Vlan) {
      if (end - off < ETH_HDR_LEN + VLAN_TAG_LEN) return WireError.Truncated;
      typeOff += VLAN_TAG_LEN;
    }
    this.bytes = b;
    this.off = off;
    this.end = end;
    this.typeOff = typeOff;
    return WireError.None;
  }

  dst(): number {
    return rd48(this.bytes, this.off + OFF_DST);
  }
  src(): number {
    return rd48(this.bytes, this.off + OFF_SRC);
  }
  /** True when an 802.1Q tag follows the source MAC. */
  tagged(): boolean {
    return this.typeOff !== this.off + OFF_TYPE;
  }
  /** The tag control information (PCP, DEI, VID); 0 when untagged. */
  tci(): number {
    return this.tagged() ? rd16(this.bytes, this.off + OFF_TCI) : 0;
  }
  vlanId(): number {
    return this.tci() & 0x0fff;
  }
  /** The EtherType of the payload: after the tag when tagged. */
  ethertype(): number {
    return rd16(this.bytes, this.typeOff);
  }
  headerLen(): number {
    return this.typeOff + 2 - this.off;
  }
  /** Offset of the L3 header in bytes. */
  l3Off(): number {
    return this.typeOff + 2;
  }

  setDst(mac: number): void {
    wr48(this.bytes, this.off + OFF_DST, mac);
  }
  setSrc(mac: number): void {
    wr48(this.bytes, this.off + OFF_SRC, mac);
  }
  /** Copy the destination MAC into b2[o2..o2+6) (e.g. to build a reply). */
  copyDst(b2: Uint8Array, o2: number): void {
    for (let i = 0; i < 6; i++) b2[o2 + i] = this.bytes[this.off + OFF_DST + i]!;
  }
  copySrc(b2: Uint8Array, o2: number): void {
    for (let i = 0; i < 6; i++) b2[o2 + i] = this.bytes[this.off + OFF_SRC + i]!;
  }
  /** Writes the payload EtherType (after the tag when tagged). */
  setEthertype(t: number): void {
    wr16(this.bytes, this.typeOff, t);
  }
  /** Writes the TCI of an existing tag; no effect when untagged. */
  setTci(tci: number): void {
    if (this.tagged()) wr16(this.bytes, this.off + OFF_TCI, tci);
  }
}

/** Plain value of an Ethernet header; vlan is the 16-bit TCI or null when untagged. */
export interface EthernetRepr {
  dst: number;
  src: number;
  ethertype: number;
  vlan: number | null;
}

export function parseEthernet(v: EthernetView): EthernetRepr {
  return { dst: v.dst(), src: v.src(), ethertype: v.ethertype(), vlan: v.tagged() ? v.tci() : null };
}

export function ethernetReprLen(r: EthernetRepr): number {
  return r.vlan === null ? ETH_HDR_LEN : ETH_HDR_LEN + VLAN_TAG_LEN;
}

/** Writes the header at b[off..]; returns the header length (the L3 offset minus off). */
export function emitEthernet(r: EthernetRepr, b: Uint8Array, off: number): number {
  wr48(b, off + OFF_DST, r.dst);
  wr48(b, off + OFF_SRC, r.src);
  if (r.vlan === null) {
    wr16(b, off + OFF_TYPE, r.ethertype);
    return ETH_HDR_LEN;
  }
  wr16(b, off + OFF_TYPE, EtherType.Vlan);
  wr16(b, off + OFF_TCI, r.vlan);
  wr16(b, off + OFF_TCI + 2, r.ethertype);
  return ETH_HDR_LEN + VLAN_TAG_LEN;
}
