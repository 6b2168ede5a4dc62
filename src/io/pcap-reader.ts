/**
 * CaptureReader: reads classic pcap or pcapng, chosen by the file's magic, one frame at a time.
 *
 * Owns: format detection, the frame and truncation counters, and the convenience functions
 * readCaptureFile / decodeCapture. Must not: load a whole file (input is read in chunks into one
 * reused buffer; memory stays bounded by the largest block, at most a few MiB).
 * Invariant: each frame's data view is valid only until the next next() or close(); callers that
 * keep frames copy them (readCaptureFile does). Bad input throws CaptureError (pcap-error.ts).
 */
import { PcapDecoder } from './pcap-classic-decoder.js';
import { CaptureError, CaptureErrorCode } from './pcap-error.js';
import { PCAP_MAGIC_NS, PCAP_MAGIC_US, PCAPNG_SHB } from './pcap-format.js';
import type { CaptureFormat, CaptureFrame } from './pcap-format.js';
import { CaptureSource } from './pcap-source.js';
import { PcapngDecoder } from './pcapng-decoder.js';
import type { PcapngInterface } from './pcapng-decoder.js';

export class CaptureReader {
  readonly format: CaptureFormat;
  /** Frames returned so far. */
  frameCount = 0;
  /** Frames returned so far whose capLen < origLen. */
  truncatedCount = 0;
  private readonly src: CaptureSource;
  private readonly pcap: PcapDecoder | null;
  private readonly pcapng: PcapngDecoder | null;

  /** Detects the format and reads the file header (or first section header) from src. */
  constructor(src: CaptureSource) {
    this.src = src;
    if (!src.ensure(4)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        src.offset,
        'capture needs at least 4 bytes of magic, ' + String(src.available) + ' present',
      );
    }
    const magicBe = src.view.getUint32(src.start, false);
    const magicLe = src.view.getUint32(src.start, true);
    if (magicBe === PCAPNG_SHB) {
      this.format = 'pcapng';
      this.pcap = null;
      this.pcapng = new PcapngDecoder(src);
    } else if (
      magicBe === PCAP_MAGIC_US ||
      magicBe === PCAP_MAGIC_NS ||
      magicLe === PCAP_MAGIC_US ||
      magicLe === PCAP_MAGIC_NS
    ) {
      this.format = 'pcap';
      this.pcap = new PcapDecoder(src);
      this.pcapng = null;
    } else {
      throw new CaptureError(
        CaptureErrorCode.BadMagic,
        src.offset,
        'neither pcap nor pcapng: magic 0x' + magicBe.toString(16).padStart(8, '0'),
      );
    }
  }

  /** Open a capture file; it is read in chunks of chunkSize bytes (default 1 MiB). */
  static open(path: string, chunkSize?: number): CaptureReader {
    const src = CaptureSource.open(path, chunkSize);
    try {
      return new CaptureReader(src);
    } catch (e) {
      src.close();
      throw e;
    }
  }

  /** Read from an open descriptor (e.g. 0 for stdin); close() leaves the descriptor open. */
  static fromFd(fd: number, chunkSize?: number): CaptureReader {
    return new CaptureReader(CaptureSource.fromFd(fd, chunkSize));
  }

  /** Read a capture held in memory (frames' data are views into bytes, never copies). */
  static fromBytes(bytes: Uint8Array): CaptureReader {
    return new CaptureReader(CaptureSource.fromBytes(bytes));
  }

  /** The next frame, or null at the end. Its data is valid until the next next() or close(). */
  next(): CaptureFrame | null {
    const f = this.pcap !== null ? this.pcap.next() : this.pcapng!.next();
    if (f !== null) {
      this.frameCount++;
      if (f.truncated) this.truncatedCount++;
    }
    return f;
  }

  /** Iterate the remaining frames (same validity rule as next()). */
  *frames(): Generator<CaptureFrame, void, undefined> {
    for (let f = this.next(); f !== null; f = this.next()) yield f;
  }

  /** Classic pcap: the file's link type. pcapng: interface 0 of the current section (-1 if none). */
  get linktype(): number {
    if (this.pcap !== null) return this.pcap.linktype;
    return this.pcapng!.interfaces[0]?.linktype ?? -1;
  }

  /** Classic pcap: the header's snaplen. pcapng: interface 0's (-1 if none). */
  get snaplen(): number {
    if (this.pcap !== null) return this.pcap.snaplen;
    return this.pcapng!.interfaces[0]?.snaplen ?? -1;
  }

  /** Classic pcap: the ns magic. pcapng: interface 0's resolution is finer than 1 µs. */
  get nanos(): boolean {
    if (this.pcap !== null) return this.pcap.nanos;
    const i = this.pcapng!.interfaces[0];
    return i !== undefined && i.tsResolution.perSec > 1_000_000;
  }

  /** Byte order of the file (pcapng: of the current section). */
  get littleEndian(): boolean {
    return this.pcap !== null ? this.pcap.littleEndian : this.pcapng!.littleEndian;
  }

  /** pcapng: the current section's interfaces ([] for classic pcap). */
  get interfaces(): readonly PcapngInterface[] {
    return this.pcapng !== null ? this.pcapng.interfaces : [];
  }

  /** Input offset of the next unread byte. */
  get offset(): number {
    return this.src.offset;
  }

  /** Release the file descriptor (if this reader opened it). Idempotent. */
  close(): void {
    this.src.close();
  }
}

function copyFrame(f: CaptureFrame): CaptureFrame {
  return { ...f, data: f.data.slice() };
}

function readAll(r: CaptureReader): CaptureFrame[] {
  try {
    const out: CaptureFrame[] = [];
    for (let f = r.next(); f !== null; f = r.next()) out.push(copyFrame(f));
    return out;
  } finally {
    r.close();
  }
}

/** Every frame of a capture file, each with its own copy of the data. */
export function readCaptureFile(path: string): CaptureFrame[] {
  return readAll(CaptureReader.open(path));
}

/** Every frame of an in-memory capture, each with its own copy of the data. */
export function decodeCapture(bytes: Uint8Array): CaptureFrame[] {
  return readAll(CaptureReader.fromBytes(bytes));
}
