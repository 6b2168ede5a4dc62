/**
 * Tunnel encapsulation for TUN forwarding: an outer IPv4 (IPIP, RFC 2003; protocol 4 for an IPv4
 * inner packet, 41 for IPv6) or IPv6 header (RFC 2473; next header 41 or 4) written in front of a
 * packet, into the headroom before it.
 *
 * Owns: encapIpv4/encapIpv6. They reuse the Repr emitters: the caller keeps ONE preallocated
 * Ipv4Repr/Ipv6Repr, sets its fields per packet and passes it in, so nothing is allocated.
 * Must not: touch the inner packet (its TTL/checksums are the forwarder's business) or write
 * below `floor` (the start of the ring slot's headroom).
 *
 * Kernel parity (net/netfilter/ipvs/ip_vs_xmit.c, ip_vs_tunnel_xmit; kernel-cases/tun-sh-2):
 * outer src = the director's address, dst = daddr, TOS copied from the inner packet, DF copied
 * (pmtu_disc=1), TTL = the inner TTL after its decrement, ID 0 when DF is set. Those are the
 * caller's choices, written into the Repr; this file only lays the bytes and the checksum.
 */
import type { Ipv4Repr } from './ipv4.js';
import { emitIpv4, ipv4ReprHeaderLen } from './ipv4.js';
import type { Ipv6Repr } from './ipv6.js';
import { emitIpv6, IPV6_HDR_LEN } from './ipv6.js';

/**
 * HOT PATH: write `outer` (payloadLen set to innerLen, checksum filled) so that it ends at innerOff.
 * Returns the outer header's offset, or -1 when the headroom above `floor` is too small or the
 * result would exceed 65535 bytes.
 */
export function encapIpv4(
  outer: Ipv4Repr,
  b: Uint8Array,
  floor: number,
  innerOff: number,
  innerLen: number,
): number {
  const hl = ipv4ReprHeaderLen(outer);
  const o = innerOff - hl;
  if (o < floor || hl + innerLen > 0xffff) return -1;
  outer.payloadLen = innerLen;
  emitIpv4(outer, b, o);
  return o;
}

/** HOT PATH: the IPv6 variant (payload length = innerLen). Returns the outer offset or -1. */
export function encapIpv6(
  outer: Ipv6Repr,
  b: Uint8Array,
  floor: number,
  innerOff: number,
  innerLen: number,
): number {
  const o = innerOff - IPV6_HDR_LEN;
  if (o < floor || innerLen > 0xffff) return -1;
  outer.payloadLen = innerLen;
  emitIpv6(outer, b, o);
  return o;
}
