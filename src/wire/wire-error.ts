/**
 * WireError: the result code of every view's wrap() and option walk.
 *
 * Owns: the closed set of reasons a header is refused. Codes are small ints so the engine can
 * map them to its DropReason counters with a table; 0 is success.
 * Must not: grow strings or objects on the packet path (names exist for logs and tests only).
 */

export const WireError = {
  /** The header is valid; accessors are safe. */
  None: 0,
  /** Fewer bytes than the fixed header needs (or than the header's own length says). */
  Truncated: 1,
  /** IP version nibble is not the one the view expects. */
  BadVersion: 2,
  /** Header length field is impossible: IPv4 IHL < 5, TCP data offset < 5 or beyond the segment. */
  BadHeaderLen: 3,
  /** Total/payload/UDP length field is smaller than the header or runs past the frame. */
  BadTotalLen: 4,
  /** IPv6 extension header chain is malformed (overruns the payload, misplaced hop-by-hop, bad AH length). */
  BadExtChain: 5,
  /** More IPv6 extension headers than IPV6_MAX_EXT_HEADERS. */
  TooManyExtHeaders: 6,
  /** A TCP or NDP option has an impossible length. */
  BadOption: 7,
  /** Well-formed but not a variant we handle (ARP for a non-Ethernet/IPv4 pair). */
  Unsupported: 8,
} as const;

export type WireError = (typeof WireError)[keyof typeof WireError];

/** Names indexed by code, for logs and test messages (never built per packet). */
export const WIRE_ERROR_NAMES: readonly string[] = [
  'None',
  'Truncated',
  'BadVersion',
  'BadHeaderLen',
  'BadTotalLen',
  'BadExtChain',
  'TooManyExtHeaders',
  'BadOption',
  'Unsupported',
];
