/**
 * Decoder for pcapng files: sections in either byte order, several interfaces and sections,
 * Enhanced, Simple and (obsolete) Packet Blocks; every other block is skipped by its length.
 *
 * Owns: block framing checks (leading = trailing length, multiple of 4, fits its contents),
 * the per-section interface table (linktype, snaplen, if_tsresol, if_tsoffset) and timestamps.
 * Must not: load a block larger than MAX_PARSED_BLOCK_LEN (skipped blocks are never loaded),
 * or return a frame it cannot vouch for: every defect is a CaptureError naming the offset.
 * Follows draft-ietf-opsawg-pcapng §3-§4 and Wireshark's wiretap/pcapng.c behaviour.
 */
import { CaptureError, CaptureErrorCode } from './pcap-error.js';
import {
  MAX_CAPLEN,
  MAX_PARSED_BLOCK_LEN,
  OPT_ENDOFOPT,
  OPT_IF_TSOFFSET,
  OPT_IF_TSRESOL,
  PCAPNG_BYTE_ORDER_MAGIC,
  PCAPNG_EPB,
  PCAPNG_IDB,
  PCAPNG_OPB,
  PCAPNG_SHB,
  PCAPNG_SPB,
  PCAPNG_VERSION_MAJOR,
} from './pcap-format.js';
import type { CaptureFrame } from './pcap-format.js';
import type { CaptureSource } from './pcap-source.js';
import { TS_RES_US, splitOut, splitTicks, tsResolution } from './pcap-timestamp.js';
import type { TsResolution } from './pcap-timestamp.js';

/** One Interface Description Block of the current section. */
export interface PcapngInterface {
  readonly linktype: number;
  /** 0 = no limit. */
  readonly snaplen: number;
  readonly tsResolution: TsResolution;
  /** if_tsoffset: seconds added to every timestamp of this interface. */
  readonly tsOffsetSec: number;
}

const SHB_MIN_LEN = 28;
const IDB_MIN_LEN = 20;
const EPB_MIN_LEN = 32;
const SPB_MIN_LEN = 16;
const BLOCK_MIN_LEN = 12;

function pad4(n: number): number {
  return (n + 3) & ~3;
}

export class PcapngDecoder {
  /** Byte order of the current section. */
  littleEndian = true;
  /** Interfaces of the current section, by interface id. */
  interfaces: PcapngInterface[] = [];
  /** Sections seen so far. */
  sectionCount = 0;
  private readonly src: CaptureSource;

  /** Reads the first Section Header Block at the source's current position. */
  constructor(src: CaptureSource) {
    this.src = src;
    this.readShb();
    this.readLeadingInterfaces();
  }

  /** Read the IDBs that directly follow the first SHB, so the interfaces are known after open. */
  private readLeadingInterfaces(): void {
    const src = this.src;
    while (src.ensure(8) && src.view.getUint32(src.start, this.littleEndian) === PCAPNG_IDB) {
      const at = src.offset;
      const len = src.view.getUint32(src.start + 4, this.littleEndian);
      if (len < BLOCK_MIN_LEN || len % 4 !== 0) return; // next() reports it
      this.loadBlock(at, len, PCAPNG_IDB);
      this.readIdb(at, len);
    }
  }

  /** The next packet, or null at a clean end of file. Non-packet blocks are consumed on the way. */
  next(): CaptureFrame | null {
    const src = this.src;
    for (;;) {
      const at = src.offset;
      if (!src.ensure(8)) {
        if (src.available === 0) return null;
        throw new CaptureError(
          CaptureErrorCode.Truncated,
          at,
          'block header needs 8 bytes, ' + String(src.available) + ' present',
        );
      }
      const le = this.littleEndian;
      const type = src.view.getUint32(src.start, le);
      if (type === PCAPNG_SHB) {
        this.readShb();
        continue;
      }
      const len = src.view.getUint32(src.start + 4, le);
      if (len < BLOCK_MIN_LEN || len % 4 !== 0) {
        throw new CaptureError(
          CaptureErrorCode.BlockLength,
          at + 4,
          'block length ' + String(len) + ' is below 12 or not a multiple of 4',
        );
      }
      if (type !== PCAPNG_EPB && type !== PCAPNG_IDB && type !== PCAPNG_SPB && type !== PCAPNG_OPB) {
        this.skipBlock(at, len);
        continue;
      }
      this.loadBlock(at, len, type);
      if (type === PCAPNG_IDB) {
        this.readIdb(at, len);
        continue;
      }
      return type === PCAPNG_SPB ? this.readSpb(at, len) : this.readEpb(at, len, type === PCAPNG_OPB);
    }
  }

  /** Ensure the whole block is buffered and its trailing length matches. */
  private loadBlock(at: number, len: number, type: number): void {
    const src = this.src;
    if (len > MAX_PARSED_BLOCK_LEN) {
      throw new CaptureError(
        CaptureErrorCode.BlockTooLarge,
        at + 4,
        'block type 0x' +
          type.toString(16) +
          ' of ' +
          String(len) +
          ' bytes exceeds ' +
          String(MAX_PARSED_BLOCK_LEN),
      );
    }
    if (!src.ensure(len)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'block of ' + String(len) + ' bytes, ' + String(src.available) + ' present',
      );
    }
    const trailer = src.view.getUint32(src.start + len - 4, this.littleEndian);
    if (trailer !== len) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + len - 4,
        'trailing block length ' + String(trailer) + ' differs from leading ' + String(len),
      );
    }
  }

  private skipBlock(at: number, len: number): void {
    const src = this.src;
    if (!src.skip(len - 4) || !src.ensure(4)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'block of ' + String(len) + ' bytes is cut short',
      );
    }
    const trailer = src.view.getUint32(src.start, this.littleEndian);
    if (trailer !== len) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + len - 4,
        'trailing block length ' + String(trailer) + ' differs from leading ' + String(len),
      );
    }
    src.consume(4);
  }

  private readShb(): void {
    const src = this.src;
    const at = src.offset;
    if (!src.ensure(12)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'section header needs 12 bytes, ' + String(src.available) + ' present',
      );
    }
    const bom = src.view.getUint32(src.start + 8, true);
    if (bom === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = true;
    else if (src.view.getUint32(src.start + 8, false) === PCAPNG_BYTE_ORDER_MAGIC) this.littleEndian = false;
    else
      throw new CaptureError(CaptureErrorCode.BadMagic, at + 8, 'bad byte-order magic 0x' + bom.toString(16));
    const len = src.view.getUint32(src.start + 4, this.littleEndian);
    if (len < SHB_MIN_LEN || len % 4 !== 0) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'section header length ' + String(len) + ' is below 28 or not a multiple of 4',
      );
    }
    this.loadBlock(at, len, PCAPNG_SHB);
    const major = src.view.getUint16(src.start + 12, this.littleEndian);
    if (major !== PCAPNG_VERSION_MAJOR) {
      const minor = src.view.getUint16(src.start + 14, this.littleEndian);
      throw new CaptureError(
        CaptureErrorCode.BadVersion,
        at + 12,
        'pcapng version ' + String(major) + '.' + String(minor) + ', only 1.x is read',
      );
    }
    src.consume(len);
    this.interfaces = [];
    this.sectionCount++;
  }

  private readIdb(at: number, len: number): void {
    const src = this.src;
    if (len < IDB_MIN_LEN) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'interface block length ' + String(len) + ' < 20',
      );
    }
    const le = this.littleEndian;
    const v = src.view;
    const p = src.start;
    const linktype = v.getUint16(p + 8, le);
    const snaplen = v.getUint32(p + 12, le);
    let res = TS_RES_US;
    let tsOffsetSec = 0;
    const end = p + len - 4;
    let o = p + 16;
    while (o + 4 <= end) {
      const code = v.getUint16(o, le);
      const olen = v.getUint16(o + 2, le);
      if (code === OPT_ENDOFOPT) break;
      const optAt = at + (o - p);
      if (o + 4 + olen > end) {
        throw new CaptureError(
          CaptureErrorCode.BadOption,
          optAt,
          'option ' + String(code) + ' overruns its block',
        );
      }
      if (code === OPT_IF_TSRESOL) {
        const r = olen >= 1 ? tsResolution(v.getUint8(o + 4)) : null;
        if (r === null) throw new CaptureError(CaptureErrorCode.BadOption, optAt, 'bad if_tsresol');
        res = r;
      } else if (code === OPT_IF_TSOFFSET) {
        if (olen !== 8)
          throw new CaptureError(CaptureErrorCode.BadOption, optAt, 'if_tsoffset is not 8 bytes');
        const lo = v.getUint32(o + 4 + (le ? 0 : 4), le);
        const hi = v.getInt32(o + 4 + (le ? 4 : 0), le);
        tsOffsetSec = hi * 0x100000000 + lo;
      }
      o += 4 + pad4(olen);
    }
    src.consume(len);
    this.interfaces.push({ linktype, snaplen, tsResolution: res, tsOffsetSec });
  }

  private iface(at: number, ifId: number): PcapngInterface {
    const n = this.interfaces.length;
    if (n === 0) {
      throw new CaptureError(
        CaptureErrorCode.NoInterface,
        at,
        'packet block before any interface description',
      );
    }
    const i = this.interfaces[ifId];
    if (i === undefined) {
      throw new CaptureError(
        CaptureErrorCode.BadInterface,
        at + 8,
        'interface id ' + String(ifId) + ' but the section has ' + String(n),
      );
    }
    return i;
  }

  private checkCapLen(at: number, capLen: number, iface: PcapngInterface): void {
    if (capLen > MAX_CAPLEN || (iface.snaplen !== 0 && capLen > iface.snaplen)) {
      throw new CaptureError(
        CaptureErrorCode.CapLen,
        at,
        'captured length ' +
          String(capLen) +
          ' exceeds ' +
          (capLen > MAX_CAPLEN ? 'the limit ' + String(MAX_CAPLEN) : 'snaplen ' + String(iface.snaplen)),
      );
    }
  }

  /** Enhanced Packet Block, or the obsolete Packet Block (16-bit interface id + drops count). */
  private readEpb(at: number, len: number, obsolete: boolean): CaptureFrame {
    const src = this.src;
    if (len < EPB_MIN_LEN) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'packet block length ' + String(len) + ' < 32',
      );
    }
    const le = this.littleEndian;
    const v = src.view;
    const p = src.start;
    const ifId = obsolete ? v.getUint16(p + 8, le) : v.getUint32(p + 8, le);
    const iface = this.iface(at, ifId);
    const capLen = v.getUint32(p + 20, le);
    const origLen = v.getUint32(p + 24, le);
    this.checkCapLen(at + 20, capLen, iface);
    if (28 + pad4(capLen) + 4 > len) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'block length ' + String(len) + ' too short for captured length ' + String(capLen),
      );
    }
    splitTicks(v.getUint32(p + 12, le), v.getUint32(p + 16, le), iface.tsResolution);
    const data = src.buf.subarray(p + 28, p + 28 + capLen);
    src.consume(len);
    return {
      tsSec: splitOut.sec + iface.tsOffsetSec,
      tsNsec: splitOut.nsec,
      data,
      capLen,
      origLen,
      truncated: capLen < origLen,
      linktype: iface.linktype,
      ifIndex: ifId,
      offset: at,
    };
  }

  /** Simple Packet Block: interface 0, no timestamp, captured length = min(origLen, snaplen). */
  private readSpb(at: number, len: number): CaptureFrame {
    const src = this.src;
    if (len < SPB_MIN_LEN) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'simple packet block length ' + String(len) + ' < 16',
      );
    }
    const iface = this.iface(at, 0);
    const p = src.start;
    const origLen = src.view.getUint32(p + 8, this.littleEndian);
    let capLen = origLen;
    if (iface.snaplen !== 0 && capLen > iface.snaplen) capLen = iface.snaplen;
    this.checkCapLen(at + 8, capLen, iface);
    if (16 + pad4(capLen) > len) {
      throw new CaptureError(
        CaptureErrorCode.BlockLength,
        at + 4,
        'block length ' + String(len) + ' too short for captured length ' + String(capLen),
      );
    }
    const data = src.buf.subarray(p + 12, p + 12 + capLen);
    src.consume(len);
    return {
      tsSec: 0,
      tsNsec: 0,
      data,
      capLen,
      origLen,
      truncated: capLen < origLen,
      linktype: iface.linktype,
      ifIndex: 0,
      offset: at,
    };
  }
}
