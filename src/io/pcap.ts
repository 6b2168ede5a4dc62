/**
 * The pcap / pcapng codec's public surface, re-exported from its one-concept files.
 * See docs/pcap.md for formats, limits and error codes.
 */
export { CaptureError, CaptureErrorCode } from './pcap-error.js';
export type { CaptureFormat, CaptureFrame, WritableFrame } from './pcap-format.js';
export { DEFAULT_SNAPLEN, LINKTYPE_ETHERNET, MAX_CAPLEN, MAX_PARSED_BLOCK_LEN } from './pcap-format.js';
export { CaptureOutput } from './pcap-output.js';
export { CaptureReader, decodeCapture, readCaptureFile } from './pcap-reader.js';
export { CaptureSource } from './pcap-source.js';
export { PcapWriter, encodePcap, writePcapFile } from './pcap-writer.js';
export type { PcapWriterOptions } from './pcap-writer.js';
export { PcapngWriter, encodePcapng, writePcapngFile } from './pcapng-writer.js';
export type { PcapngInterfaceOptions, PcapngWriterOptions } from './pcapng-writer.js';
export type { PcapngInterface } from './pcapng-decoder.js';
