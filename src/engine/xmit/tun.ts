/**
 * TUN forwarding (LVS-TUN, `-i`, IPIP / IPv6-in-IPv6): the client's packet, its TTL decremented,
 * is wrapped in an outer header to the real server, written into the slot's headroom.
 *
 * Kernel parity (ip_vs_xmit.c `ip_vs_tunnel_xmit()` / `ip_vs_tunnel_xmit_v6()`; kernel-cases
 * tun-sh-2): outer IPv4 from the director's address to daddr, protocol 4 (41 for an IPv6 inner
 * packet), TOS copied, DF copied (pmtu_disc=1), ID 0 when DF is set, TTL = the inner TTL after
 * its decrement. Outer IPv6: traffic class copied, flow label 0, hop limit = the inner one after
 * its decrement, next header 41 (or 4). The Ethernet header moves in front of the outer header.
 * Preconditions (checked by the caller): TTL > 1, MAC resolved, the encapsulated size fits.
 * Must not: allocate or throw. Returns false when the headroom is too small.
 */
import { encapIpv4, encapIpv6 } from '../../wire/index.js';
import type { Dest } from '../service/dest.js';
import type { PacketCtx } from '../packet-ctx.js';
import type { EngineState } from '../state.js';

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;

/** Bytes the outer header adds for a dest of this family. */
export function tunOverhead(dest: Dest): number {
  return dest.af === 4 ? 20 : 40;
}

/** HOT PATH. Encapsulate ctx's packet for dest in place; sets ctx.outOff/outLen. */
export function forwardTun(st: EngineState, ctx: PacketCtx, dest: Dest): boolean {
  const b = ctx.bytes;
  const ethLen = ctx.l3off - ctx.off;
  const overhead = tunOverhead(dest);
  const newOff = ctx.l3off - overhead - ethLen;
  if (newOff < ctx.floor) return false;
  let tos: number;
  let ttl: number;
  let df = false;
  const innerProto = ctx.flow.af === 4 ? 4 : 41;
  if (ctx.flow.af === 4) {
    ctx.ip4.decTtl();
    tos = ctx.ip4.tos();
    ttl = ctx.ip4.ttl();
    df = ctx.ip4.df();
  } else {
    ctx.ip6.decHopLimit();
    tos = ctx.ip6.trafficClass();
    ttl = ctx.ip6.hopLimit();
  }
  // Move the Ethernet header first: the outer IP header overwrites where it was.
  b.copyWithin(newOff, ctx.off, ctx.l3off);
  let o: number;
  if (dest.af === 4) {
    const outer = st.outer4;
    outer.src = st.localIp4;
    outer.dst = dest.addr[0]!;
    outer.proto = innerProto;
    outer.tos = tos;
    outer.ttl = ttl;
    outer.df = df;
    outer.id = df ? 0 : st.nextIpId();
    o = encapIpv4(outer, b, newOff + ethLen, ctx.l3off, ctx.ipLen);
  } else {
    const outer = st.outer6;
    for (let w = 0; w < 4; w++) outer.dst[w] = dest.addr[w]!;
    outer.nextHeader = innerProto;
    outer.trafficClass = tos;
    outer.flowLabel = 0;
    outer.hopLimit = ttl;
    o = encapIpv6(outer, b, newOff + ethLen, ctx.l3off, ctx.ipLen);
  }
  if (o < 0) return false;
  ctx.eth.wrap(b, newOff, o);
  ctx.eth.setDst(dest.mac);
  ctx.eth.setSrc(st.localMac);
  ctx.eth.setEthertype(dest.af === 4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6);
  ctx.outOff = newOff;
  ctx.outLen = ctx.l3off + ctx.ipLen - newOff;
  return true;
}
