/**
 * Decoder for classic pcap files (libpcap format): both byte orders, µs and ns magics.
 *
 * Owns: parsing the 24-byte file header and the 16-byte record headers from a CaptureSource.
 * Must not: allocate per frame beyond the frame object and its data view, or accept a record it
 * cannot vouch for: every defect is a CaptureError with the offset of the offending field.
 * Follows draft-ietf-opsawg-pcap §4-§5 and libpcap sf-pcap.c (LT_LINKTYPE masks the FCS bits).
 */
import { CaptureError, CaptureErrorCode } from './pcap-error.js';
import {
  MAX_CAPLEN,
  PCAP_FILE_HEADER_LEN,
  PCAP_MAGIC_NS,
  PCAP_MAGIC_US,
  PCAP_RECORD_HEADER_LEN,
  PCAP_VERSION_MAJOR,
} from './pcap-format.js';
import type { CaptureFrame } from './pcap-format.js';
import type { CaptureSource } from './pcap-source.js';

/** Low 26 bits of the header's network field are the link type; the upper bits describe the FCS. */
const LINKTYPE_MASK = 0x03ffffff;

export class PcapDecoder {
  readonly littleEndian: boolean;
  readonly nanos: boolean;
  readonly versionMajor: number;
  readonly versionMinor: number;
  readonly snaplen: number;
  readonly linktype: number;
  private readonly src: CaptureSource;

  /** Reads the file header at the source's current position. */
  constructor(src: CaptureSource) {
    this.src = src;
    const at = src.offset;
    if (!src.ensure(PCAP_FILE_HEADER_LEN)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'pcap file header needs 24 bytes, ' + String(src.available) + ' present',
      );
    }
    const v = src.view;
    const p = src.start;
    const magicLe = v.getUint32(p, true);
    if (magicLe === PCAP_MAGIC_US || magicLe === PCAP_MAGIC_NS) this.littleEndian = true;
    else {
      const magicBe = v.getUint32(p, false);
      if (magicBe !== PCAP_MAGIC_US && magicBe !== PCAP_MAGIC_NS) {
        throw new CaptureError(CaptureErrorCode.BadMagic, at, 'not a pcap magic: 0x' + magicBe.toString(16));
      }
      this.littleEndian = false;
    }
    const le = this.littleEndian;
    this.nanos = v.getUint32(p, le) === PCAP_MAGIC_NS;
    this.versionMajor = v.getUint16(p + 4, le);
    this.versionMinor = v.getUint16(p + 6, le);
    if (this.versionMajor !== PCAP_VERSION_MAJOR) {
      throw new CaptureError(
        CaptureErrorCode.BadVersion,
        at + 4,
        'pcap version ' + String(this.versionMajor) + '.' + String(this.versionMinor) + ', only 2.x is read',
      );
    }
    this.snaplen = v.getUint32(p + 16, le);
    this.linktype = v.getUint32(p + 20, le) & LINKTYPE_MASK;
    src.consume(PCAP_FILE_HEADER_LEN);
  }

  /** The next record, or null at a clean end of file. */
  next(): CaptureFrame | null {
    const src = this.src;
    const at = src.offset;
    if (!src.ensure(PCAP_RECORD_HEADER_LEN)) {
      if (src.available === 0) return null;
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'record header needs 16 bytes, ' + String(src.available) + ' present',
      );
    }
    const le = this.littleEndian;
    const v = src.view;
    let p = src.start;
    const tsSec = v.getUint32(p, le);
    const frac = v.getUint32(p + 4, le);
    const capLen = v.getUint32(p + 8, le);
    const origLen = v.getUint32(p + 12, le);
    if (frac >= (this.nanos ? 1_000_000_000 : 1_000_000)) {
      throw new CaptureError(
        CaptureErrorCode.BadTimestamp,
        at + 4,
        (this.nanos ? 'nanoseconds ' : 'microseconds ') + String(frac) + ' out of range',
      );
    }
    if (capLen > MAX_CAPLEN || (this.snaplen !== 0 && capLen > this.snaplen)) {
      throw new CaptureError(
        CaptureErrorCode.CapLen,
        at + 8,
        'captured length ' +
          String(capLen) +
          ' exceeds ' +
          (capLen > MAX_CAPLEN ? 'the limit ' + String(MAX_CAPLEN) : 'snaplen ' + String(this.snaplen)),
      );
    }
    const total = PCAP_RECORD_HEADER_LEN + capLen;
    if (!src.ensure(total)) {
      throw new CaptureError(
        CaptureErrorCode.Truncated,
        at,
        'record needs ' + String(total) + ' bytes, ' + String(src.available) + ' present',
      );
    }
    p = src.start + PCAP_RECORD_HEADER_LEN;
    const data = src.buf.subarray(p, p + capLen);
    src.consume(total);
    return {
      tsSec,
      tsNsec: this.nanos ? frac : frac * 1000,
      data,
      capLen,
      origLen,
      truncated: capLen < origLen,
      linktype: this.linktype,
      ifIndex: 0,
      offset: at,
    };
  }
}
