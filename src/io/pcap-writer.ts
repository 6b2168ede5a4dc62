/**
 * PcapWriter: streams classic pcap (libpcap format) with µs or ns timestamps.
 *
 * Owns: the 24-byte file header and 16-byte record headers; writePcapFile / encodePcap.
 * Must not: read captures or know pcapng. Invariants: every record satisfies
 * capLen <= snaplen <= MAX_CAPLEN and capLen <= origLen; timestamps are written exactly
 * (ns mode) or truncated to µs (default). Byte order is little-endian unless bigEndian is set.
 * Follows draft-ietf-opsawg-pcap §4-§5 and libpcap's sf-pcap.c.
 */
import { CaptureOutput } from './pcap-output.js';
import {
  DEFAULT_SNAPLEN,
  LINKTYPE_ETHERNET,
  MAX_CAPLEN,
  PCAP_FILE_HEADER_LEN,
  PCAP_MAGIC_NS,
  PCAP_MAGIC_US,
  PCAP_RECORD_HEADER_LEN,
  PCAP_VERSION_MAJOR,
  PCAP_VERSION_MINOR,
} from './pcap-format.js';
import type { WritableFrame } from './pcap-format.js';

export interface PcapWriterOptions {
  /** Nanosecond timestamps (magic 0xa1b23c4d); default false = microseconds. */
  readonly nanos?: boolean;
  /** LINKTYPE_* of every frame; default 1 (Ethernet). */
  readonly linktype?: number;
  /** Snapshot length in the header; default 262144. Frames longer than it are cut to it. */
  readonly snaplen?: number;
  /** Write big-endian headers (default little-endian). */
  readonly bigEndian?: boolean;
}

/** Throws RangeError unless tsSec/tsNsec are integers in [0, 2^32) and [0, 1e9). */
export function checkTimestamp(tsSec: number, tsNsec: number): void {
  if (!Number.isInteger(tsSec) || tsSec < 0 || tsSec > 0xffffffff) {
    throw new RangeError('capture writer: tsSec must be an integer in [0, 2^32), got ' + String(tsSec));
  }
  if (!Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec >= 1_000_000_000) {
    throw new RangeError('capture writer: tsNsec must be an integer in [0, 1e9), got ' + String(tsNsec));
  }
}

/** Validates a snaplen option and returns it (default DEFAULT_SNAPLEN). */
export function checkSnaplen(snaplen: number | undefined): number {
  const s = snaplen ?? DEFAULT_SNAPLEN;
  if (!Number.isInteger(s) || s < 1 || s > MAX_CAPLEN) {
    throw new RangeError('capture writer: snaplen must be an integer in [1, ' + String(MAX_CAPLEN) + ']');
  }
  return s;
}

export class PcapWriter {
  readonly nanos: boolean;
  readonly linktype: number;
  readonly snaplen: number;
  private readonly le: boolean;
  private readonly out: CaptureOutput;
  /** Frames written so far. */
  frameCount = 0;

  constructor(out: CaptureOutput, opts: PcapWriterOptions = {}) {
    this.out = out;
    this.nanos = opts.nanos ?? false;
    this.linktype = opts.linktype ?? LINKTYPE_ETHERNET;
    this.snaplen = checkSnaplen(opts.snaplen);
    this.le = !(opts.bigEndian ?? false);
    if (!Number.isInteger(this.linktype) || this.linktype < 0 || this.linktype > 0xffff) {
      throw new RangeError('PcapWriter: linktype must be an integer in [0, 65535]');
    }
    out.reserve(PCAP_FILE_HEADER_LEN);
    const v = out.view;
    const p = out.pos;
    v.setUint32(p, this.nanos ? PCAP_MAGIC_NS : PCAP_MAGIC_US, this.le);
    v.setUint16(p + 4, PCAP_VERSION_MAJOR, this.le);
    v.setUint16(p + 6, PCAP_VERSION_MINOR, this.le);
    v.setInt32(p + 8, 0, this.le); // thiszone
    v.setUint32(p + 12, 0, this.le); // sigfigs
    v.setUint32(p + 16, this.snaplen, this.le);
    v.setUint32(p + 20, this.linktype, this.le);
    out.pos = p + PCAP_FILE_HEADER_LEN;
  }

  /** Create (truncate) path and write the file header. */
  static open(path: string, opts: PcapWriterOptions = {}): PcapWriter {
    return new PcapWriter(CaptureOutput.toFile(path), opts);
  }

  /** Write into memory; get the file with bytes(). */
  static toMemory(opts: PcapWriterOptions = {}): PcapWriter {
    return new PcapWriter(CaptureOutput.toMemory(), opts);
  }

  /** Append one frame. */
  write(frame: WritableFrame): void {
    this.writeRaw(frame.tsSec, frame.tsNsec, frame.data, 0, frame.data.length, frame.origLen);
  }

  /**
   * Append one frame held in bytes[offset, offset + length) (no allocation: for taps on a ring).
   * origLen defaults to length; data beyond snaplen is cut and origLen keeps the full length.
   */
  writeRaw(
    tsSec: number,
    tsNsec: number,
    bytes: Uint8Array,
    offset: number,
    length: number,
    origLen?: number,
  ): void {
    checkTimestamp(tsSec, tsNsec);
    const orig = origLen ?? length;
    if (!Number.isInteger(orig) || orig < length || orig > 0xffffffff) {
      throw new RangeError('PcapWriter: origLen must be an integer >= the data length');
    }
    const capLen = length < this.snaplen ? length : this.snaplen;
    const out = this.out;
    out.reserve(PCAP_RECORD_HEADER_LEN);
    const v = out.view;
    const p = out.pos;
    v.setUint32(p, tsSec, this.le);
    v.setUint32(p + 4, this.nanos ? tsNsec : Math.floor(tsNsec / 1000), this.le);
    v.setUint32(p + 8, capLen, this.le);
    v.setUint32(p + 12, orig, this.le);
    out.pos = p + PCAP_RECORD_HEADER_LEN;
    out.writeBytes(bytes, offset, capLen);
    this.frameCount++;
  }

  /** Bytes produced so far. */
  get offset(): number {
    return this.out.offset;
  }

  flush(): void {
    this.out.flush();
  }

  /** The whole file (toMemory() writers only). */
  bytes(): Uint8Array {
    return this.out.bytes();
  }

  /** Flush and close the file. Idempotent. */
  close(): void {
    this.out.close();
  }
}

/** Write frames to a classic pcap file at path (µs unless opts.nanos). */
export function writePcapFile(
  path: string,
  frames: Iterable<WritableFrame>,
  opts: PcapWriterOptions = {},
): void {
  const w = PcapWriter.open(path, opts);
  try {
    for (const f of frames) w.write(f);
  } finally {
    w.close();
  }
}

/** Encode frames as a classic pcap file in memory. */
export function encodePcap(frames: Iterable<WritableFrame>, opts: PcapWriterOptions = {}): Uint8Array {
  const w = PcapWriter.toMemory(opts);
  for (const f of frames) w.write(f);
  return w.bytes();
}
