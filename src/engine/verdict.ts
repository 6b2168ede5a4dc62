/**
 * Verdicts and drop reasons: what happened to each frame, counted in fixed arrays (no strings
 * on the per-packet path; names are for listings only).
 */

export const Verdict = { Drop: 0, Tx: 1, Pass: 2 } as const;
export type VerdictCode = (typeof Verdict)[keyof typeof Verdict];

/** Why a frame was dropped. Stable numbering: append only. */
export const Drop = {
  Runt: 0, // shorter than an Ethernet header
  BadIpHeader: 1, // version, IHL, total length (hostile-inputs rows 3-4)
  BadIpChecksum: 2, // row 6
  BadL4Header: 3, // TCP/UDP header truncated or malformed
  Fragment: 4, // IPv4/IPv6 fragments are not reassembled (row 8)
  Martian: 5, // martian source or destination, or source is one of our own addresses (row 23)
  UnknownPort: 6, // to a VIP on a port with no service (row 16)
  NoConn: 7, // TCP non-SYN with no connection (row 18)
  NoDest: 8, // the scheduler found no usable dest (row 17; ICMP port unreachable sent when possible)
  TableFull: 9, // connection table full (row 19)
  NoNeighbor: 10, // next-hop MAC of the dest is not resolved yet
  TtlExceeded: 11, // TTL/hop limit <= 1 (row 11; ICMP time exceeded sent)
  IcmpBadQuote: 12, // ICMP error with a truncated/odd quote or bad checksum (row 15)
  IcmpNoConn: 13, // ICMP error quoting no known connection
  DestUnavailable: 14, // the conn's dest was removed (expire_nodest_conn=0 drops)
  TooBig: 15, // would exceed the egress MTU with DF set (ICMP frag-needed / PTB sent)
  OwnFrame: 16, // a frame we sent ourselves, seen again (row 21)
  BadL4Checksum: 17, // NAT: the L4 checksum was wrong before rewriting
  NoRoom: 18, // no room in the slot for a reply or an outer header
  GsoUnsupported: 19, // a GSO super-frame on a path that cannot segment it (TUN, or no link offload)
} as const;
export type DropCode = (typeof Drop)[keyof typeof Drop];

export const DROP_NAMES: readonly string[] = [
  'runt',
  'bad_ip_header',
  'bad_ip_checksum',
  'bad_l4_header',
  'fragment',
  'martian',
  'unknown_port',
  'no_conn',
  'no_dest',
  'table_full',
  'no_neighbor',
  'ttl_exceeded',
  'icmp_bad_quote',
  'icmp_no_conn',
  'dest_unavailable',
  'too_big',
  'own_frame',
  'bad_l4_checksum',
  'no_room',
  'gso_unsupported',
];

export const DROP_REASON_COUNT = DROP_NAMES.length;
