/**
 * Capture file format constants and the frame types shared by the pcap and pcapng codecs.
 *
 * Owns: magic numbers, block and option codes, size limits, CaptureFrame / WritableFrame.
 * Must not: do I/O. Values follow the pcap format (draft-ietf-opsawg-pcap) and the pcapng
 * format (draft-ietf-opsawg-pcapng); the names mirror libpcap's.
 */

/** Classic pcap magic with microsecond timestamps, as read in the file's own byte order. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
/** Classic pcap magic with nanosecond timestamps. */
export const PCAP_MAGIC_NS = 0xa1b23c4d;
export const PCAP_FILE_HEADER_LEN = 24;
export const PCAP_RECORD_HEADER_LEN = 16;
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;

/** pcapng block types. */
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 0x00000001;
export const PCAPNG_OPB = 0x00000002; // obsolete Packet Block, still read
export const PCAPNG_SPB = 0x00000003;
export const PCAPNG_NRB = 0x00000004;
export const PCAPNG_ISB = 0x00000005;
export const PCAPNG_EPB = 0x00000006;
/** Byte-order magic inside the Section Header Block. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;
export const PCAPNG_VERSION_MAJOR = 1;
export const PCAPNG_VERSION_MINOR = 0;

/** pcapng option codes used here. */
export const OPT_ENDOFOPT = 0;
export const OPT_IF_TSRESOL = 9;
export const OPT_IF_TSOFFSET = 14;

/** LINKTYPE_ETHERNET (DLT_EN10MB). */
export const LINKTYPE_ETHERNET = 1;
/** Default snapshot length written by our writers (libpcap's MAXIMUM_SNAPLEN). */
export const DEFAULT_SNAPLEN = 262144;
/** Largest captured length accepted or written: 256 KiB, as libpcap. */
export const MAX_CAPLEN = 262144;
/** Largest pcapng block the reader loads whole (SHB/IDB/packet blocks); other blocks are skipped. */
export const MAX_PARSED_BLOCK_LEN = 4 * 1024 * 1024;

export type CaptureFormat = 'pcap' | 'pcapng';

/** One frame read from a capture. */
export interface CaptureFrame {
  /** Seconds since the epoch (integer). */
  readonly tsSec: number;
  /** Nanoseconds within the second, 0..999999999 (integer; µs files give multiples of 1000). */
  readonly tsNsec: number;
  /**
   * The captured bytes. From CaptureReader.next() this is a view into the reader's reused buffer
   * (or into the caller's array for in-memory input): valid only until the next next() or close().
   * readCaptureFile() returns copies.
   */
  readonly data: Uint8Array;
  /** Captured length (data.length). */
  readonly capLen: number;
  /** Length of the frame on the wire. */
  readonly origLen: number;
  /** capLen < origLen: the capture cut the frame short. */
  readonly truncated: boolean;
  /** LINKTYPE_* of the frame's interface (classic pcap: the file's). */
  readonly linktype: number;
  /** Interface index within its pcapng section (0 for classic pcap). */
  readonly ifIndex: number;
  /** Byte offset of the frame's record or block in the input. */
  readonly offset: number;
}

/** What the writers accept. origLen defaults to data.length; ifIndex (pcapng) defaults to 0. */
export interface WritableFrame {
  readonly tsSec: number;
  readonly tsNsec: number;
  readonly data: Uint8Array;
  readonly origLen?: number;
  readonly ifIndex?: number;
}
