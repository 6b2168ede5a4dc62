/**
 * DR forwarding (LVS-DR, `-g`): the frame goes to the real server's MAC unchanged but for the
 * Ethernet addresses and the TTL / hop limit, which kernel IPVS decrements in every mode
 * (net/netfilter/ipvs/ip_vs_xmit.c `ip_vs_dr_xmit()` via `decrement_ttl()`; kernel-cases dr-rr-3:
 * TTL 64 -> 63, IP checksum patched, IP ID, DF and the TCP segment untouched).
 * A partial checksum or GSO frame stays so (offload.ts): no byte the L4 checksum covers changes.
 * Preconditions (checked by the caller): TTL > 1, the dest's MAC is resolved, the size fits.
 * Must not: allocate or throw.
 */
import type { Dest } from '../service/dest.js';
import type { PacketCtx } from '../packet-ctx.js';
import type { EngineState } from '../state.js';
import { keepOffloads } from '../offload.js';

/** HOT PATH. Rewrite ctx's frame for dest in place; sets ctx.outOff/outLen. */
export function forwardDr(st: EngineState, ctx: PacketCtx, dest: Dest): void {
  if (ctx.flow.af === 4) ctx.ip4.decTtl();
  else ctx.ip6.decHopLimit();
  ctx.eth.setDst(dest.mac);
  ctx.eth.setSrc(st.localMac);
  ctx.outOff = ctx.off;
  ctx.outLen = ctx.l3off + ctx.ipLen - ctx.off;
  keepOffloads(ctx);
}
