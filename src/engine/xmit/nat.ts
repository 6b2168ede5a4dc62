/**
 * NAT forwarding (LVS-NAT, `-m`): inbound, vaddr:vport becomes daddr:dport; on the real server's
 * replies, daddr:dport becomes vaddr:vport again. Checksums are patched incrementally (RFC 1624):
 * the IPv4 header checksum, and the TCP/UDP checksum for both the port and the pseudo-header
 * address, so a checksum that was wrong stays wrong (hostile-inputs row 10; the kernel's
 * tcp_fast_csum_update). A UDP checksum of 0 (none, IPv4) stays 0. TTL / hop limit is decremented
 * in both directions (kernel-cases nat-wrr-3: 64 -> 63 each way); IP IDs are kept.
 * A frame whose L4 checksum is still partial (CHECKSUM_PARTIAL, kept when the link offloads,
 * offload.ts) holds the folded pseudo-header sum, not a checksum: the address change moves that
 * sum (csumPartialReplace*), and the port is written raw, since the link's final checksum sums
 * the L4 header with the new port in it. GSO frames stay GSO: the kernel segments them.
 * Preconditions (checked by the caller): TTL > 1, next-hop MAC known, the size fits.
 * Must not: allocate or throw.
 */
import type { Dest } from '../service/dest.js';
import type { PacketCtx } from '../packet-ctx.js';
import type { EngineState } from '../state.js';
import { addrSum6 } from '../../wire/ipv6.js';
import { isPartial, keepOffloads } from '../offload.js';

const TCP = 6;

/** HOT PATH. Client -> real server: destination becomes (dest.addr, dport). */
export function natIn(st: EngineState, ctx: PacketCtx, dest: Dest, dport: number): void {
  const tcp = ctx.flow.proto === TCP;
  if (isPartial(ctx)) {
    natInPartial(ctx, dest, dport, tcp);
  } else if (ctx.flow.af === 4) {
    const old = ctx.ip4.dst();
    const daddr = dest.addr[0]!;
    ctx.ip4.rewriteDst(daddr);
    ctx.ip4.decTtl();
    if (tcp) {
      ctx.tcp.pseudoReplace32(old, daddr);
      ctx.tcp.rewriteDstPort(dport);
    } else {
      ctx.udp.pseudoReplace32(old, daddr);
      ctx.udp.rewriteDstPort(dport);
    }
  } else {
    const oldSum = ctx.ip6.dstSum();
    ctx.ip6.setDst(dest.addr);
    ctx.ip6.decHopLimit();
    const newSum = addrSum6(dest.addr);
    if (tcp) {
      ctx.tcp.pseudoReplaceSums(oldSum, newSum);
      ctx.tcp.rewriteDstPort(dport);
    } else {
      ctx.udp.pseudoReplaceSums(oldSum, newSum);
      ctx.udp.rewriteDstPort(dport);
    }
  }
  ctx.eth.setDst(dest.mac);
  ctx.eth.setSrc(st.localMac);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
  keepOffloads(ctx);
}

/** HOT PATH. Real server -> client: source becomes (vaddr, vport), sent to the client's MAC. */
export function natOut(
  st: EngineState,
  ctx: PacketCtx,
  vaddr: Uint32Array,
  vport: number,
  clientMac: number,
): void {
  const tcp = ctx.flow.proto === TCP;
  if (isPartial(ctx)) {
    natOutPartial(ctx, vaddr, vport, tcp);
  } else if (ctx.flow.af === 4) {
    const old = ctx.ip4.src();
    const v = vaddr[0]!;
    ctx.ip4.rewriteSrc(v);
    ctx.ip4.decTtl();
    if (tcp) {
      ctx.tcp.pseudoReplace32(old, v);
      ctx.tcp.rewriteSrcPort(vport);
    } else {
      ctx.udp.pseudoReplace32(old, v);
      ctx.udp.rewriteSrcPort(vport);
    }
  } else {
    const oldSum = ctx.ip6.srcSum();
    ctx.ip6.setSrc(vaddr);
    ctx.ip6.decHopLimit();
    const newSum = addrSum6(vaddr);
    if (tcp) {
      ctx.tcp.pseudoReplaceSums(oldSum, newSum);
      ctx.tcp.rewriteSrcPort(vport);
    } else {
      ctx.udp.pseudoReplaceSums(oldSum, newSum);
      ctx.udp.rewriteSrcPort(vport);
    }
  }
  ctx.eth.setDst(clientMac);
  ctx.eth.setSrc(st.localMac);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
  keepOffloads(ctx);
}

/** natIn for a partial checksum: move the pseudo-header sum to daddr, write the port raw. */
function natInPartial(ctx: PacketCtx, dest: Dest, dport: number, tcp: boolean): void {
  if (ctx.flow.af === 4) {
    const old = ctx.ip4.dst();
    const daddr = dest.addr[0]!;
    ctx.ip4.rewriteDst(daddr);
    ctx.ip4.decTtl();
    if (tcp) {
      ctx.tcp.partialReplace32(old, daddr);
      ctx.tcp.setDstPort(dport);
    } else {
      ctx.udp.partialReplace32(old, daddr);
      ctx.udp.setDstPort(dport);
    }
    return;
  }
  const oldSum = ctx.ip6.dstSum();
  ctx.ip6.setDst(dest.addr);
  ctx.ip6.decHopLimit();
  const newSum = addrSum6(dest.addr);
  if (tcp) {
    ctx.tcp.partialReplaceSums(oldSum, newSum);
    ctx.tcp.setDstPort(dport);
  } else {
    ctx.udp.partialReplaceSums(oldSum, newSum);
    ctx.udp.setDstPort(dport);
  }
}

/** natOut for a partial checksum: move the pseudo-header sum to vaddr, write the port raw. */
function natOutPartial(ctx: PacketCtx, vaddr: Uint32Array, vport: number, tcp: boolean): void {
  if (ctx.flow.af === 4) {
    const old = ctx.ip4.src();
    const v = vaddr[0]!;
    ctx.ip4.rewriteSrc(v);
    ctx.ip4.decTtl();
    if (tcp) {
      ctx.tcp.partialReplace32(old, v);
      ctx.tcp.setSrcPort(vport);
    } else {
      ctx.udp.partialReplace32(old, v);
      ctx.udp.setSrcPort(vport);
    }
    return;
  }
  const oldSum = ctx.ip6.srcSum();
  ctx.ip6.setSrc(vaddr);
  ctx.ip6.decHopLimit();
  const newSum = addrSum6(vaddr);
  if (tcp) {
    ctx.tcp.partialReplaceSums(oldSum, newSum);
    ctx.tcp.setSrcPort(vport);
  } else {
    ctx.udp.partialReplaceSums(oldSum, newSum);
    ctx.udp.setSrcPort(vport);
  }
}
