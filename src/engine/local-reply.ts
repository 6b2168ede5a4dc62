/**
 * Frames the director originates in answer to a received frame, built in place in that frame's
 * ring slot: ARP replies and Neighbor Advertisements for VIPs, and ICMP / ICMPv6 errors (time
 * exceeded, port unreachable, fragmentation needed / packet too big).
 *
 * Kernel parity: ICMP errors are what net/ipv4/icmp.c `icmp_send()` makes for a packet delivered
 * locally to the VIP (shared/kernel-cases/dr-ttl1): source = the VIP the packet was sent to, TTL
 * 64, TOS 0xc0 (IPTOS_PREC_INTERNETCONTROL), no DF, and as much of the offending datagram as fits
 * in 576 bytes (RFC 1812 §4.3.2.3). ICMPv6 errors quote as much as fits in the IPv6 minimum MTU of
 * 1280 (RFC 4443 §2.4(c)). The IP ID comes from the engine's counter (the kernel's is random).
 * Must not: allocate or throw. Every builder checks the slot has room and returns false if not.
 */
import { wr16, wr32, wr48, csumAdd, csumFinish, pseudoSum6, writeAddr } from '../wire/index.js';
import type { PacketCtx } from './packet-ctx.js';
import type { EngineState } from './state.js';

const ICMP4_QUOTE_MAX = 576 - 20 - 8;
const ICMP6_QUOTE_MAX = 1280 - 40 - 8;

/** ARP reply for a request whose target is one of our VIPs: rewrite the request in place. */
export function arpReplyInPlace(st: EngineState, ctx: PacketCtx): void {
  const arp = ctx.arp;
  const reqSha = arp.sha();
  const reqSpa = arp.spa();
  const vip = arp.tpa();
  ctx.eth.setDst(reqSha);
  ctx.eth.setSrc(st.localMac);
  arp.setOp(2);
  arp.setSha(st.localMac);
  arp.setSpa(vip);
  arp.setTha(reqSha);
  arp.setTpa(reqSpa);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.len;
}

/**
 * Neighbor Advertisement answering a Neighbor Solicitation for a VIP (RFC 4861 §7.2.4): from the
 * VIP to the solicitor (all-nodes when it solicited from ::), solicited + override flags, with a
 * target link-layer address option. Written over the solicitation; 86 bytes untagged.
 */
export function naReplyInPlace(st: EngineState, ctx: PacketCtx, target: Uint32Array): boolean {
  const b = ctx.bytes;
  const l3 = ctx.l3off;
  const need = l3 + 40 + 32;
  if (need > ctx.limit) return false;
  const solicitorMac = ctx.eth.src();
  const src = ctx.scratchB;
  ctx.ip6.copySrc(src);
  const unspecified = src[0] === 0 && src[1] === 0 && src[2] === 0 && src[3] === 0;
  ctx.eth.setDst(unspecified ? 0x333300000001 : solicitorMac);
  ctx.eth.setSrc(st.localMac);
  wr32(b, l3, 0x60000000);
  wr16(b, l3 + 4, 32);
  b[l3 + 6] = 58;
  b[l3 + 7] = 255;
  writeAddr(b, l3 + 8, target);
  if (unspecified) {
    wr32(b, l3 + 24, 0xff020000);
    wr32(b, l3 + 28, 0);
    wr32(b, l3 + 32, 0);
    wr32(b, l3 + 36, 1);
  } else {
    writeAddr(b, l3 + 24, src);
  }
  const o = l3 + 40;
  b[o] = 136;
  b[o + 1] = 0;
  wr16(b, o + 2, 0);
  wr32(b, o + 4, unspecified ? 0x20000000 : 0x60000000); // (S)olicited unless DAD, (O)verride
  writeAddr(b, o + 8, target);
  b[o + 24] = 2; // target link-layer address option
  b[o + 25] = 1;
  wr48(b, o + 26, st.localMac);
  wr16(b, o + 2, csumFinish(csumAdd(b, o, 32, pseudoSum6(b, l3 + 8, l3 + 24, 58, 32))));
  ctx.outOff = ctx.off;
  ctx.outLen = need - ctx.off;
  return true;
}

/**
 * ICMPv4 error about the IPv4 packet in ctx, sent back to its source from `from`. The original
 * packet (with its TTL as received) is quoted. `rest` is the 32-bit field after the checksum
 * (the next-hop MTU for fragmentation needed). Returns false when the slot has no room.
 */
export function icmp4ErrorInPlace(
  st: EngineState,
  ctx: PacketCtx,
  type: number,
  code: number,
  rest: number,
  from: number,
): boolean {
  const b = ctx.bytes;
  const l3 = ctx.l3off;
  const quote = ctx.ipLen < ICMP4_QUOTE_MAX ? ctx.ipLen : ICMP4_QUOTE_MAX;
  if (l3 + 28 + quote > ctx.limit) return false;
  const to = ctx.flow.saddr[0]!;
  const toMac = ctx.eth.src();
  b.copyWithin(l3 + 28, l3, l3 + quote);
  ctx.eth.setDst(toMac);
  ctx.eth.setSrc(st.localMac);
  b[l3] = 0x45;
  b[l3 + 1] = 0xc0;
  wr16(b, l3 + 2, 28 + quote);
  wr16(b, l3 + 4, st.nextIpId());
  wr16(b, l3 + 6, 0);
  b[l3 + 8] = 64;
  b[l3 + 9] = 1;
  wr16(b, l3 + 10, 0);
  wr32(b, l3 + 12, from);
  wr32(b, l3 + 16, to);
  wr16(b, l3 + 10, csumFinish(csumAdd(b, l3, 20, 0)));
  const o = l3 + 20;
  b[o] = type;
  b[o + 1] = code;
  wr16(b, o + 2, 0);
  wr32(b, o + 4, rest);
  wr16(b, o + 2, csumFinish(csumAdd(b, o, 8 + quote, 0)));
  ctx.outOff = ctx.off;
  ctx.outLen = l3 + 28 + quote - ctx.off;
  return true;
}

/** ICMPv6 error about the IPv6 packet in ctx, from `from` back to its source (RFC 4443). */
export function icmp6ErrorInPlace(
  st: EngineState,
  ctx: PacketCtx,
  type: number,
  code: number,
  rest: number,
  from: Uint32Array,
): boolean {
  const b = ctx.bytes;
  const l3 = ctx.l3off;
  const quote = ctx.ipLen < ICMP6_QUOTE_MAX ? ctx.ipLen : ICMP6_QUOTE_MAX;
  if (l3 + 48 + quote > ctx.limit) return false;
  const toMac = ctx.eth.src();
  const to = ctx.scratchB;
  ctx.ip6.copySrc(to);
  b.copyWithin(l3 + 48, l3, l3 + quote);
  ctx.eth.setDst(toMac);
  ctx.eth.setSrc(st.localMac);
  wr32(b, l3, 0x60000000);
  wr16(b, l3 + 4, 8 + quote);
  b[l3 + 6] = 58;
  b[l3 + 7] = 64;
  writeAddr(b, l3 + 8, from);
  writeAddr(b, l3 + 24, to);
  const o = l3 + 40;
  b[o] = type;
  b[o + 1] = code;
  wr16(b, o + 2, 0);
  wr32(b, o + 4, rest);
  wr16(b, o + 2, csumFinish(csumAdd(b, o, 8 + quote, pseudoSum6(b, l3 + 8, l3 + 24, 58, 8 + quote))));
  ctx.outOff = ctx.off;
  ctx.outLen = l3 + 48 + quote - ctx.off;
  return true;
}
