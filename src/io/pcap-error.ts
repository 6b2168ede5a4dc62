/**
 * CaptureError: the one error the capture readers throw on bad input.
 *
 * Owns: the stable error codes of the pcap/pcapng codec (documented in docs/pcap.md).
 * Invariant: every decoding failure is a CaptureError naming the byte offset where it was found;
 * I/O failures (open, read) stay Node's own errors.
 */

export const CaptureErrorCode = {
  BadMagic: 'UVS_ERR_PCAP_BAD_MAGIC',
  BadVersion: 'UVS_ERR_PCAP_BAD_VERSION',
  Truncated: 'UVS_ERR_PCAP_TRUNCATED',
  BlockLength: 'UVS_ERR_PCAP_BLOCK_LENGTH',
  BlockTooLarge: 'UVS_ERR_PCAP_BLOCK_TOO_LARGE',
  CapLen: 'UVS_ERR_PCAP_CAPLEN',
  BadTimestamp: 'UVS_ERR_PCAP_BAD_TIMESTAMP',
  BadOption: 'UVS_ERR_PCAP_BAD_OPTION',
  NoInterface: 'UVS_ERR_PCAP_NO_INTERFACE',
  BadInterface: 'UVS_ERR_PCAP_BAD_INTERFACE',
} as const;
export type CaptureErrorCode = (typeof CaptureErrorCode)[keyof typeof CaptureErrorCode];

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
  readonly code: CaptureErrorCode;
  /** Byte offset in the input where the problem was found. */
  readonly offset: number;

  constructor(code: CaptureErrorCode, offset: number, detail: string) {
    super(code + ' at byte ' + String(offset) + ': ' + detail);
    this.code = code;
    this.offset = offset;
  }
}
