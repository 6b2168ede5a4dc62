/**
 * TcpRepr: the plain value of a TCP header with its options by meaning, and parse/emit.
 *
 * Owns: conversion between TcpView and TcpRepr, and the option layout emitTcp() writes (Linux's:
 * MSS, SACK-permitted + timestamps, NOP + window scale, SACK blocks).
 * Must not: be used on the packet path (parseTcp allocates); emitTcp leaves the checksum 0, since
 * the checksum covers the payload the caller writes afterwards (then TcpView.fillCsum()).
 */
import { wr16, wr32 } from './bytes.js';
import { TCP_MIN_HDR, TcpOpt } from './tcp.js';
import type { TcpView } from './tcp.js';
import { WireError } from './wire-error.js';

const OFF_SPORT = 0;
const OFF_DPORT = 2;
const OFF_SEQ = 4;
const OFF_ACK = 8;
const OFF_DOFF = 12;
const OFF_FLAGS = 13;
const OFF_WIN = 14;
const OFF_CSUM = 16;
const OFF_URG = 18;

export interface TcpSackBlock {
  left: number;
  right: number;
}

/** Plain value of a TCP header; options by meaning (null/false when absent). */
export interface TcpRepr {
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  window: number;
  urgent: number;
  mss: number | null;
  wscale: number | null;
  sackPerm: boolean;
  ts: { val: number; ecr: number } | null;
  sack: TcpSackBlock[];
}

/** Parse header and options; returns null when the options are malformed. */
export function parseTcp(v: TcpView): TcpRepr | null {
  if (v.parseOptions() !== WireError.None) return null;
  const sack: TcpSackBlock[] = [];
  for (let i = 0; i < v.sackCount(); i++) sack.push({ left: v.sackLeft(i), right: v.sackRight(i) });
  return {
    srcPort: v.srcPort(),
    dstPort: v.dstPort(),
    seq: v.seq(),
    ack: v.ack(),
    flags: v.flags(),
    window: v.window(),
    urgent: v.urgent(),
    mss: v.mss() >= 0 ? v.mss() : null,
    wscale: v.wscale() >= 0 ? v.wscale() : null,
    sackPerm: v.sackPerm(),
    ts: v.hasTs() ? { val: v.tsVal(), ecr: v.tsEcr() } : null,
    sack,
  };
}

/** Header length emitTcp() writes for r (options laid out as Linux does, NOP-padded to 4). */
export function tcpReprHeaderLen(r: TcpRepr): number {
  let n = 0;
  if (r.mss !== null) n += 4;
  if (r.sackPerm || r.ts !== null) n += r.ts !== null ? 12 : 4;
  if (r.wscale !== null) n += 4;
  if (r.sack.length > 0) n += 4 + 8 * r.sack.length;
  return TCP_MIN_HDR + n;
}

/**
 * Writes header and options at b[off..] with checksum 0; returns the header length. The checksum
 * covers the payload, so the caller writes the payload and then calls TcpView.fillCsum().
 * Option order follows Linux: MSS, SACK-permitted + timestamps, NOP + window scale, SACK.
 */
export function emitTcp(r: TcpRepr, b: Uint8Array, off: number): number {
  const hl = tcpReprHeaderLen(r);
  wr16(b, off + OFF_SPORT, r.srcPort);
  wr16(b, off + OFF_DPORT, r.dstPort);
  wr32(b, off + OFF_SEQ, r.seq);
  wr32(b, off + OFF_ACK, r.ack);
  b[off + OFF_DOFF] = (hl >>> 2) << 4;
  b[off + OFF_FLAGS] = r.flags;
  wr16(b, off + OFF_WIN, r.window);
  wr16(b, off + OFF_CSUM, 0);
  wr16(b, off + OFF_URG, r.urgent);
  let p = off + TCP_MIN_HDR;
  if (r.mss !== null) {
    b[p] = TcpOpt.Mss;
    b[p + 1] = 4;
    wr16(b, p + 2, r.mss);
    p += 4;
  }
  if (r.ts !== null) {
    if (r.sackPerm) {
      b[p] = TcpOpt.SackPerm;
      b[p + 1] = 2;
    } else {
      b[p] = TcpOpt.Nop;
      b[p + 1] = TcpOpt.Nop;
    }
    b[p + 2] = TcpOpt.Timestamp;
    b[p + 3] = 10;
    wr32(b, p + 4, r.ts.val);
    wr32(b, p + 8, r.ts.ecr);
    p += 12;
  } else if (r.sackPerm) {
    b[p] = TcpOpt.Nop;
    b[p + 1] = TcpOpt.Nop;
    b[p + 2] = TcpOpt.SackPerm;
    b[p + 3] = 2;
    p += 4;
  }
  if (r.wscale !== null) {
    b[p] = TcpOpt.Nop;
    b[p + 1] = TcpOpt.Wscale;
    b[p + 2] = 3;
    b[p + 3] = r.wscale;
    p += 4;
  }
  if (r.sack.length > 0) {
    b[p] = TcpOpt.Nop;
    b[p + 1] = TcpOpt.Nop;
    b[p + 2] = TcpOpt.Sack;
    b[p + 3] = 2 + 8 * r.sack.length;
    p += 4;
    for (const blk of r.sack) {
      wr32(b, p, blk.left);
      wr32(b, p + 4, blk.right);
      p += 8;
    }
  }
  return hl;
}
