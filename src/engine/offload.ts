/**
 * Offloads on the engine's path: CHECKSUM_PARTIAL frames and GSO super-frames (the FrameBatch
 * header describes the metadata). Owns the one decision of what the engine does with them.
 *
 * Who decides: the daemon knows whether its link finishes partial checksums and segments GSO
 * frames on transmit (Link.offload: AF_PACKET with PACKET_VNET_HDR) and says so once, in
 * EngineOptions.offload. The engine then:
 * - without offload (replay, pcaps, links without a vnet header): completes every partial TCP/UDP
 *   checksum on receive, before any rewrite, and drops a GSO frame it would have to transmit
 *   (gso_unsupported: the engine never segments);
 * - with offload: keeps frames partial and GSO. DR changes no byte the L4 checksum covers. NAT
 *   moves the partial pseudo-header sum to the new address (wire/checksum.ts
 *   csumPartialReplace32: the field is a folded sum, not complemented) and writes the new port
 *   raw: the port lies inside [csumStart, end), which the kernel sums when it finishes the
 *   checksum. TUN completes the inner checksum here (the real server's decapsulator may read the
 *   inner packet raw, e.g. `uvs decap`, and a partial checksum does not survive that) and drops
 *   GSO frames: IPIP segmentation (SKB_GSO_IPXIP4) cannot be asked for through a
 *   virtio_net_hdr and the engine does not segment; clients of a TUN service behind a GRO/TSO
 *   path see those drops (the daemon logs them).
 * The MTU check of a GSO frame compares one segment (IP + L4 headers + gsoSize), never the
 * super-frame (kernel IPVS skips the check for GSO skbs, ip_vs_xmit.c ensure_mtu_is_adequate()).
 * Must not: allocate or throw.
 */
import { META_CSUM_PARTIAL } from '../wire/frame-batch.js';
import type { PacketCtx } from './packet-ctx.js';

const TCP = 6;
const UDP = 17;
const UDP_HDR_LEN = 8;

/** The frame's L4 checksum is partial (CHECKSUM_PARTIAL) and not yet completed. */
export function isPartial(ctx: PacketCtx): boolean {
  return (ctx.meta & META_CSUM_PARTIAL) !== 0;
}

/** The frame is a GSO super-frame. */
export function isGso(ctx: PacketCtx): boolean {
  return ctx.gsoType !== 0 && ctx.gsoSize !== 0;
}

/** Complete a partial TCP/UDP checksum in place (ctx's L4 view wrapped); the frame is then whole. */
export function completePartial(ctx: PacketCtx): void {
  const psum = ctx.flow.af === 4 ? ctx.ip4.pseudoSum() : ctx.ip6.pseudoSum();
  if (ctx.flow.proto === TCP) ctx.tcp.fillCsum(psum);
  else if (ctx.flow.proto === UDP) ctx.udp.fillCsum(psum);
  else return;
  ctx.meta &= ~META_CSUM_PARTIAL;
}

/** IP length of one segment of a GSO frame: IP header(s) + L4 header + gsoSize. */
export function segmentIpLen(ctx: PacketCtx): number {
  const l4hdr = ctx.flow.proto === TCP ? ctx.tcp.headerLen() : UDP_HDR_LEN;
  const seg = ctx.l4off - ctx.l3off + l4hdr + ctx.gsoSize;
  return seg < ctx.ipLen ? seg : ctx.ipLen;
}

/**
 * The output is the forwarded frame itself (DR, NAT): it keeps the input's partial checksum and
 * GSO, for the link to finish. ctx.outOff must be set. The checksum field's offset: TCP 16,
 * UDP 6, ICMP/ICMPv6 2.
 */
export function keepOffloads(ctx: PacketCtx): void {
  if (isPartial(ctx)) {
    const p = ctx.flow.proto;
    ctx.outMeta = META_CSUM_PARTIAL;
    ctx.outCsumStart = ctx.l4off - ctx.outOff;
    ctx.outCsumOff = p === TCP ? 16 : p === UDP ? 6 : 2;
  }
  ctx.outGsoType = ctx.gsoType;
  ctx.outGsoSize = ctx.gsoSize;
}
