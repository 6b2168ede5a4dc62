/**
 * PcapngWriter: streams pcapng: one Section Header Block, one Interface Description Block per
 * interface (if_tsresol = 9 when writing nanoseconds), then Enhanced Packet Blocks.
 *
 * Owns: pcapng block encoding for output; writePcapngFile / encodePcapng.
 * Must not: read captures. Invariants: every block is padded to 4 bytes and carries equal leading
 * and trailing lengths; capLen <= the interface's snaplen <= MAX_CAPLEN; timestamps are exact
 * 64-bit tick counts (pcap-timestamp.ts). Little-endian unless bigEndian is set.
 * Follows draft-ietf-opsawg-pcapng §4.1 (SHB), §4.2 (IDB), §4.3 (EPB).
 */
import { CaptureOutput } from './pcap-output.js';
import {
  LINKTYPE_ETHERNET,
  OPT_ENDOFOPT,
  OPT_IF_TSRESOL,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_SHB,
  PCAPNG_VERSION_MAJOR,
  PCAPNG_VERSION_MINOR,
} from './pcap-format.js';
import type { WritableFrame } from './pcap-format.js';
import { joinOut, joinTicks } from './pcap-timestamp.js';
import { checkSnaplen, checkTimestamp } from './pcap-writer.js';

const OPT_IF_NAME = 2;
const SHB_LEN = 28;
const EPB_OVERHEAD = 32;
const textEncoder = new TextEncoder();

export interface PcapngInterfaceOptions {
  /** LINKTYPE_*; default 1 (Ethernet). */
  readonly linktype?: number;
  /** Default 262144. Frames longer than it are cut to it. */
  readonly snaplen?: number;
  /** Written as if_name when given. */
  readonly name?: string;
}

export interface PcapngWriterOptions {
  /** Nanosecond timestamps (if_tsresol = 9 on every interface); default false = µs (no option). */
  readonly nanos?: boolean;
  /** Interfaces to describe up front; default one Ethernet interface. More via addInterface(). */
  readonly interfaces?: readonly PcapngInterfaceOptions[];
  /** Write a big-endian section (default little-endian). */
  readonly bigEndian?: boolean;
}

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class PcapngWriter {
  readonly nanos: boolean;
  private readonly le: boolean;
  private readonly out: CaptureOutput;
  private readonly snaplens: number[] = [];
  /** Frames written so far. */
  frameCount = 0;

  constructor(out: CaptureOutput, opts: PcapngWriterOptions = {}) {
    this.out = out;
    this.nanos = opts.nanos ?? false;
    this.le = !(opts.bigEndian ?? false);
    out.reserve(SHB_LEN);
    const v = out.view;
    const p = out.pos;
    v.setUint32(p, PCAPNG_SHB, this.le);
    v.setUint32(p + 4, SHB_LEN, this.le);
    v.setUint32(p + 8, PCAPNG_BYTE_ORDER_MAGIC, this.le);
    v.setUint16(p + 12, PCAPNG_VERSION_MAJOR, this.le);
    v.setUint16(p + 14, PCAPNG_VERSION_MINOR, this.le);
    v.setInt32(p + 16, -1, this.le); // section length unknown (-1 as 64 bits)
    v.setInt32(p + 20, -1, this.le);
    v.setUint32(p + 24, SHB_LEN, this.le);
    out.pos = p + SHB_LEN;
    for (const i of opts.interfaces ?? [{}]) this.addInterface(i);
  }

  static open(path: string, opts: PcapngWriterOptions = {}): PcapngWriter {
    return new PcapngWriter(CaptureOutput.toFile(path), opts);
  }

  static toMemory(opts: PcapngWriterOptions = {}): PcapngWriter {
    return new PcapngWriter(CaptureOutput.toMemory(), opts);
  }

  /** Number of interfaces described so far. */
  get interfaceCount(): number {
    return this.snaplens.length;
  }

  /** Write an Interface Description Block now; returns its interface id. */
  addInterface(opts: PcapngInterfaceOptions = {}): number {
    const linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    if (!Number.isInteger(linktype) || linktype < 0 || linktype > 0xffff) {
      throw new RangeError('PcapngWriter: linktype must be an integer in [0, 65535]');
    }
    const snaplen = checkSnaplen(opts.snaplen);
    const name = opts.name === undefined ? null : textEncoder.encode(opts.name);
    if (name !== null && name.length > 0xffff) throw new RangeError('PcapngWriter: interface name too long');
    let optLen = 0;
    if (name !== null) optLen += 4 + pad4(name.length);
    if (this.nanos) optLen += 8;
    if (optLen > 0) optLen += 4; // opt_endofopt
    const len = 20 + optLen;
    const out = this.out;
    out.reserve(len);
    out.buf.fill(0, out.pos, out.pos + len);
    const v = out.view;
    const p = out.pos;
    v.setUint32(p, PCAPNG_IDB, this.le);
    v.setUint32(p + 4, len, this.le);
    v.setUint16(p + 8, linktype, this.le);
    v.setUint32(p + 12, snaplen, this.le);
    let o = p + 16;
    if (name !== null) {
      v.setUint16(o, OPT_IF_NAME, this.le);
      v.setUint16(o + 2, name.length, this.le);
      out.buf.set(name, o + 4);
      o += 4 + pad4(name.length);
    }
    if (this.nanos) {
      v.setUint16(o, OPT_IF_TSRESOL, this.le);
      v.setUint16(o + 2, 1, this.le);
      v.setUint8(o + 4, 9);
      o += 8;
    }
    if (optLen > 0) {
      v.setUint16(o, OPT_ENDOFOPT, this.le);
      o += 4;
    }
    v.setUint32(o, len, this.le);
    out.pos = p + len;
    this.snaplens.push(snaplen);
    return this.snaplens.length - 1;
  }

  /** Append one frame as an Enhanced Packet Block on frame.ifIndex (default 0). */
  write(frame: WritableFrame): void {
    this.writeRaw(
      frame.ifIndex ?? 0,
      frame.tsSec,
      frame.tsNsec,
      frame.data,
      0,
      frame.data.length,
      frame.origLen,
    );
  }

  /** Append one frame held in bytes[offset, offset + length) (no allocation). */
  writeRaw(
    ifIndex: number,
    tsSec: number,
    tsNsec: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    origLen?: number,
  ): void {
    const snaplen = this.snaplens[ifIndex];
    if (snaplen === undefined) {
      throw new RangeError('PcapngWriter: no interface ' + String(ifIndex) + ' (call addInterface first)');
    }
    checkTimestamp(tsSec, tsNsec);
    const orig = origLen ?? length;
    if (!Number.isInteger(orig) || orig < length || orig > 0xffffffff) {
      throw new RangeError('PcapngWriter: origLen must be an integer >= the data length');
    }
    const capLen = length < snaplen ? length : snaplen;
    const padded = pad4(capLen);
    const len = EPB_OVERHEAD + padded;
    joinTicks(tsSec, tsNsec, this.nanos ? 9 : 6);
    const out = this.out;
    out.reserve(len);
    const v = out.view;
    const p = out.pos;
    v.setUint32(p, PCAPNG_EPB, this.le);
    v.setUint32(p + 4, len, this.le);
    v.setUint32(p + 8, ifIndex, this.le);
    v.setUint32(p + 12, joinOut.hi, this.le);
    v.setUint32(p + 16, joinOut.lo, this.le);
    v.setUint32(p + 20, capLen, this.le);
    v.setUint32(p + 24, orig, this.le);
    out.buf.set(bytes.subarray(offset, offset + capLen), p + 28);
    out.buf.fill(0, p + 28 + capLen, p + 28 + padded);
    v.setUint32(p + 28 + padded, len, this.le);
    out.pos = p + len;
    this.frameCount++;
  }

  get offset(): number {
    return this.out.offset;
  }

  flush(): void {
    this.out.flush();
  }

  bytes(): Uint8Array {
    return this.out.bytes();
  }

  close(): void {
    this.out.close();
  }
}

/** Write frames to a pcapng file at path. */
export function writePcapngFile(
  path: string,
  frames: Iterable<WritableFrame>,
  opts: PcapngWriterOptions = {},
): void {
  const w = PcapngWriter.open(path, opts);
  try {
    for (const f of frames) w.write(f);
  } finally {
    w.close();
  }
}

/** Encode frames as a pcapng file in memory. */
export function encodePcapng(frames: Iterable<WritableFrame>, opts: PcapngWriterOptions = {}): Uint8Array {
  const w = PcapngWriter.toMemory(opts);
  for (const f of frames) w.write(f);
  return w.bytes();
}
