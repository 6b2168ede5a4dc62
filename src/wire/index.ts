/**
 * src/wire: pure header views, plain Reprs, checksums, addresses and a test/tool frame builder.
 *
 * Owns: every byte layout uvs reads or writes (Ethernet + one 802.1Q tag, ARP, IPv4, IPv6 with
 * extension headers, TCP, UDP, ICMPv4, ICMPv6/NDP, IPIP and IPv6-in-IPv6 outer headers).
 * Must not: import anything outside src/wire; allocate or throw in a view's wrap(), accessors,
 * setters or rewrites (builder.ts, addr.ts and the Repr parse functions allocate and are for the
 * control plane, tests and tools only).
 *
 * Contract of every view (smoltcp's "check once" rule): wrap(b, off, end) validates and returns a
 * WireError code (0 = None); after None, accessors read without checks and stay in bounds until the
 * bytes change or a setter documented as invalidating is called. setX() writes raw; rewriteX()
 * also patches every checksum that covers the field (RFC 1624); fillCsum() recomputes; csumOk()
 * verifies. L4 checksums take the IP view's pseudoSum(); address rewrites on the IP view are
 * carried into the L4 checksum with pseudoReplace32 (IPv4) / pseudoReplaceSums (IPv6).
 */
export { EMPTY, rd8, rd16, rd32, rd48, wr8, wr16, wr32, wr48, copyBytes } from './bytes.js';
export {
  csumAdd,
  csumFold,
  csumFinish,
  csumReplace16,
  csumReplace32,
  csumReplaceSums,
  pseudoSum4,
  pseudoSum6,
} from './checksum.js';
export { WireError, WIRE_ERROR_NAMES } from './wire-error.js';
export { IpProto, EtherType } from './ip-proto.js';
export {
  EthernetView,
  parseEthernet,
  emitEthernet,
  ethernetReprLen,
  ETH_HDR_LEN,
  VLAN_TAG_LEN,
} from './ethernet.js';
export type { EthernetRepr } from './ethernet.js';
export { ArpView, ArpOp, parseArp, emitArp, ARP_LEN } from './arp.js';
export type { ArpRepr } from './arp.js';
export { Ipv4View, parseIpv4, emitIpv4, ipv4ReprHeaderLen, IPV4_MIN_HDR, IPV4_MAX_HDR } from './ipv4.js';
export type { Ipv4Repr } from './ipv4.js';
export {
  Ipv6View,
  parseIpv6,
  emitIpv6,
  readAddr,
  writeAddr,
  addrEquals,
  addrSum6,
  IPV6_HDR_LEN,
  IPV6_MAX_EXT_HEADERS,
} from './ipv6.js';
export type { Ipv6Repr } from './ipv6.js';
export { TcpView, TcpFlag, TcpOpt, TCP_MIN_HDR, TCP_MAX_SACK_BLOCKS } from './tcp.js';
export { parseTcp, emitTcp, tcpReprHeaderLen } from './tcp-repr.js';
export type { TcpRepr, TcpSackBlock } from './tcp-repr.js';
export { UdpView, parseUdp, emitUdp, UDP_HDR_LEN } from './udp.js';
export type { UdpRepr } from './udp.js';
export {
  Icmpv4View,
  Icmpv4Type,
  Icmpv4Code,
  parseIcmpv4,
  emitIcmpv4,
  icmpEchoRest,
  ICMP_HDR_LEN,
} from './icmpv4.js';
export type { Icmpv4Repr } from './icmpv4.js';
export {
  Icmpv6View,
  Icmpv6Type,
  NdpOpt,
  NA_ROUTER,
  NA_SOLICITED,
  NA_OVERRIDE,
  parseIcmpv6,
  emitIcmpv6,
  icmpv6ReprLen,
  ICMPV6_HDR_LEN,
  NDP_NS_NA_LEN,
} from './icmpv6.js';
export type { Icmpv6Repr } from './icmpv6.js';
export { encapIpv4, encapIpv6 } from './ipip.js';
export {
  parseIpv4Addr,
  formatIpv4Addr,
  parseIpv6Addr,
  formatIpv6Addr,
  parseMac,
  parseMacNum,
  formatMac,
  macToNumber,
  macFromNumber,
} from './addr.js';
export {
  buildPacket,
  buildFrame,
  buildArpFrame,
  buildEncapFrame,
  writePacket,
  packetLen,
} from './builder.js';
export type {
  EthSpec,
  Ip4Spec,
  Ip6Spec,
  Ip6Ext,
  L4Spec,
  PacketSpec,
  FrameSpec,
  OuterSpec,
} from './builder.js';
