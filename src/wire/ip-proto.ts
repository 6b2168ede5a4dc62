/**
 * IP protocol numbers (IANA "Assigned Internet Protocol Numbers"; IPv6 next-header values share
 * the space) and EtherTypes used by uvs.
 *
 * Owns: the numeric constants only; no logic.
 */

export const IpProto = {
  HopByHop: 0,
  Icmp: 1,
  Ipip: 4,
  Tcp: 6,
  Udp: 17,
  Ipv6: 41,
  Routing: 43,
  Fragment: 44,
  Esp: 50,
  Ah: 51,
  Icmpv6: 58,
  NoNext: 59,
  DestOpts: 60,
  Vrrp: 112,
} as const;

export type IpProto = (typeof IpProto)[keyof typeof IpProto];

export const EtherType = {
  Ipv4: 0x0800,
  Arp: 0x0806,
  Vlan: 0x8100,
  Ipv6: 0x86dd,
} as const;

export type EtherType = (typeof EtherType)[keyof typeof EtherType];
